import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageAliases } from '../../harness/repo.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

/** dist/… (what tsc -p tsconfig.build.json emits, rootDir plugin/) back to the source file. */
const sourceOf = (distPath: string) =>
  distPath.replace(/^\.\/dist\//, 'plugin/').replace(/\.(d\.ts|js)$/, '.ts');

/** The five code entry points: the browser plugin, its audio classes, the Vite plugin, Tiled placement, the server. */
const ENTRIES = ['.', './audio', './vite', './tiled', './server'] as const;

describe('package layout', () => {
  it('declares the five public entry points (plus the Vite client types) and phaser/howler as peers', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([...ENTRIES, './vite/client', './package.json'].sort());
    const aliases = packageAliases('4');
    for (const entry of ENTRIES) {
      const e = pkg.exports[entry] as { types: string; import: string };
      // Types and code of one module, built from a source file that exists.
      expect(e.import, entry).toMatch(/^\.\/dist\/.+\.js$/);
      expect(e.types, entry).toBe(e.import.replace(/\.js$/, '.d.ts'));
      const src = sourceOf(e.import);
      expect(existsSync(`${root}${src}`), `${entry} -> ${src}`).toBe(true);
      // Inside the repo (tests, sample game, dev server) the entry resolves to that same source.
      const name = entry === '.' ? 'phaser-voice-agents' : `phaser-voice-agents/${entry.slice(2)}`;
      expect(aliases[name], name).toBe(`${root}${src}`);
    }
    // The `virtual:voice-agents/npcs` types: a .d.ts with no code, copied into dist by build:lib.
    const client = pkg.exports['./vite/client'];
    expect(client).toEqual({ types: './dist/vite/client.d.ts' });
    expect(existsSync(`${root}plugin/vite/client.d.ts`)).toBe(true);
    expect(pkg.scripts['build:lib']).toContain(
      "copyFileSync('plugin/vite/client.d.ts','dist/vite/client.d.ts')",
    );
    expect(pkg.bin['voice-agents']).toBe('./dist/server/cli.js');
    expect(existsSync(`${root}${sourceOf(pkg.bin['voice-agents'])}`)).toBe(true);
    expect(pkg.peerDependencies.phaser).toBe('^3.80.0 || ^4.0.0');
    expect(pkg.peerDependencies.howler).toMatch(/^\^2\.2/);
    expect(pkg.dependencies?.phaser).toBeUndefined();
    expect(pkg.dependencies?.howler).toBeUndefined();
  });

  // Issue 17.4: the aliases are written in harness/repo.ts (Vite, Vitest, the benches) and again as
  // TypeScript `paths` in the tsconfigs that compile repo code; each path must name the same file.
  it('every tsconfig that maps the package names maps them to the files harness/repo.ts does', () => {
    const aliases = packageAliases('4');
    const configs = [
      'tsconfig.json',
      'test/types/readme/tsconfig.json',
      'test/types/consumer-3/tsconfig.json',
      'test/types/consumer-4/tsconfig.json',
    ];
    for (const file of configs) {
      const config = JSON.parse(readFileSync(`${root}${file}`, 'utf8'));
      const paths: Record<string, string[]> = config.compilerOptions.paths;
      const ours = Object.entries(paths).filter(([name]) => name.startsWith('phaser-voice-agents'));
      expect(ours.length, file).toBeGreaterThan(0);
      for (const [name, [target]] of ours)
        expect(resolve(dirname(`${root}${file}`), target!), `${file}: ${name}`).toBe(aliases[name]);
    }
  });
});
