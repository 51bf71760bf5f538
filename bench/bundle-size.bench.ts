/**
 * Bundle size of our browser entry (minified + gzip, phaser/howler external) next to the official
 * @elevenlabs/client bundled the same way, plus a licence scan: no GPL code may reach the browser.
 * The entry chunk is what a game downloads with the plugin; chunks behind dynamic imports (our debug
 * overlay, which loads when a developer first switches it on) are reported beside it, not hidden.
 * Run: npx tsx bench/bundle-size.bench.ts
 */
import { build } from 'vite';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult, round } from './lib/report.js';

const root = fileURLToPath(new URL('../', import.meta.url));

interface Bundle {
  /** The entry chunk and the chunks it imports statically: what a game downloads with the plugin. */
  raw: number;
  gzip: number;
  /** Chunks loaded on demand (dynamic imports, e.g. the debug overlay), gzipped separately. */
  lazyGzip: number;
  lazyChunks: number;
  /** Everything, for the licence scan. */
  code: string;
}

async function bundle(label: string, entrySource: string): Promise<Bundle> {
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

const entry = JSON.stringify(join(root, 'plugin/index.ts'));
// Everything the entry exports (the worst case) and what a game that registers the plugin ships
// (tree-shaken: the scene plugin pulls in session, audio, proximity and bubbles, not the rest).
const ours = await bundle('ours', `export * from ${entry};\n`);
const game = await bundle('game', `export { voiceAgentsPlugin } from ${entry};\n`);
const peer = await bundle('official', `export * from '@elevenlabs/client';\n`);
const kb = (b: { gzip: number }) => round(b.gzip / 1024, 1);
const lazyKb = (b: Bundle) => round(b.lazyGzip / 1024, 1);
const lazyNote = (b: Bundle) =>
  b.lazyChunks ? ` (+ ${lazyKb(b)} KB in ${b.lazyChunks} chunk(s) loaded on demand)` : '';

const gplMarkers = [/espeak/i, /GNU General Public License/i, /\bGPL-?[23]/];
const gplHits = gplMarkers.filter((re) => re.test(ours.code)).map(String);
const targetKb = 30;
const oursKb = round(ours.gzip / 1024, 1);
const peerKb = round(peer.gzip / 1024, 1);

writeResult(
  'bundle-size',
  {
    ours: {
      rawBytes: ours.raw,
      gzipBytes: ours.gzip,
      gzipKb: oursKb,
      lazyGzipKb: lazyKb(ours),
      lazyChunks: ours.lazyChunks,
      totalGzipKb: round((ours.gzip + ours.lazyGzip) / 1024, 1),
    },
    oursPluginOnly: { rawBytes: game.raw, gzipBytes: game.gzip, gzipKb: kb(game), lazyGzipKb: lazyKb(game) },
    official: {
      package: '@elevenlabs/client',
      rawBytes: peer.raw,
      gzipBytes: peer.gzip,
      gzipKb: peerKb,
      lazyGzipKb: lazyKb(peer),
      lazyChunks: peer.lazyChunks,
    },
    ratio: round(ours.gzip / peer.gzip, 3),
    targetKb,
    meetsTarget: oursKb <= targetKb,
    gplMarkersFound: gplHits,
  },
  [
    `bundle entry (min+gzip, phaser/howler external): ours ${oursKb} KB vs @elevenlabs/client ${peerKb} KB` +
      ` (ratio ${round(ours.gzip / peer.gzip, 2)}), target <= ${targetKb} KB: ${oursKb <= targetKb ? 'met' : 'MISSED'}`,
    `on demand: ours${lazyNote(ours) || ' none'}; @elevenlabs/client${lazyNote(peer) || ' none'}`,
    `a game importing only voiceAgentsPlugin ships ${kb(game)} KB of ours (tree-shaken)${lazyNote(game)}`,
    `GPL markers in our bundle: ${gplHits.length ? gplHits.join(', ') : 'none'}`,
  ],
);
