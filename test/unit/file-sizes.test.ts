import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.5: a module past about 400 lines usually does several jobs; the ceiling is held here so a
// file that grows past it is split when it grows, not found in the next audit.
const MAX_LINES = 400;

describe('source files stay small', () => {
  it(`every tracked .ts, .mts and .js file has at most ${MAX_LINES} lines`, () => {
    const files = execFileSync('git', ['ls-files', '*.ts', '*.mts', '*.js'], {
      cwd: repoRoot,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(200); // the listing found the repo's sources
    const lines = (f: string) =>
      readFileSync(join(repoRoot, f), 'utf8').replace(/\n$/, '').split('\n').length;
    const big = files.map((f) => `${f}: ${lines(f)}`).filter((s) => Number(s.split(': ')[1]) > MAX_LINES);
    expect(big).toEqual([]);
  });
});
