// Bench page: one client per page (?client=ours | official), instrumented identically by
// instrument.ts (imported first, before any client code runs).
import { beepOff, beepOn, marks } from './instrument.js';
import { until as untilTrue } from '../../../harness/poll.js';
import { openClient, type Opened } from './clients.js';

const params = new URLSearchParams(location.search);
const client = params.get('client') ?? 'ours';

/** The page's waits, on the shared helper: a read every 1 ms, the timeout naming this client. */
const until = (cond: () => boolean, ms: number, what: string): Promise<void> =>
  untilTrue(cond, { what: `${what} (${client})`, timeout: ms, interval: 1 });

let opened: Opened | null = null;

async function start(wsUrl: string): Promise<string> {
  const chunkMs = params.get('chunkMs');
  opened = await openClient(client === 'official' ? 'official' : 'ours', wsUrl, {
    context: params.get('micContext') ?? 'auto',
    capture: params.get('capture') ?? 'auto',
    ...(chunkMs ? { chunkMs: Number(chunkMs) } : {}),
  });
  return opened.glue;
}

/**
 * Sound enters the mic -> its chunk leaves on the WebSocket. Also returns where the beep fell on the
 * chunk grid (ms since the last chunk left before the beep entered the mic) and when it reached the
 * capturing context (ms after it entered the mic).
 */
async function micTrial(): Promise<{ ms: number; sinceSend: number; toCapture: number }> {
  const n = marks.beepOnWire.length;
  const q = marks.quietOnWire.length;
  const m = marks.micLoud.length;
  const c = marks.captureLoud.length;
  // The previous trial ended when a quiet chunk left, i.e. on a chunk boundary: starting the beep
  // right away would always land at the same phase of the chunk grid (just after a boundary, the
  // slowest case for a client with short chunks). A random wait over two 32 ms chunks spreads it.
  await new Promise((r) => setTimeout(r, Math.random() * 64));
  beepOn();
  await until(() => marks.beepOnWire.length > n && marks.micLoud.length > m, 3000, 'beep on the wire');
  // The capture tap's message may come just after the chunk's (another port); none without a source node.
  if (marks.captureTaps > 0)
    await until(() => marks.captureLoud.length > c, 500, 'beep in the capturing context');
  const loud = marks.micLoud[m]!;
  const toCapture = marks.captureTaps > 0 ? marks.captureLoud[c]! - loud : NaN;
  const dt = marks.beepOnWire[n]! - loud;
  const before = marks.sendTimes.filter((x) => x <= loud);
  const sinceSend = before.length ? loud - before[before.length - 1]! : NaN;
  await new Promise((r) => setTimeout(r, 60));
  beepOff();
  await until(() => marks.quietOnWire.length > q, 3000, 'quiet on the wire');
  return { ms: dt, sinceSend, toCapture };
}

/** First audio frame of turn `id` received -> level at the output tap. */
async function earTrial(id: number): Promise<number> {
  await until(() => marks.firstAudio.has(id), 5000, `turn ${id}`);
  const t = marks.firstAudio.get(id)!;
  await until(() => marks.loud.some((x) => x >= t), 3000, `turn ${id} audible`);
  const loud = marks.loud.find((x) => x >= t)!;
  await until(() => marks.silent.some((x) => x > loud), 5000, `turn ${id} ends`);
  return loud - t;
}

/** Waits until turn `id` has been audible for `ms`. */
async function audibleFor(id: number, ms: number): Promise<void> {
  await until(() => marks.firstAudio.has(id), 5000, `turn ${id}`);
  const t = marks.firstAudio.get(id)!;
  await until(() => marks.loud.some((x) => x >= t), 3000, `turn ${id} audible`);
  const loud = marks.loud.find((x) => x >= t)!;
  await until(() => performance.now() - loud >= ms, ms + 1000, 'audible time');
}

/** `interruption` received -> output 40 dB below its level. */
let bargeFrom = 0;
function armBarge(): void {
  bargeFrom = marks.interruptions.length;
}
async function bargeTrial(): Promise<number> {
  const n = bargeFrom;
  await until(() => marks.interruptions.length > n, 5000, 'interruption');
  const t = marks.interruptions[n]!;
  await until(() => marks.silent.some((x) => x >= t), 5000, 'silence after interruption');
  return marks.silent.find((x) => x >= t)! - t;
}

function info() {
  const t = marks.sendTimes;
  const gaps = t.slice(1).map((x, i) => x - t[i]!);
  return {
    chunkSamples: marks.chunkSamples,
    sentChunks: marks.sentChunks,
    glue: opened?.glue ?? '',
    captureMethodAtEnd: opened?.ourMic?.captureMethod ?? null,
    contexts: marks.contexts,
    trackRate: marks.trackRate,
    captureRate: opened?.captureRate ?? 0,
    howlerRate: opened?.howlerRate ?? 0,
    /** Intervals between chunk sends (the render bursts show through: ours 20 ms, official 30/40). */
    sendGapsMs: gaps.slice(-200).map((g) => Math.round(g * 10) / 10),
  };
}

const latencyBench = { start, micTrial, earTrial, audibleFor, armBarge, bargeTrial, info };
/** The audio-latency bench page's API: `window.latencyBench` (declared in test/types/window.ts). */
export type LatencyBench = typeof latencyBench;
window.latencyBench = latencyBench;
window.__ready = true;
