import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { packageAliases, packageEntries, repoRoot as root, sourceOf } from '../../harness/repo.js';

const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

/** The five code entry points: the browser plugin, its audio classes, the Vite plugin, Tiled placement, the server. */
const ENTRIES = ['.', './audio', './vite', './tiled', './server'] as const;

/** A tsconfig as tsc reads it, `extends` followed: its package-name `paths`, each resolved to a file. */
function packagePaths(file: string): Record<string, string> {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    `${root}${file}`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const { paths, pathsBasePath } = parsed!.options;
  const out: Record<string, string> = {};
  for (const [name, [target]] of Object.entries(paths ?? {}))
    if (name.startsWith(pkg.name)) out[name] = resolve(String(pathsBasePath), target!);
  return out;
}

describe('package layout', () => {
  it('declares the five public entry points (plus the Vite client types) and phaser/howler as peers', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([...ENTRIES, './vite/client', './package.json'].sort());
    // Every entry with code, not only these five: types and code of one module, built from a
    // source file that exists (an entry added to package.json without one fails here).
    const withCode = Object.entries(pkg.exports).filter(([, e]) => typeof e === 'object' && 'import' in e!);
    expect(withCode.map(([entry]) => entry).sort()).toEqual([...ENTRIES].sort());
    for (const [entry, e] of withCode as [string, { types: string; import: string }][]) {
      expect(e.import, entry).toMatch(/^\.\/dist\/.+\.js$/);
      expect(e.types, entry).toBe(e.import.replace(/\.js$/, '.d.ts'));
      const src = sourceOf(e.import);
      expect(existsSync(`${root}${src}`), `${entry} -> ${src}`).toBe(true);
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

  // Issue 17.4: one list of entry points, package.json `exports`. harness/repo.ts reads it for Vite,
  // Vitest and the benches; TypeScript cannot, so tsconfig.paths.json states the same map once and
  // every config that compiles code importing the package by name extends it.
  it('the aliases of Vite, Vitest and TypeScript are package.json exports, read as source', () => {
    const entries = packageEntries();
    const expected: Record<string, string> = {};
    for (const entry of ENTRIES) {
      const name = entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`;
      expected[name] = `${root}${sourceOf(pkg.exports[entry].import)}`;
    }
    const aliases = packageAliases('4');
    expect(aliases).toEqual(expected);
    // Vite tries aliases in order and matches a name as a prefix: subpaths before the bare name.
    expect(Object.keys(aliases).at(-1)).toBe(pkg.name);
    expect(Object.keys(packageAliases('3'))).toEqual([...Object.keys(entries), 'phaser']);

    expect(packagePaths('tsconfig.paths.json')).toEqual(expected);
    for (const file of [
      'tsconfig.json',
      'test/types/readme/tsconfig.json',
      'test/types/consumer-4/tsconfig.json',
    ])
      expect(packagePaths(file), file).toEqual(expected);
    // consumer-3 maps `phaser` to Phaser 3, so it has a paths key of its own: its entries must agree.
    const consumer3 = packagePaths('test/types/consumer-3/tsconfig.json');
    expect(Object.keys(consumer3)).toEqual([pkg.name]);
    for (const [name, file] of Object.entries(consumer3)) expect(file, name).toBe(expected[name]);

    // …and no other tsconfig states the entry points again.
    const configs = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '*.json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((f) => /(^|\/)tsconfig[^/]*\.json$/.test(f));
    const declaring = configs.filter((f) =>
      Object.keys(JSON.parse(readFileSync(`${root}${f}`, 'utf8')).compilerOptions?.paths ?? {}).some((n) =>
        n.startsWith(pkg.name),
      ),
    );
    expect(declaring.sort()).toEqual(['test/types/consumer-3/tsconfig.json', 'tsconfig.paths.json']);
  });
});
