/**
 * The project's files and the relative imports between them, read from the source text (no type
 * checker): shared by the unused-exports and import-cycle checks.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../', import.meta.url));
export const FOLDERS = ['plugin', 'harness', 'test', 'bench', 'scripts', 'sample-game'];
const SKIP = /node_modules|\/generated\/|\/artifacts\//;

export function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (SKIP.test(path)) continue;
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** `./x.js` from `from` -> the absolute .ts path, or null for packages. */
export function target(from: string, spec: string, exists: (path: string) => boolean): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  const forms = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return forms.find(exists) ?? null;
}
