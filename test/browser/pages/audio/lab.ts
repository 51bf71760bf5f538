// Test page for the audio layer: exposes the real classes plus an output recorder tapped
// on Howler.masterGain (i.e. just before the destination, after Howler's mute/volume).
import { Howler } from 'howler';
import * as audio from '../../../../plugin/audio/index.js';
import { poll, until as untilTrue } from '../../../../harness/poll.js';
import { instrumentAudioGraph } from '../../../../harness/audio-graph.js';
import { keepMicStreams } from '../mic-streams.js';

const RECORDER_JS = `
registerProcessor('lab-recorder', class extends AudioWorkletProcessor {
  constructor() { super(); this.on = true; this.port.onmessage = (e) => { if (e.data === 'stop') this.on = false; }; }
  process(inputs) {
    const i = inputs[0];
    // No input channels (nothing active upstream) still records a quantum of silence, so every
    // quantum is accounted for and sample positions stay true.
    const heard = !!(i && i.length);
    const l = heard ? i[0].slice() : new Float32Array(128);
    const r = i && i.length > 1 ? i[1].slice() : l.slice();
    this.port.postMessage([l, r, currentTime, heard]);
    return this.on;
  }
});`;

const recorderLoaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Records the stereo signal of `from` (main-thread copies; test code, allocation is fine). */
async function record(ctx: AudioContext, from: AudioNode) {
  let p = recorderLoaded.get(ctx);
  if (!p) {
    p = ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([RECORDER_JS], { type: 'text/javascript' })));
    recorderLoaded.set(ctx, p);
  }
  await p;
  const node = new AudioWorkletNode(ctx, 'lab-recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: 2,
    channelCountMode: 'explicit',
  });
  const L: Float32Array[] = [];
  const R: Float32Array[] = [];
  const T: number[] = [];
  const H: boolean[] = [];
  let firstTime = -1;
  node.port.onmessage = (e) => {
    if (firstTime < 0) firstTime = e.data[2];
    L.push(e.data[0]);
    R.push(e.data[1]);
    T.push(e.data[2]);
    H.push(e.data[3]);
  };
  from.connect(node);
  const rate = ctx.sampleRate;
  // Each quantum goes where its own time says (a busy machine may deliver them late, never moved).
  const place = (parts: Float32Array[]) => {
    const end = T.length ? Math.round((T[T.length - 1]! - firstTime) * rate) + 128 : 0;
    const out = new Float32Array(end);
    parts.forEach((p, k) => out.set(p, Math.round((T[k]! - firstTime) * rate)));
    return out;
  };
  return {
    get frames() {
      return L.length * 128;
    },
    firstTime: () => firstTime,
    /**
     * Stops recording once every quantum rendered before the call has arrived (on a loaded machine
     * the worklet's messages trail the audio thread), and returns the recording.
     */
    async stop() {
      const upTo = ctx.currentTime;
      // At most 3 s: then it stops with what has come, and the waveform checks see what is missing.
      await untilTrue(() => T.length > 0 && T[T.length - 1]! >= upTo - 0.003, {
        what: 'the recorder to receive every quantum rendered before stop()',
        timeout: 3000,
      }).catch(() => undefined);
      node.port.postMessage('stop');
      from.disconnect(node);
      node.port.onmessage = null;
      // Runs of quanta that follow each other in time, as [start, end) sample positions. A starved
      // audio thread can skip quanta: the browser's glitch, which a waveform check must not blame
      // on the code under test.
      const segments: [number, number][] = [];
      T.forEach((t, k) => {
        const at = Math.round((t - firstTime) * rate);
        const last = segments[segments.length - 1];
        if (k > 0 && last && last[1] === at) last[1] = at + 128;
        else segments.push([at, at + 128]);
      });
      // The quanta joined in the order the audio thread rendered them, whatever time each reported:
      // the stream the graph produced. Two fresh-clone CI runs showed L with a hole and a phase jump
      // of about one quantum at an unchanged length: what a quantum reporting its neighbour's time
      // gives when placed by time. Checks of continuity use this; checks of timing use L.
      const joined = (parts: Float32Array[]) => {
        const out = new Float32Array(parts.length * 128);
        parts.forEach((p, k) => out.set(p, k * 128));
        return out;
      };
      // Stretches of `rendered` that a waveform check may treat as continuous: each quantum's
      // time follows the previous one's and the recorder heard an input (a quantum with no input
      // channels is one the recorder did not observe, not silence the graph produced).
      const runs: [number, number][] = [];
      T.forEach((t, k) => {
        const last = runs[runs.length - 1];
        const follows = k > 0 && Math.round((t - T[k - 1]!) * rate) === 128 && H[k - 1];
        if (!H[k]) return;
        if (follows && last && last[1] === k * 128) last[1] = (k + 1) * 128;
        else runs.push([k * 128, (k + 1) * 128]);
      });
      return {
        L: place(L),
        R: place(R),
        rendered: { L: joined(L), R: joined(R) },
        runs,
        unheard: H.filter((h) => !h).length,
        rate,
        firstTime,
        segments,
      };
    },
  };
}

