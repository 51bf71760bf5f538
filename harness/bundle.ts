/**
 * A browser entry bundled the way a game ships it (Vite lib build, minified, phaser and howler
 * external) and measured: what a game downloads with it, min+gzip, and what loads on demand. The
 * bundle-size bench reports it against the design's target and issue 17's ceiling.
 */
import { build } from 'vite';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot as root } from './repo.js';

/** Signs of GPL code (eSpeak NG is GPL and must stay on the server): none may reach the browser. */
export const GPL_MARKERS = [/espeak/i, /GNU General Public License/i, /\bGPL-?[23]/];

/** The ceiling of the browser entry, min+gzip, in bytes (issue 17.6: 32 KB, a KB being 1,024 bytes). */
export const ENTRY_CEILING_BYTES = 32 * 1024;

export interface Bundle {
  /** The entry chunk and the chunks it imports statically: what a game downloads with the plugin. */
  raw: number;
  gzip: number;
  /** Chunks loaded on demand (dynamic imports, e.g. the debug overlay), gzipped separately. */
  lazyGzip: number;
  lazyChunks: number;
  /** Everything, for the licence scan. */
  code: string;
}

export async function bundle(label: string, entrySource: string): Promise<Bundle> {
  // Inside the repo so bare imports resolve from node_modules.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, `node_modules/.cache/bundle-${label}-`));
  const entry = join(dir, 'entry.js');
  writeFileSync(entry, entrySource);
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir: join(dir, 'out'),
      emptyOutDir: true,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      // Vite's lib mode keeps whitespace in ES output (to keep pure annotations); a game's own app
      // build minifies it away, so minify the output fully: what a player actually downloads.
      // Both our entry and the official client are measured this way.
      rollupOptions: { external: ['phaser', 'howler'], output: { minify: true } },
    },
  });
  const outDir = join(dir, 'out');
  const files = readdirSync(outDir).filter((f) => f.endsWith('.js'));
  const read = (f: string) => readFileSync(join(outDir, f), 'utf8');
  const gz = (code: string) => gzipSync(code, { level: 9 }).length;
  // A chunk the entry imports statically (a module shared with a lazy chunk) is downloaded with
  // the entry, not on demand: count it in. Only what sits behind import() is on demand.
  const eager = new Set(['bundle.js']);
  for (const queue = ['bundle.js']; queue.length;) {
    const code = read(queue.pop()!);
    for (const m of code.matchAll(/\bfrom\s*["']\.\/([^"']+)["']|\bimport\s*["']\.\/([^"']+)["']/g)) {
      const f = m[1] ?? m[2]!;
      if (eager.has(f)) continue;
      eager.add(f);
      queue.push(f);
    }
  }
  const eagerCode = [...eager].map(read);
  const lazy = files.filter((f) => !eager.has(f)).map(read);
  rmSync(dir, { recursive: true, force: true });
  return {
    raw: eagerCode.reduce((n, c) => n + Buffer.byteLength(c), 0),
    gzip: eagerCode.reduce((n, c) => n + gz(c), 0),
    lazyGzip: lazy.reduce((n, c) => n + gz(c), 0),
    lazyChunks: lazy.length,
    code: [...eagerCode, ...lazy].join('\n'),
  };
}
