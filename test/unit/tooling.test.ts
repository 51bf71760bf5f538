import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

describe('package layout', () => {
  it('declares the four public entry points and phaser/howler as peers', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './vite', './server']));
    expect(pkg.bin['voice-agents']).toBeTruthy();
    expect(pkg.peerDependencies.phaser).toBe('^3.80.0 || ^4.0.0');
    expect(pkg.peerDependencies.howler).toMatch(/^\^2\.2/);
    expect(pkg.dependencies?.phaser).toBeUndefined();
    expect(pkg.dependencies?.howler).toBeUndefined();
  });
});
