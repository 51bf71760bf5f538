import { cachedDesign } from './fir.js';
import { Resampler } from './resampler.js';

/**
 * The parts of WebCodecs' AudioData and of MediaStreamTrackProcessor that capture uses. Declared
 * here because TypeScript's DOM library does not ship MediaStreamTrackProcessor (Chromium exposes
 * it on window; the standard puts it in workers only).
 */
interface AudioFrame {
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  /** Microseconds. */
  readonly timestamp: number;
  copyTo(dest: Float32Array, opts: { planeIndex: number; format: 'f32-planar' }): void;
  close(): void;
}
type TrackProcessorCtor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
  readable: ReadableStream<AudioFrame>;
};

function processorCtor(): TrackProcessorCtor | null {
  const ctor = (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
  return typeof ctor === 'function' ? (ctor as TrackProcessorCtor) : null;
}

/** True where a microphone track can be read without an AudioContext (Chrome, Edge). */
export function trackProcessorAvailable(): boolean {
  return processorCtor() !== null;
}

/** Where either capture path delivers. */
export interface CaptureSink {
  /** A full chunk. Its buffer is reused once this returns: copy it to keep it. */
  chunk(pcm: Int16Array): void;
  /** A hole in the input, in ms: silence the browser inserted, or (`dropped`) frames it threw away. */
  gap(ms: number, dropped?: boolean): void;
  /** The track processor hands frames over more slowly than real time (see LAG_WINDOW_MS). */
  lagging?(lateMs: number): void;
}

/**
 * Frames the browser may hold while the main thread is busy before it drops the oldest (each is
 * 10 ms; Chromium's default keeps 10). Three seconds ride out a loading hitch without losing what
 * the player said (the worklet path never drops either); only a longer stall loses audio, counted
 * in MicCapture.inputGaps.
 */
const MAX_BUFFERED_FRAMES = 300;
/**
 * Capture counts as falling behind when frames reach the page more slowly than real time: their
 * lateness grew by over LAG_GROWTH of the wall time in each of LAG_WINDOWS windows of
 * LAG_WINDOW_MS. A game mid-conversation in headless Chromium got a fifth to a half of the frames
 * in time (lateness growing 250-400 ms per window) until the browser dropped frames 3 s later.
 * What must not count: a device that starts late (one jump, then steady), a one-second stall (a
 * jump, then the backlog drains in milliseconds), and clock drift between the capture clock and
 * performance.now() (well under 1 %). Judging lateness against the first frame alone took a late
 * start for falling behind and left the track processor in the latency bench.
 */
const LAG_WINDOW_MS = 400;
const LAG_WINDOWS = 2;
const LAG_GROWTH = 0.3;
const POOL = 8;

/**
 * Reads a microphone track with MediaStreamTrackProcessor and cuts it into PCM16 chunks at the
 * session rate, on the main thread.
 *
 * Why not an AudioWorklet here: a MediaStreamAudioSourceNode puts a FIFO between the capture thread
 * and the audio graph, and the worklet then sees the audio on the graph's own 128-sample clock; the
 * bench measured that hop at 16 ms median with 6-24 ms spread (bench/audio-latency, "browser hop"),
 * which put our 20 ms chunks behind the official client's 32 ms ones in 4 runs of 10. The track
 * processor hands over each 10 ms capture buffer as it is delivered; the same resampler and chunk
 * size then gave 18.4 ms mic-to-wire, below the official client in 10 of 10 runs. The chunks go to
 * the WebSocket on the main thread either way, so reading here adds no main-thread dependency.
 */
export class TrackCapture {
  readonly method = 'track-processor';
  readonly context = null;
  readonly #sink: CaptureSink;
  readonly #outRate: number;
  readonly #chunkSamples: number;
  readonly #reader: ReadableStreamDefaultReader<AudioFrame>;
  #rs: Resampler | null = null;
  #inRate = 0;
  readonly #settingsRate: number;
  #in = new Float32Array(0);
  #plane = new Float32Array(0);
  readonly #out = new Float32Array(2048);
  readonly #free: Int16Array[] = [];
  #cur: Int16Array;
  #fill = 0;
  #nextTs = -1;
  /** performance.now() and timestamp (µs) of the first frame; the current window's start and lateness. */
  #wall0 = -1;
  #ts0 = 0;
  #winAt = -1;
  #winLag = 0;
  #slowWindows = 0;
  #zeros = 0;
  #heard = false;
  #stopped = false;

  /** Throws if the browser refuses to process the track (then capture with a worklet instead). */
  constructor(track: MediaStreamTrack, outRate: number, chunkSamples: number, sink: CaptureSink) {
    const Ctor = processorCtor();
    if (!Ctor) throw new Error('MediaStreamTrackProcessor is not available');
    this.#reader = new Ctor({ track, maxBufferSize: MAX_BUFFERED_FRAMES }).readable.getReader();
    this.#settingsRate = track.getSettings().sampleRate ?? 0;
    this.#sink = sink;
    this.#outRate = outRate;
    this.#chunkSamples = chunkSamples;
    for (let i = 0; i < POOL; i++) this.#free.push(new Int16Array(chunkSamples));
    this.#cur = this.#free.pop()!;
    void this.#loop();
  }

  /** The rate the browser delivers the microphone at (as the track reports it until a frame came). */
  get inputRate(): number {
    return this.#inRate || this.#settingsRate;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    void this.#reader.cancel().catch(() => undefined);
  }

  async #loop(): Promise<void> {
    for (;;) {
      let r: ReadableStreamReadResult<AudioFrame>;
      try {
        r = await this.#reader.read();
      } catch {
        return; // the track ended or was stopped: MicCapture hears of it from the track itself
      }
      if (r.done) return;
      const frame = r.value;
      try {
        if (!this.#stopped) this.#take(frame);
      } finally {
        frame.close();
      }
    }
  }

  #take(frame: AudioFrame): void {
    const n = frame.numberOfFrames;
    if (frame.sampleRate !== this.#inRate) {
      this.#inRate = frame.sampleRate;
      this.#rs = new Resampler(cachedDesign(frame.sampleRate, this.#outRate), 8192);
      this.#nextTs = -1;
    }
    if (this.#nextTs >= 0) {
      // A frame is 10 ms; a later timestamp than the previous frame's end means frames were dropped:
      // the main thread held more than MAX_BUFFERED_FRAMES, or (seen in a game mid-conversation,
      // with the reader never more than 90 ms behind) Chrome threw them away on its own.
      const lateMs = (frame.timestamp - this.#nextTs) / 1000;
      // Only a jump of a frame and a half or more is frames dropped: a track from Web Audio (a
      // MediaStreamAudioDestinationNode) stamps its 10 ms frames on the 128-sample render grid,
      // +9.4 ms then -7.9 ms, and those alone added up to a "drop budget" within 4 s.
      if (lateMs >= 5) this.#sink.gap(lateMs, lateMs >= 1.5 * (n / frame.sampleRate) * 1000);
    }
    this.#nextTs = frame.timestamp + (n / frame.sampleRate) * 1e6;
    this.#watchLag(this.#nextTs);
    if (this.#in.length < n) {
      this.#in = new Float32Array(n);
      this.#plane = new Float32Array(n);
    }
    const src = this.#in;
    frame.copyTo(src, { planeIndex: 0, format: 'f32-planar' });
    const ch = frame.numberOfChannels;
    if (ch > 1) {
      for (let c = 1; c < ch; c++) {
        frame.copyTo(this.#plane, { planeIndex: c, format: 'f32-planar' });
        for (let i = 0; i < n; i++) src[i]! += this.#plane[i]!;
      }
      for (let i = 0; i < n; i++) src[i]! /= ch;
    }
    this.#countZeros(src, n);
    const rs = this.#rs!;
    let off = 0;
    while (off < n) {
      off += rs.pushF32(src, off, n - off);
      let got: number;
      while ((got = rs.pull(this.#out, 0, this.#out.length)) > 0) this.#emit(got);
    }
  }

  /** Lateness = wall time since the first frame minus capture time since it; see LAG_WINDOW_MS. */
  #watchLag(endTs: number): void {
    const now = performance.now();
    if (this.#wall0 < 0) {
      this.#wall0 = now;
      this.#ts0 = endTs;
    }
    const lag = now - this.#wall0 - (endTs - this.#ts0) / 1000;
    if (this.#winAt < 0) {
      this.#winAt = now;
      this.#winLag = lag;
      return;
    }
    const span = now - this.#winAt;
    if (span < LAG_WINDOW_MS) return;
    const growth = lag - this.#winLag;
    this.#slowWindows = growth > span * LAG_GROWTH ? this.#slowWindows + 1 : 0;
    this.#winAt = now;
    this.#winLag = lag;
    if (this.#slowWindows >= LAG_WINDOWS) this.#sink.lagging?.(lag);
  }

  /** Exact digital zeros between sounds: silence the browser inserted (no microphone is that quiet). */
  #countZeros(src: Float32Array, n: number): void {
    for (let i = 0; i < n; i++) {
      if (src[i] === 0) this.#zeros++;
      else {
        if (this.#heard && this.#zeros >= 32 && this.#zeros <= this.#inRate * 0.1)
          this.#sink.gap((this.#zeros / this.#inRate) * 1000);
        this.#zeros = 0;
        this.#heard = true;
      }
    }
  }

  #emit(got: number): void {
    const t = this.#out;
    for (let i = 0; i < got; i++) {
      let v = t[i]!;
      v = v < -1 ? -1 : v > 1 ? 1 : v;
      // As the official client: negative x 32768, positive x 32767.
      this.#cur[this.#fill++] = v < 0 ? v * 32768 : v * 32767;
      if (this.#fill === this.#chunkSamples) {
        const full = this.#cur;
        this.#cur = this.#free.pop() ?? new Int16Array(this.#chunkSamples);
        this.#fill = 0;
        if (!this.#stopped) this.#sink.chunk(full);
        this.#free.push(full);
      }
    }
  }
}
