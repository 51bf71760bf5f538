/**
 * Wire codec cost per audio chunk, ours against the official `@elevenlabs/client` 1.25, in Node and
 * in Chromium (the browser is where both clients encode the microphone and decode the agent's audio,
 * and its base64 is not Node's: Node's atob/btoa are slow JavaScript, the browser's are native).
 *
 *  - base64 encode: our table-based int16ToBase64 vs the official arrayBufferToBase64 (spread + btoa);
 *  - mic message: the whole path from a PCM16 chunk to the JSON text given to WebSocket.send, ours
 *    (encodeSamples + encodeUserAudioChunk) vs the official (arrayBufferToBase64 + JSON.stringify,
 *    as attachInputToConnection and WebSocketConnection.sendMessage do it);
 *  - base64 decode: our base64ToInt16 vs the official base64ToArrayBuffer (atob + charCodeAt loop);
 *  - Node only: Buffer's native base64 as a reference.
 * Every case runs ROUNDS rounds of ROUND_MS, ours and theirs alternating; every round is reported
 * with the median and range, and the ratio (official ÷ ours) per round pair.
 * In Chromium performance.now() is coarsened to 0.1 ms (the page is not cross-origin isolated); over
 * a 40 ms round that is 0.25 %.
 *
 * Run: npx tsx bench/protocol-codec.bench.ts   (ROUNDS=12 ROUND_MS=40)
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'vite';
import { oursCodec } from './lib/ours-codec.js';
import { launchBrowser, startPageServer } from '../harness/browser.js';
import { pageReady } from '../harness/poll.js';
import { writeResult } from './lib/report.js';
import { spread, type Spread } from './lib/spread.js';
import {
  CHUNKS,
  runCodecCases,
  samplesOf,
  singleRounds,
  type CodecRounds,
  type OfficialCodec,
  type PairRounds,
  type RoundOptions,
} from './lib/codec-cases.js';

const opts: RoundOptions = {
  rounds: Number(process.env.ROUNDS ?? 12),
  roundMs: Number(process.env.ROUND_MS ?? 40),
};
const started = performance.now();

// The helpers are not in the package's exports map: load the file itself.
const require = createRequire(import.meta.url);
const clientDir = join(dirname(require.resolve('@elevenlabs/client')), '..');
const official = (await import(pathToFileURL(join(clientDir, 'dist/utils/audio.js')).href)) as OfficialCodec;
const clientVersion = (require(join(clientDir, 'package.json')) as { version: string }).version;

// --- Node ----------------------------------------------------------------------------------------
const nodeRounds = runCodecCases(oursCodec, official, opts);
let sink = 0;
const nodeBuffer: Record<string, { encode_us: Spread; decode_us: Spread }> = {};
for (const [label, n] of Object.entries(CHUNKS)) {
  const s = samplesOf(n);
  const b64 = Buffer.from(s.buffer).toString('base64');
  nodeBuffer[label] = {
    encode_us: spread(
      singleRounds(
        () => (sink += Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('base64').length),
        opts,
      ),
      3,
    ),
    decode_us: spread(
      singleRounds(() => {
        const b = Buffer.from(b64, 'base64');
        sink += new Int16Array(b.buffer, b.byteOffset, b.length / 2).length;
      }, opts),
      3,
    ),
  };
}

// --- Chromium ------------------------------------------------------------------------------------
const cacheDir: Plugin = {
  name: 'bench-codec-cache',
  // Its own dependency cache: tests running meanwhile re-optimise the shared one.
  config: () => ({ cacheDir: 'node_modules/.vite-bench-codec' }),
};
const { server, url } = await startPageServer({ plugins: [cacheDir] });
const browser = await launchBrowser();
let chromeRounds: CodecRounds;
let chromeVersion = '';
try {
  chromeVersion = browser.version();
  const page = await browser.newPage();
  await page.goto(`${url}/bench/pages/codec/index.html`);
  await pageReady(page, 'codec', 60_000);
  chromeRounds = await page.evaluate((o) => window.codecBench.run(o), opts);
} finally {
  await browser.close();
  await server.close();
}

// --- Report --------------------------------------------------------------------------------------
function pair(p: PairRounds) {
  return {
    ours_us: spread(p.ours_us, 3),
    official_us: spread(p.official_us, 3),
    official_over_ours: spread(
      p.ours_us.map((o, i) => p.official_us[i]! / o),
      2,
    ),
  };
}

function env(r: CodecRounds) {
  const chunks = Object.fromEntries(
    Object.entries(r.chunks).map(([label, c]) => [
      label,
      {
        base64_encode: pair(c.base64_encode),
        mic_message: pair(c.mic_message),
        base64_decode: pair(c.base64_decode),
      },
    ]),
  );
  const frames = Object.fromEntries(Object.entries(r.frames).map(([k, v]) => [k, spread(v, 3)]));
  // A second of microphone audio: ours sends 50 chunks of 320 samples, the official client 31.25 of 512.
  const ours320 = chunks['mic 20 ms @16k (320 samples, our chunk)']!.mic_message.ours_us.median;
  const off512 = chunks['mic 32 ms @16k (512 samples, the official chunk)']!.mic_message.official_us.median;
  const perSecond = {
    ours_us: Math.round(ours320 * 50 * 10) / 10,
    official_us: Math.round(off512 * 31.25 * 10) / 10,
    official_over_ours: Math.round(((off512 * 31.25) / (ours320 * 50)) * 100) / 100,
    note: 'from the medians: ours 50 x 320-sample messages, the official client 31.25 x 512-sample messages',
  };
  return { chunks, frames, mic_message_per_second_of_audio: perSecond };
}

const node = env(nodeRounds);
const chromium = env(chromeRounds!);

const f = (v: number) => v.toFixed(2).padStart(7);
const table = (name: string, e: ReturnType<typeof env>): string[] => [
  `${name}: µs per call, median (range) of ${opts.rounds} rounds; ratio = official ÷ ours per round pair, median (range)`,
  ...Object.entries(e.chunks).flatMap(([label, c]) => [
    `  ${label}`,
    ...(['base64_encode', 'mic_message', 'base64_decode'] as const).map((op) => {
      const x = c[op];
      return `    ${op.padEnd(14)} ours ${f(x.ours_us.median)} (${x.ours_us.min}–${x.ours_us.max})  official ${f(x.official_us.median)} (${x.official_us.min}–${x.official_us.max})  ratio x${x.official_over_ours.median.toFixed(2)} (${x.official_over_ours.min}–${x.official_over_ours.max})`;
    }),
  ]),
  `  ours only: mic message pcm ${e.frames.mic_message_pcm_us!.median} µs, ulaw ${e.frames.mic_message_ulaw_us!.median} µs; decode a 250 ms audio frame ${e.frames.decode_audio_frame_us!.median} µs (JSON.parse alone ${e.frames.json_parse_only_us!.median} µs)`,
];
const headline = (name: string, e: ReturnType<typeof env>): string => {
  const c = e.chunks['mic 20 ms @16k (320 samples, our chunk)']!;
  const a = e.chunks['agent 250 ms @16k (4000 samples)']!;
  return (
    `${name}: mic message (320 samples) ours ${c.mic_message.ours_us.median} µs vs official ${c.mic_message.official_us.median} µs (x${c.mic_message.official_over_ours.median}); ` +
    `per second of mic audio ours ${e.mic_message_per_second_of_audio.ours_us} µs vs ${e.mic_message_per_second_of_audio.official_us} µs (x${e.mic_message_per_second_of_audio.official_over_ours}); ` +
    `decode 250 ms x${a.base64_decode.official_over_ours.median}`
  );
};

writeResult(
  'protocol-codec',
  {
    definition:
      'µs per call of the wire codec, ours vs @elevenlabs/client, in Node and in Chromium; every round reported, ratio = official ÷ ours per round pair (> 1: ours faster)',
    official_client: clientVersion,
    rounds: opts.rounds,
    round_ms: opts.roundMs,
    environments: { node: process.version, chromium: chromeVersion },
    node: { ...node, node_buffer: nodeBuffer },
    chromium: {
      ...chromium,
      timer_note: 'performance.now() coarsened to 0.1 ms (not cross-origin isolated): 0.25 % of a round',
    },
    sink: sink > 0 && nodeRounds.sink && chromeRounds!.sink,
  },
  [
    ...table(`Node ${process.version}`, node),
    ...Object.entries(nodeBuffer).map(
      ([label, b]) =>
        `  Node Buffer (native) ${label}: encode ${b.encode_us.median} µs, decode ${b.decode_us.median} µs`,
    ),
    '',
    ...table(`Chromium ${chromeVersion}`, chromium),
    '',
    `took ${((performance.now() - started) / 1000).toFixed(0)} s`,
    headline(`Node ${process.version}`, node),
    headline(`Chromium ${chromeVersion}`, chromium),
  ],
);
