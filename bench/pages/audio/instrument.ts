// Instrumentation shared by both clients (ours and @elevenlabs/client), installed before either
// creates an AudioContext or a WebSocket, so both are measured the same way:
//  - the microphone is a synthetic stream (a 1 kHz tone gated on and off by the bench, or speech the
//    bench plays into it at a time the page knows, speak());
//  - WebSocket sends and receives are timestamped as the page sees them (and the transcript and
//    reply texts kept);
//  - whatever connects into a destination (AudioDestinationNode, or the MediaStream destination
//    the official client plays through) is also connected to a tap worklet that reports when the
//    output becomes loud and when it falls 40 dB below its level.
import { instrumentAudioGraph } from '../../../harness/audio-graph.js';
import { until } from '../../../harness/poll.js';

const TAP_JS = `
registerProcessor('bench-tap', class extends AudioWorkletProcessor {
  constructor() { super(); this.loud = false; this.ref = 0; }
  process(inputs) {
    const ch = inputs[0];
    if (!ch || ch.length === 0) return true;
    const n = ch[0].length;
    let s = 0, first = -1;
    for (let c = 0; c < ch.length; c++) for (let i = 0; i < n; i++) {
      const v = ch[c][i]; s += v * v;
      if (first < 0 && (v > 0.02 || v < -0.02)) first = i;
    }
    const rms = Math.sqrt(s / (n * ch.length));
    if (!this.loud && first >= 0) { this.loud = true; this.ref = rms; this.port.postMessage('loud'); }
    else if (this.loud) {
      if (rms > this.ref) this.ref = rms;
      if (rms < this.ref * 0.01) { this.loud = false; this.ref = 0; this.port.postMessage('silent'); }
    }
    return true;
  }
});
registerProcessor('bench-clock', class extends AudioWorkletProcessor {
  constructor() { super(); this.at = []; this.port.onmessage = (e) => { this.at.push(e.data); this.at.sort((a, b) => a - b); }; }
  process() {
    const end = currentTime + 128 / sampleRate;
    while (this.at.length && this.at[0] < end) this.port.postMessage(this.at.shift());
    return true;
  }
});`;
const tapUrl = URL.createObjectURL(new Blob([TAP_JS], { type: 'text/javascript' }));

export const marks = {
  loud: [] as number[],
  silent: [] as number[],
  /** First audio frame per event id, as received. */
  firstAudio: new Map<number, number>(),
  /** The last audio frame received (any turn). */
  lastAudio: 0,
  interruptions: [] as number[],
  /** Sent user_audio_chunk frames carrying the beep. */
  beepOnWire: [] as number[],
  quietOnWire: [] as number[],
  /** The beep rendered by the synthetic microphone. */
  micLoud: [] as number[],
  /** The beep rendered by the capturing context (a tap on every MediaStreamAudioSourceNode). */
  captureLoud: [] as number[],
  captureTaps: 0,
  sentChunks: 0,
  chunkSamples: [] as number[],
  /** When each user_audio_chunk left (any content): the chunk grid, to place each beep on it. */
  sendTimes: [] as number[],
  /** The synthetic microphone track's settings as a client sees them. */
  trackRate: 0,
  /** The user_transcript and agent_response frames received, with their text. */
  texts: [] as { t: number; type: 'user_transcript' | 'agent_response'; text: string }[],
  /** Every AudioContext the page made (the clients' and the synthetic mic's), for the report. */
  contexts: [] as { role: string; sampleRate: number; baseLatency: number }[],
};

// --- AudioContext: every context gets the tap module --------------------------------------------
const NativeAudioContext = window.AudioContext;
const tapReady = new WeakMap<BaseAudioContext, Promise<void>>();
class TappedAudioContext extends NativeAudioContext {
  constructor(opts?: AudioContextOptions) {
    super(opts);
    tapReady.set(this, this.audioWorklet.addModule(tapUrl));
    marks.contexts.push({ role: 'client', sampleRate: this.sampleRate, baseLatency: this.baseLatency });
  }
}
window.AudioContext = TappedAudioContext;

