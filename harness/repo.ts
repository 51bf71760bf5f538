import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * The source file a built file of `dist/` comes from: `tsc -p tsconfig.build.json` compiles `plugin/`
 * (its rootDir) into `dist/`, so `./dist/npc/tiled.js` (or `.d.ts`) is `plugin/npc/tiled.ts`.
 */
export const sourceOf = (distPath: string): string =>
  distPath.replace(/^\.\/dist\//, 'plugin/').replace(/\.(d\.ts|js)$/, '.ts');

/**
 * The package's code entry points, read from package.json `exports` (the one list of them; npm
 * consumers read it too): the import name -> its source file, repo-relative. Entries without code
 * (`./vite/client`, types only) and `./package.json` are left out. Longer names come first, so an
 * alias list built from this resolves `phaser-voice-agents/vite` before `phaser-voice-agents`.
 */
export function packageEntries(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, string | { import?: string }>;
  };
  const entries: [string, string][] = [];
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || !target.import) continue;
    entries.push([entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`, sourceOf(target.import)]);
  }
  return Object.fromEntries(entries.sort(([a], [b]) => b.length - a.length));
}

/**
 * Inside this repo the package's entry points resolve to source, so tests, benches, the sample game
 * and the dev server never need a build. PHASER=3 swaps in Phaser 3.90 (the `phaser3` npm alias).
 * TypeScript reads the same map from tsconfig.paths.json, which test/unit/tooling.test.ts holds
 * equal to {@link packageEntries}.
 */
export function packageAliases(phaser = process.env.PHASER): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const [name, source] of Object.entries(packageEntries())) aliases[name] = `${repoRoot}${source}`;
  return { ...aliases, ...(phaser === '3' ? { phaser: 'phaser3' } : {}) };
}
