// Bench page: one client per page (?client=ours | official), instrumented identically by
// instrument.ts (imported first, before any client code runs).
import { beepOff, beepOn, marks } from './instrument.js';
import { until as untilTrue } from '../../../harness/poll.js';

const params = new URLSearchParams(location.search);
const client = params.get('client') ?? 'ours';

/** The page's waits, on the shared helper: a read every 1 ms, the timeout naming this client. */
const until = (cond: () => boolean, ms: number, what: string): Promise<void> =>
  untilTrue(cond, { what: `${what} (${client})`, timeout: ms, interval: 1 });

let glue = '';
/** Our mic, to report at the end of a run which path it ended on ('auto' may leave the track processor). */
let ourMic: { readonly captureMethod: string | null } | null = null;
let captureRate = 0;
let howlerRate = 0;

async function start(wsUrl: string): Promise<string> {
  if (client === 'ours') {
    const { Howler } = await import('howler');
    const audio = await import('../../../plugin/audio/index.js');
    const session = await import('../../../plugin/session/index.js').catch(() => null);
    Howler.volume(1);
    const bridge = new audio.HowlerBridge(Howler);
    const mixer = new audio.VoiceMixer(bridge);
    const voice = mixer.createVoice();
    if (session?.AgentSession) {
      glue = 'AgentSession';
      const s = new session.AgentSession({ endpoint: { kind: 'url', url: wsUrl }, reconnect: false });
      s.on('audio', (c) => voice.push(c.pcm, c.sampleRate, c.eventId));
      s.on('interruption', () => voice.flush());
      const info = await s.connect();
      const mic = new audio.MicCapture(bridge, {
        mode: 'open',
        sampleRate: info.inputFormat.sampleRate,
        onChunk: (pcm) => s.sendAudio(pcm),
        context: (params.get('micContext') ?? 'auto') as 'auto',
        capture: (params.get('capture') ?? 'auto') as 'auto',
        ...(params.get('chunkMs') ? { chunkMs: Number(params.get('chunkMs')) } : {}),
      });
      if (!(await mic.start())) throw new Error('mic failed');
      ourMic = mic;
      captureRate = mic.captureRate;
      glue = `AgentSession + MicCapture (${mic.captureMethod})`;
      howlerRate = Howler.ctx?.sampleRate ?? 0;
    } else {
      throw new Error('AgentSession missing');
    }
  } else {
    glue = '@elevenlabs/client Conversation.startSession (websocket)';
    const { Conversation } = await import('@elevenlabs/client');
    await Conversation.startSession({ signedUrl: wsUrl, connectionType: 'websocket' });
  }
  return glue;
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
    glue,
    captureMethodAtEnd: ourMic?.captureMethod ?? null,
    contexts: marks.contexts,
    trackRate: marks.trackRate,
    captureRate,
    howlerRate,
    /** Intervals between chunk sends (the render bursts show through: ours 20 ms, official 30/40). */
    sendGapsMs: gaps.slice(-200).map((g) => Math.round(g * 10) / 10),
  };
}

const latencyBench = { start, micTrial, earTrial, audibleFor, armBarge, bargeTrial, info };
/** The audio-latency bench page's API: `window.latencyBench` (declared in test/types/window.ts). */
export type LatencyBench = typeof latencyBench;
window.latencyBench = latencyBench;
window.__ready = true;
