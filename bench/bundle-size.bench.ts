/**
 * Bundle size of our browser entry (minified + gzip, phaser/howler external) next to the official
 * @elevenlabs/client bundled the same way, plus a licence scan: no GPL code may reach the browser.
 * Two measures: what the plugin adds to a game's first download (a Vite app build of a scene that
 * registers it, minus the same scene without it: the ceiling's figure), and the entry as a library
 * with everything exported (the figure compared with the official client, bundled the same way).
 * Chunks behind dynamic imports (the voice and microphone code, fetched when the first conversation
 * opens; the debug overlay) are reported beside them, not hidden.
 * Run: npx tsx bench/bundle-size.bench.ts
 */
import { join } from 'node:path';
import { writeResult, round } from './lib/report.js';
import { bundle, ENTRY_CEILING_BYTES, gameGrowth, GPL_MARKERS, type Bundle } from '../harness/bundle.js';
import { repoRoot as root } from '../harness/repo.js';

const entry = JSON.stringify(join(root, 'plugin/index.ts'));
// Everything the entry exports (the worst case) and what a game that registers the plugin ships
// (tree-shaken: the scene plugin pulls in session, audio, proximity and bubbles, not the rest).
const ours = await bundle('ours', `export * from ${entry};\n`);
const game = await bundle('game', `export { voiceAgentsPlugin } from ${entry};\n`);
const peer = await bundle('official', `export * from '@elevenlabs/client';\n`);
const inGame = await gameGrowth();
const kb = (b: { gzip: number }) => round(b.gzip / 1024, 1);
const lazyKb = (b: Bundle) => round(b.lazyGzip / 1024, 1);
const lazyNote = (b: Bundle) =>
  b.lazyChunks ? ` (+ ${lazyKb(b)} KB in ${b.lazyChunks} chunk(s) loaded on demand)` : '';

const gplHits = GPL_MARKERS.filter((re) => re.test(ours.code) || re.test(inGame.code)).map(String);
/** The design's target (docs/design.md §8); issue 17's ceiling, held by a unit test, is ENTRY_CEILING_BYTES. */
const targetKb = 30;
const oursKb = round(ours.gzip / 1024, 1);
const peerKb = round(peer.gzip / 1024, 1);

writeResult(
  'bundle-size',
  {
    gameFirstDownload: {
      gzipBytes: inGame.gzip,
      rawBytes: inGame.raw,
      gzipKb: kb(inGame),
      lazyGzipKb: round(inGame.lazyGzip / 1024, 1),
      lazyChunks: inGame.lazy.length,
      firstConversationGzipBytes: inGame.firstConversationGzip,
      /** What a player who comes near an NPC has downloaded: the first download plus those chunks. */
      throughFirstConversationGzipBytes: inGame.gzip + inGame.firstConversationGzip,
      chunks: inGame.lazy,
    },
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
    ceilingBytes: ENTRY_CEILING_BYTES,
    meetsCeiling: inGame.gzip <= ENTRY_CEILING_BYTES && ours.gzip <= ENTRY_CEILING_BYTES,
    gplMarkersFound: gplHits,
  },
  [
    `a game's first download grows by ${inGame.gzip} B min+gzip with the plugin (Vite app build, ceiling` +
      ` ${ENTRY_CEILING_BYTES} B: ${inGame.gzip <= ENTRY_CEILING_BYTES ? 'met' : 'MISSED'}); then` +
      ` ${round(inGame.lazyGzip / 1024, 1)} KB in ${inGame.lazy.length} chunks on demand, of which` +
      ` ${inGame.firstConversationGzip} B in ${inGame.lazy.filter((c) => c.firstConversation).length} chunks` +
      ` come with the first conversation (prewarm included): ${inGame.gzip + inGame.firstConversationGzip} B by then`,
    ...inGame.lazy.map(
      (c) =>
        `  ${String(c.gzip).padStart(6)} B  ${c.module}${c.firstConversation ? '  (first conversation)' : ''}`,
    ),
    `bundle entry (min+gzip, phaser/howler external): ours ${oursKb} KB vs @elevenlabs/client ${peerKb} KB` +
      ` (ratio ${round(ours.gzip / peer.gzip, 2)}), design target <= ${targetKb} KB: ${oursKb <= targetKb ? 'met' : 'MISSED'};` +
      ` ceiling ${ENTRY_CEILING_BYTES} B: ${ours.gzip <= ENTRY_CEILING_BYTES ? 'met' : 'MISSED'} (${ours.gzip} B)`,
    `on demand: ours${lazyNote(ours) || ' none'}; @elevenlabs/client${lazyNote(peer) || ' none'}`,
    `a game importing only voiceAgentsPlugin ships ${kb(game)} KB of ours (tree-shaken)${lazyNote(game)}`,
    `GPL markers in our bundle: ${gplHits.length ? gplHits.join(', ') : 'none'}`,
  ],
);