function rms(a: Float32Array, from = 0, to = a.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** First and last sample louder than `threshold` (-1, -1 when none is). */
function span(a: Float32Array, threshold: number): { first: number; last: number } {
  let first = -1;
  let last = -1;
  for (let i = 0; i < a.length; i++)
    if (Math.abs(a[i]!) > threshold) {
      if (first < 0) first = i;
      last = i;
    }
  return { first, last };
}

/** Silences of at least `minMs` between the first and last sample louder than `threshold`. */
function gaps(a: Float32Array, threshold: number, rate: number, minMs: number): { at: number; ms: number }[] {
  const { first, last } = span(a, threshold);
  const out: { at: number; ms: number }[] = [];
  let quietFrom = -1;
  for (let i = first; i <= last; i++) {
    if (Math.abs(a[i]!) <= threshold) {
      if (quietFrom < 0) quietFrom = i;
    } else if (quietFrom >= 0) {
      const ms = ((i - quietFrom) / rate) * 1000;
      if (ms >= minMs) out.push({ at: (quietFrom / rate) * 1000, ms });
      quietFrom = -1;
    }
  }
  return out;
}

function tone(freq: number, rate: number, seconds: number, amp = 0.5, phase0 = 0): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amp * 32767 * Math.sin(2 * Math.PI * freq * ((i + phase0) / rate)));
  return out;
}

const until = (cond: () => boolean, ms = 5000, what = 'condition') => untilTrue(cond, { timeout: ms, what });
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
const nextFrame = () => new Promise((res) => requestAnimationFrame(res));

/**
 * The largest residual of a pure sine's discrete second difference over [from, to): for
 * x'' = -w^2 x it is ~0 everywhere except at a discontinuity (a gap or a click), where it is of the
 * order of the amplitude.
 */
function sineResidual(a: Float32Array, freq: number, rate: number, from: number, to: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const c = 4 * Math.sin(w / 2) ** 2;
  let res = 0;
  for (let i = from; i < to; i++)
    res = Math.max(res, Math.abs(a[i + 1]! - 2 * a[i]! + a[i - 1]! + c * a[i]!));
  return res;
}

/** A HowlerBridge on Howler's context and one NpcVoice on it. */
function voiceRig(opts?: audio.NpcVoiceOptions) {
  const bridge = new audio.HowlerBridge(Howler);
  return { bridge, ctx: bridge.context, voice: new audio.NpcVoice(bridge, opts) };
}

/** A HowlerBridge on Howler's context and a VoiceMixer on it. */
function mixerRig() {
  const bridge = new audio.HowlerBridge(Howler);
  return { bridge, mixer: new audio.VoiceMixer(bridge) };
}

/** The voice's mode changes in order: `speaking:<turn>` (or `speaking` without `turns`) and `listening`. */
function modeLog(voice: audio.NpcVoice, turns = true): string[] {
  const modes: string[] = [];
  voice.on('speaking', (t: number) => modes.push(turns ? `speaking:${t}` : 'speaking'));
  voice.on('listening', () => modes.push('listening'));
  return modes;
}

/** Records Howler's output (its master gain, after its mute and volume) on `ctx`. */
const recordOutput = (ctx: AudioContext) => record(ctx, Howler.masterGain);

/** The RMS of each channel of Howler's output over at least `frames` frames, recorded now. */
async function outputLevel(ctx: AudioContext, frames: number) {
  const rec = await recordOutput(ctx);
  await until(() => rec.frames >= frames, 2000);
  const { L, R } = await rec.stop();
  return { L: rms(L), R: rms(R) };
}

// Keep every stream getUserMedia hands out, so tests can check the tracks were stopped.
const streams = keepMicStreams();