// --- Output: whatever connects into a destination also feeds a tap (wired with the native connect,
// as is all of this file's own wiring, so the hook does not see it) -----------------------------
const tapped = new WeakSet<AudioNode>();
const { nativeConnect } = instrumentAudioGraph((from, to) => {
  const isOut = to instanceof AudioDestinationNode || to instanceof MediaStreamAudioDestinationNode;
  if (!isOut || tapped.has(from)) return;
  tapped.add(from);
  void tapReady.get(from.context)?.then(() => {
    const tap = new AudioWorkletNode(from.context, 'bench-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 2,
      channelCountMode: 'explicit',
    });
    tap.port.onmessage = (e) => (e.data === 'loud' ? marks.loud : marks.silent).push(performance.now());
    nativeConnect(from, tap);
  });
});

// --- Capture: where the microphone's stream enters a client's context --------------------------
// Splits mic-to-wire into the browser's hop (mic context -> capturing context) and the client's own
// part (capturing context -> chunk on the wire), for both clients alike.
const nativeCreateSource = AudioContext.prototype.createMediaStreamSource;
AudioContext.prototype.createMediaStreamSource = function (this: AudioContext, stream: MediaStream) {
  const source = nativeCreateSource.call(this, stream);
  void tapReady.get(this)?.then(() => {
    const tap = new AudioWorkletNode(this, 'bench-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    tap.port.onmessage = (e) => {
      if (e.data === 'loud') marks.captureLoud.push(performance.now());
    };
    nativeConnect(source, tap);
    marks.captureTaps++;
  });
  return source;
};

// --- WebSocket: timestamps of what the page receives and sends ----------------------------------
const NativeWebSocket = window.WebSocket;
let beepArmed = false;
let quietArmed = false;
function onReceive(data: unknown): void {
  if (typeof data !== 'string') return;
  const t = performance.now();
  if (data.includes('"interruption"')) marks.interruptions.push(t);
  else if (data.includes('"audio_event"')) {
    const m = /"event_id"\s*:\s*(\d+)/.exec(data);
    const id = m ? Number(m[1]) : -1;
    marks.lastAudio = t;
    if (!marks.firstAudio.has(id)) marks.firstAudio.set(id, t);
  } else if (data.includes('"user_transcript"') || data.includes('"agent_response"')) {
    const m = JSON.parse(data) as {
      type: string;
      user_transcription_event?: { user_transcript: string };
      agent_response_event?: { agent_response: string };
    };
    if (m.type === 'user_transcript')
      marks.texts.push({ t, type: m.type, text: m.user_transcription_event?.user_transcript ?? '' });
    else if (m.type === 'agent_response')
      marks.texts.push({ t, type: m.type, text: m.agent_response_event?.agent_response ?? '' });
  }
}
function onSend(data: unknown): void {
  if (typeof data !== 'string' || !data.startsWith('{"user_audio_chunk"')) return;
  const t = performance.now();
  marks.sentChunks++;
  marks.sendTimes.push(t);
  const b64 = JSON.parse(data).user_audio_chunk as string;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
  if (marks.chunkSamples.length < 5) marks.chunkSamples.push(pcm.length);
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) peak = Math.max(peak, Math.abs(pcm[i]!));
  if (beepArmed && peak > 3000) {
    beepArmed = false;
    marks.beepOnWire.push(t);
  } else if (quietArmed && peak < 300) {
    quietArmed = false;
    marks.quietOnWire.push(t);
  }
}
class TimedWebSocket extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    // Registered before the client's own listeners: the earliest moment the page sees a frame.
    this.addEventListener('message', (e) => onReceive(e.data));
  }
  override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    onSend(data);
    super.send(data);
  }
}
window.WebSocket = TimedWebSocket as typeof WebSocket;

