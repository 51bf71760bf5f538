import { DropWindow } from './drop-window.js';
import { Emitter } from '../common/emitter.js';
import type { MicCaptureEvents, MicCaptureOptions, MicMode } from './mic-options.js';
import type { HowlerBridge } from './howler-bridge.js';
import { classify, MicError } from './mic-errors.js';
import { MicGate, rms16 } from './mic-gate.js';
import { watchMicPermission } from './mic-permission.js';
import { TrackCapture, trackProcessorAvailable, type CaptureSink } from './track-capture.js';
import type { WorkletCapture } from './worklet-capture.js';

export type { EchoGuardSource, MicCaptureEvents, MicCaptureOptions, MicMode } from './mic-options.js';

/** The worklet path, fetched only where the track processor is missing or fails (Firefox, Safari). */
const workletPath = (): Promise<typeof import('./worklet-capture.js')> => import('./worklet-capture.js');

/**
 * Set once the track processor dropped audio in this page: it did so because of how busy the page
 * is, which the next conversation will not change, so later captures start on the worklet.
 */
let trackProcessorDrops = false;

/**
 * The player's microphone as PCM16 chunks at the session's input rate. Open it when a
 * conversation opens (`start()`), close it when it ends (`stop()`: every track is stopped, so the
 * browser's recording indicator goes off). While open, a chunk leaves every `chunkMs` whatever
 * the mode: speech when talking, zeros otherwise (the service keeps its timing, as with the
 * official client).
 */
export class MicCapture extends Emitter<MicCaptureEvents> {
  onChunk: ((pcm: Int16Array) => void) | null;
  readonly #rate: number;
  readonly #chunkSamples: number;
  readonly #gate: MicGate;
  #stream: MediaStream | null = null;
  #graph: TrackCapture | WorkletCapture | null = null;
  #workletPath: typeof import('./worklet-capture.js') | null = null;
  #own: AudioContext | null = null;
  readonly #contextChoice: 'auto' | 'howler' | 'dedicated';
  readonly #captureChoice: 'auto' | 'track-processor' | 'worklet';
  #release: (() => void) | null = null;
  #offContext: (() => void) | null = null;
  #unwatchPermission: (() => void) | null = null;
  #gen = 0;
  #level = 0;
  #talking = false;
  #chunks = 0;
  #gaps = 0;
  #gapMs = 0;
  /** 'auto' gives up on the track processor once it drops 60 ms of audio within 5 s. */
  readonly #drops = new DropWindow(60, 5000);
  #switching = false;
  readonly #deviceId: string | undefined;
  readonly #copyChunks: boolean;
  readonly #voiceProcessing: boolean;

  readonly #bridge: HowlerBridge;
  constructor(bridge: HowlerBridge, opts: MicCaptureOptions = {}) {
    super();
    this.#bridge = bridge;
    this.#rate = opts.sampleRate ?? 16000;
    const chunkMs = opts.chunkMs ?? 20;
    this.#chunkSamples = Math.max(1, Math.round((this.#rate * chunkMs) / 1000));
    this.#gate = new MicGate(opts.mode ?? 'push-to-talk', opts.echoGuard);
    this.onChunk = opts.onChunk ?? null;
    this.#deviceId = opts.deviceId;
    this.#copyChunks = opts.copyChunks ?? false;
    this.#voiceProcessing = opts.voiceProcessing ?? true;
    this.#contextChoice = opts.context ?? 'auto';
    this.#captureChoice = opts.capture ?? 'auto';
  }

  get isOpen(): boolean {
    return this.#stream !== null;
  }

  get mode(): MicMode {
    return this.#gate.mode;
  }

  /** RMS (0..1) of the latest captured chunk, before muting/guarding: for a level meter. */
  get level(): number {
    return this.#level;
  }

  /** True while speech (not silence) is being sent. */
  get talking(): boolean {
    return this.#talking;
  }

  /** Chunks delivered since start(). */
  get chunkCount(): number {
    return this.#chunks;
  }