/** How many of the microphone's PCM16 chunks hold a sample louder than 1000 (speech or tone, not silence). */
const loudChunks = (chunks: Int16Array[]) => chunks.filter((c) => c.some((v) => Math.abs(v) > 1000)).length;
/** The chunk lengths that occur, each once. */
const chunkSizes = (chunks: Int16Array[]) => [...new Set(chunks.map((c) => c.length))];
/** Every sample of the chunks, in order, as plain numbers (to hand back to the test). */
function samplesOf(chunks: Int16Array[]): number[] {
  const all: number[] = [];
  for (const c of chunks) for (const v of c) all.push(v);
  return all;
}

/** How many tracks of the streams getUserMedia handed out are not ended yet. */
const liveTracks = () =>
  streams.flatMap((st) => st.getTracks()).filter((t) => t.readyState !== 'ended').length;

/** Chrome's MediaStreamTrackProcessor (not in lib.dom), which tests remove, replace or wrap. */
type TrackProcessorCtor = new (init: unknown) => { readable: ReadableStream };
const trackProcessorWindow = window as { MediaStreamTrackProcessor?: unknown };
const nativeTrackProcessor = trackProcessorWindow.MediaStreamTrackProcessor as TrackProcessorCtor;

/**
 * Every MediaStreamTrackProcessor made from now on hands its frames through the transformer that
 * `each()` makes for it (frames delayed, dropped or restamped); `null` puts the browser's own back.
 */
function filterTrackFrames(each: (() => Transformer<AudioData, unknown>) | null): void {
  trackProcessorWindow.MediaStreamTrackProcessor =
    each === null
      ? nativeTrackProcessor
      : function (init: unknown) {
          const real = new nativeTrackProcessor(init);
          return { readable: real.readable.pipeThrough(new TransformStream(each())) };
        };
}

/** `frame` stamped with another `timestamp` (µs): its samples and close() are the frame's own. */
function restamped(frame: AudioData, timestamp: number) {
  return {
    numberOfFrames: frame.numberOfFrames,
    numberOfChannels: frame.numberOfChannels,
    sampleRate: frame.sampleRate,
    timestamp,
    copyTo: (d: Float32Array, o: AudioDataCopyToOptions) => frame.copyTo(d, o),
    close: () => frame.close(),
  };
}

/** Opens a mic on Howler's context and collects every chunk with its arrival time. */
async function micSession(opts: audio.MicCaptureOptions = {}) {
  const bridge = new audio.HowlerBridge(Howler);
  const chunks: Int16Array[] = [];
  const times: number[] = [];
  const errors: string[] = [];
  const mic = new audio.MicCapture(bridge, {
    ...opts,
    onChunk: (pcm) => {
      chunks.push(pcm.slice());
      times.push(performance.now());
    },
  });
  mic.on('error', (e) => errors.push(e.kind));
  const ok = await mic.start();
  return { bridge, mic, chunks, times, errors, ok };
}

// Edge bookkeeping for the leak test: every connect() adds src->dst, disconnect() removes.
const { edgeCount } = instrumentAudioGraph();

// ?probe=autoplay: create the bridge at load (no page.evaluate, which would grant a user
// activation) and show its state, so a test can check the blocked -> gesture -> running path.
if (new URLSearchParams(location.search).get('probe') === 'autoplay') {
  const state = document.getElementById('state')!;
  const bridge = new audio.HowlerBridge(Howler);
  bridge.on('blocked', () => (state.textContent = 'blocked'));
  bridge.on('running', () => (state.textContent = 'running'));
  state.textContent = `initial:${bridge.context.state}`;
  void bridge.resume().then((r) => {
    if (r === 'running') state.textContent = 'running';
  });
}

const events: string[] = [];
const lab = {
  Howler,
  audio,
  record,
  recordOutput,
  rms,
  span,
  gaps,
  tone,
  until,
  poll,
  sleep,
  nextFrame,
  sineResidual,
  voiceRig,
  mixerRig,
  modeLog,
  outputLevel,
  events,
  streams,
  micSession,
  liveTracks,
  loudChunks,
  chunkSizes,
  samplesOf,
  filterTrackFrames,
  restamped,
  edgeCount,
};
/** The audio lab page's test API: `window.lab` (declared in test/types/window.ts). */
export type AudioLab = typeof lab;
window.lab = lab;
window.__ready = true;