// --- Microphone: a gated 1 kHz tone from its own context ----------------------------------------
let micCtx: AudioContext | null = null;
let micGate: GainNode | null = null;
let micDest: MediaStreamAudioDestinationNode | null = null;
/** Reports when the mic has rendered a given time of its clock (speak()). */
let micClock: AudioWorkletNode | null = null;
const clockWaits = new Map<number, () => void>();
function ensureMic(): void {
  if (micCtx) return;
  micCtx = new NativeAudioContext({
    sampleRate: Number(new URLSearchParams(location.search).get('micRate') ?? 48000),
  });
  marks.contexts.push({ role: 'mic', sampleRate: micCtx.sampleRate, baseLatency: micCtx.baseLatency });
  const osc = micCtx.createOscillator();
  osc.frequency.value = 1000;
  micGate = micCtx.createGain();
  micGate.gain.value = 0;
  micDest = micCtx.createMediaStreamDestination();
  nativeConnect(osc, micGate);
  nativeConnect(micGate, micDest);
  osc.start();
  // ?noise=N: a room's steady white noise under everything the mic hears (N: peak in PCM16 units, at
  // 16 kHz like the speech), so the microphone never holds digital zero, as a real one never does.
  const noise = Number(new URLSearchParams(location.search).get('noise') ?? 0);
  if (noise > 0) {
    const room = micCtx.createBuffer(1, 16000 * 4, 16000);
    const d = room.getChannelData(0);
    for (let i = 0; i < d.length; i++) d[i] = ((Math.random() * 2 - 1) * noise) / 32768;
    const src = micCtx.createBufferSource();
    src.buffer = room;
    src.loop = true;
    nativeConnect(src, micDest);
    src.start();
  }
  // "Sound enters the mic" = the tone is rendered by the mic's own graph (same tap as the output).
  void micCtx.audioWorklet.addModule(tapUrl).then(() => {
    const tap = new AudioWorkletNode(micCtx!, 'bench-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    tap.port.onmessage = (e) => {
      if (e.data === 'loud') marks.micLoud.push(performance.now());
    };
    nativeConnect(micGate!, tap);
    micClock = new AudioWorkletNode(micCtx!, 'bench-clock', { numberOfInputs: 1, numberOfOutputs: 0 });
    micClock.port.onmessage = (e: MessageEvent<number>) => {
      clockWaits.get(e.data)?.();
      clockWaits.delete(e.data);
    };
    nativeConnect(micGate!, micClock);
  });
}
navigator.mediaDevices.getUserMedia = async () => {
  ensureMic();
  // A clone per call: a client that stops a "preliminary" stream must not stop the next one.
  const track = micDest!.stream.getAudioTracks()[0]!.clone();
  marks.trackRate = track.getSettings().sampleRate ?? 0;
  return new MediaStream([track]);
};

/** Turns the tone on (its entry time shows up in marks.micLoud). */
export function beepOn(): void {
  ensureMic();
  beepArmed = true;
  micGate!.gain.setValueAtTime(0.5, micCtx!.currentTime);
}
export function beepOff(): void {
  quietArmed = true;
  micGate!.gain.setValueAtTime(0, micCtx!.currentTime);
}

/**
 * Plays `pcm` (mono, `rate` Hz) into the synthetic microphone, starting 50 ms ahead on the mic's
 * clock. Resolves once the mic has rendered sample `endSample` (the last voiced one: the end of
 * speech), with performance.now() when the mic rendered the first sample and that one: the same
 * moment as "sound enters the mic" for the beep (the render of the mic's own graph).
 */
export async function speak(
  pcm: Float32Array<ArrayBuffer>,
  rate: number,
  endSample: number,
): Promise<{ startAt: number; endAt: number }> {
  ensureMic();
  const ctx = micCtx!;
  await until(() => micClock !== null, { what: "the mic's clock worklet", timeout: 5000, interval: 1 });
  const buffer = ctx.createBuffer(1, pcm.length, rate);
  buffer.copyToChannel(pcm, 0);
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  nativeConnect(src, micDest!);
  const t0 = ctx.currentTime + 0.05;
  const rendered = (at: number) =>
    new Promise<number>((r) => {
      clockWaits.set(at, () => r(performance.now()));
      micClock!.port.postMessage(at);
    });
  const start = rendered(t0);
  const end = rendered(t0 + endSample / rate);
  src.start(t0);
  src.onended = () => src.disconnect();
  return { startAt: await start, endAt: await end };
}