  /**
   * Holes in the input since start(), each counted with its length: silence the browser inserted
   * upstream of us because its capture thread delivered late (the machine was starved of CPU; the
   * audio after it is delayed, not lost), or capture buffers it dropped because the page's main
   * thread stalled for over half a second (track-processor capture). A rising count on a player's
   * machine explains "choppy" speech reaching the agent.
   */
  get inputGaps(): { count: number; ms: number } {
    return { count: this.#gaps, ms: this.#gapMs };
  }

  get chunkSize(): number {
    return this.#chunkSamples;
  }

  setMode(mode: MicMode): void {
    this.#gate.mode = mode;
  }

  /** Push-to-talk pressed (bind to a key or button down). */
  talkStart(): void {
    this.#gate.pttDown = true;
  }

  /** Push-to-talk released. */
  talkEnd(): void {
    this.#gate.pttDown = false;
  }

  /**
   * Open the microphone. Resolves true when chunks flow; false after an 'error' event (denied,
   * no device, ...). Never throws.
   */
  async start(): Promise<boolean> {
    if (this.#stream) return true;
    const gen = ++this.#gen;
    const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
    if (!md?.getUserMedia) {
      this.#fail(new MicError('unsupported', 'This browser offers no microphone access (getUserMedia).'));
      return false;
    }
    // The device starts delivering when getUserMedia resolves, and whatever it delivers before the
    // worklet is wired is lost: compile the worklet while the permission prompt is up, not after
    // (on a busy machine the late start cost the first 100-300 ms of what the player said).
    const byTrack =
      this.#captureChoice === 'track-processor' ||
      (this.#captureChoice === 'auto' && trackProcessorAvailable() && !trackProcessorDrops);
    if (!byTrack && this.#contextChoice !== 'dedicated')
      void workletPath()
        .then((w) => w.loadMicWorklet(this.#bridge.context))
        .catch(() => undefined);
    // 'auto' may have to leave the track processor within the first second (a busy page): have the
    // worklet's code here by then.
    else if (this.#captureChoice === 'auto') void workletPath().catch(() => undefined);
    let stream: MediaStream;
    try {
      stream = await md.getUserMedia({
        audio: {
          echoCancellation: this.#voiceProcessing,
          noiseSuppression: this.#voiceProcessing,
          autoGainControl: this.#voiceProcessing,
          channelCount: { ideal: 1 },
          ...(this.#deviceId ? { deviceId: { exact: this.#deviceId } } : {}),
        },
      });
    } catch (err) {
      if (gen === this.#gen) this.#fail(classify(err));
      return false;
    }
    if (gen !== this.#gen) {
      // stop() was called while the permission prompt was up.
      for (const t of stream.getTracks()) t.stop();
      return false;
    }
    this.#stream = stream;
    for (const t of stream.getAudioTracks()) t.addEventListener('ended', this.#onTrackEnded);
    void watchMicPermission(this.#onRevoked).then((unwatch) => {
      if (gen === this.#gen) this.#unwatchPermission = unwatch;
      else unwatch?.();
    });
    if (byTrack && this.#readTrack(stream)) {
      this.emit('open');
      return true;
    }
    const ok = await this.#startWorklet(stream, gen);
    if (ok) this.emit('open');
    return ok;
  }

  /** Capture `stream` with the worklet; whatever graph was reading it keeps going until this one is. */
  async #startWorklet(stream: MediaStream, gen: number): Promise<boolean> {
    let path: typeof import('./worklet-capture.js');
    try {
      path = await workletPath();
    } catch (err) {
      if (gen === this.#gen)
        this.#fail(new MicError('failed', `microphone capture failed to load: ${String(err)}`, err));
      return false;
    }
    if (gen !== this.#gen) return false;
    this.#workletPath = path;
    const shared = this.#bridge.contextOrNull;
    // Howler in HTML5 Audio mode has no context to share: the worklet gets one of its own.
    const own = await path.dedicatedContext(
      stream,
      shared ? this.#contextChoice : 'dedicated',
      shared?.sampleRate ?? 0,
    );
    if (gen !== this.#gen) {
      void own?.close();
      return false;
    }
    if (!own && !shared) {
      // No Web Audio at all. A track processor already reading keeps the mic (late, but whole);
      // otherwise there is nothing to capture with.
      if (this.#graph) return false;
      this.#fail(
        new MicError('unsupported', 'This browser cannot capture the microphone without Web Audio.'),
      );
      return false;
    }
    let ctx: AudioContext;
    if (own) {
      this.#own = own;
      own.addEventListener('statechange', this.#onOwnState);
      ctx = own;
    } else {
      this.#release = this.#bridge.hold();
      this.#offContext = this.#bridge.on('context', (c) => void this.#wire(c, gen));
      ctx = shared!;
    }
    return this.#wire(ctx, gen);
  }

  /** The track processor dropped audio: in 'auto', past the budget, move to the worklet. */
  #trackDropped(ms: number): void {
    if (this.#captureChoice !== 'auto' || this.#switching || this.#graph?.method !== 'track-processor')
      return;
    if (this.#drops.add(performance.now(), ms)) this.#leaveTrackProcessor();
  }

  /** 'auto' only: the track processor drops or delays audio; the worklet takes over. */
  #leaveTrackProcessor(): void {
    if (this.#captureChoice !== 'auto' || this.#switching || this.#graph?.method !== 'track-processor')
      return;
    // Nowhere to go without Web Audio: a late track processor beats no microphone.
    if (typeof AudioContext === 'undefined' && !this.#bridge.contextOrNull) return;
    trackProcessorDrops = true;
    this.#switching = true;
    this.#drops.clear();
    const stream = this.#stream;
    const gen = this.#gen;
    if (!stream) return;
    void this.#startWorklet(stream, gen).finally(() => {
      this.#switching = false;
    });
  }

  /** The AudioContext the mic is captured on (worklet capture; null otherwise). For diagnostics. */
  get captureContext(): AudioContext | null {
    return this.#graph?.context ?? null;
  }

  /** How the open mic is being read (null while closed). For diagnostics. */
  get captureMethod(): 'track-processor' | 'worklet' | null {
    return this.#graph?.method ?? null;
  }

  /** The rate the microphone is captured at before resampling (0 while closed or not yet known). */
  get captureRate(): number {
    return this.#graph?.inputRate ?? 0;
  }

  /** False if the browser refused to process the track; the caller then uses a worklet. */
  #readTrack(stream: MediaStream): boolean {
    const t = stream.getAudioTracks()[0];
    if (!t) return false;
    try {
      this.#graph = new TrackCapture(t, this.#rate, this.#chunkSamples, this.#sink);
      return true;
    } catch {
      return false;
    }
  }

  #onOwnState = (): void => {
    if (this.#own?.state === 'suspended') void this.#own.resume().catch(() => undefined);
  };

  /** Close the microphone: every track stopped, nodes disconnected. Safe to call twice. */
  stop(): void {
    this.#gen++;
    const wasOpen = this.#stream !== null;
    this.#unwire();
    if (this.#stream) {
      for (const t of this.#stream.getTracks()) {
        t.removeEventListener('ended', this.#onTrackEnded);
        t.stop();
      }
      this.#stream = null;
    }
    this.#offContext?.();
    this.#offContext = null;
    this.#unwatchPermission?.();
    this.#unwatchPermission = null;
    this.#release?.();
    this.#release = null;
    if (this.#own) {
      this.#own.removeEventListener('statechange', this.#onOwnState);
      void this.#own.close();
      this.#own = null;
    }
    this.#level = 0;
    this.#chunks = 0;
    this.#gaps = 0;
    this.#gapMs = 0;
    this.#drops.clear();
    this.#setTalking(false);
    if (wasOpen) this.emit('close');
  }

  dispose(): void {
    this.stop();
    this.onChunk = null;
    this.removeAllListeners();
  }

  async #wire(ctx: AudioContext, gen: number): Promise<boolean> {
    try {
      const stream = this.#stream;
      if (!stream) return false;
      const path = this.#workletPath;
      if (!path) return false;
      const graph = await path.WorkletCapture.open(ctx, stream, this.#rate, this.#chunkSamples, this.#sink);
      if (gen !== this.#gen || this.#stream !== stream) {
        graph.stop();
        return false;
      }
      // The old graph (a replaced Howler context's, or the track processor being left) ran until now.
      this.#unwire();
      this.#graph = graph;
      return true;
    } catch (err) {
      // Leaving a track processor that still delivers (if with holes) beats losing the microphone.
      if (this.#graph?.method === 'track-processor') return false;
      this.#unwire();
      if (gen === this.#gen)
        this.#fail(new MicError('failed', `microphone pipeline failed: ${String(err)}`, err));
      return false;
    }
  }

  #unwire(): void {
    this.#graph?.stop();
    this.#graph = null;
  }

  readonly #sink: CaptureSink = {
    chunk: (pcm) => this.#deliver(pcm),
    gap: (ms, dropped) => {
      this.#gaps++;
      this.#gapMs += ms;
      if (dropped) this.#trackDropped(ms);
    },
    lagging: () => this.#leaveTrackProcessor(),
  };

  /** One chunk from either capture path (which reuses the buffer once this returns). */
  #deliver(pcm: Int16Array): void {
    const rms = rms16(pcm);
    this.#level = rms;
    const send = this.#gate.passes(rms);
    this.#setTalking(send);
    if (!send) pcm.fill(0);
    this.#chunks++;
    const out = this.#copyChunks ? pcm.slice() : pcm;
    try {
      this.onChunk?.(out);
    } catch (err) {
      console.error('[phaser-voice-agents] onChunk threw', err);
    }
  }

  #setTalking(t: boolean): void {
    if (t === this.#talking) return;
    this.#talking = t;
    this.emit('talking', t);
  }

  #onTrackEnded = (): void => {
    this.#fail(new MicError('unplugged', 'The microphone was disconnected.'));
  };

  #onRevoked = (): void => {
    if (this.#stream) this.#fail(new MicError('revoked', 'Microphone permission was revoked.'));
  };

  #fail(err: MicError): void {
    this.stop();
    this.emit('error', err);
  }
}
