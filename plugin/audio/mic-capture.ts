import { Emitter } from '../session/emitter.js';
import type { HowlerBridge } from './howler-bridge.js';
import { classify, MicError } from './mic-errors.js';
import { MIC_PROCESSOR } from './mic-worklet.js';
import { cachedDesign } from './pcm.js';
import { loadWorklets } from './worklet-loader.js';

export type MicMode = 'push-to-talk' | 'open' | 'muted';

export interface MicCaptureEvents {
  /** The mic is open and chunks flow. */
  open: () => void;
  /** The mic closed (stop(), or an error); every track is stopped. */
  close: () => void;
  /** A typed failure the game can show; typing still works. The mic is closed when this fires. */
  error: (err: MicError) => void;
  /** Whether the player's speech is being sent (as opposed to silence) changed. */
  talking: (talking: boolean) => void;
}

/** Something that knows whether an NPC is speaking: a VoiceMixer, or any `{ speaking }`. */
export interface EchoGuardSource {
  readonly speaking: boolean;
}

export interface MicCaptureOptions {
  /** Session input rate (from the metadata's user_input_audio_format). Default 16000. */
  sampleRate?: number;
  /** Chunk duration. Default 20 ms (320 samples at 16 kHz). */
  chunkMs?: number;
  /** Default 'push-to-talk'. */
  mode?: MicMode;
  /** Called with every chunk: speech, or zeros while muted / not talking / guarded. */
  onChunk?: ((pcm: Int16Array) => void) | null;
  /**
   * Open-mic echo guard. While `source.speaking` (an NPC voice plays), a chunk is sent only if
   * its RMS reaches `thresholdDb` dBFS (default -30: the player talking over the NPC, while the
   * voice's residue after echo cancellation is typically well below -40), or within `holdMs`
   * (default 400) after one did; otherwise silence is sent. Push-to-talk is never guarded.
   */
  echoGuard?: { source: EchoGuardSource; thresholdDb?: number; holdMs?: number } | null;
  /** A specific input device. */
  deviceId?: string;
  /**
   * Browser voice processing (echo cancellation, noise suppression, auto gain). Default true;
   * turn off only with headphones (then nothing leaks back into the mic).
   */
  voiceProcessing?: boolean;
  /**
   * Which AudioContext captures. 'howler': Howler's (one context for everything). 'dedicated': a
   * capture-only context at the microphone's own rate. 'auto' (default): dedicated when the mic's
   * rate differs from Howler's context rate, because Chrome then inserts a resampling FIFO in the
   * MediaStream path that costs about one extra chunk of latency (measured ~20 ms in
   * bench/audio-latency); Howler's context otherwise. Either way the worklet resamples to
   * `sampleRate` with our anti-aliasing filter. Falls back to Howler's context if a dedicated one
   * cannot start (autoplay policy).
   */
  context?: 'auto' | 'howler' | 'dedicated';
  /**
   * The PCM passed to onChunk is a pooled buffer handed back to the audio thread after the
   * callback returns (zero-copy). Set true if your callback keeps it (e.g. queues it unencoded).
   */
  copyChunks?: boolean;
}

const POOL = 32;

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
  #_mode: MicMode;
  #pttDown = false;
  #guard: { source: EchoGuardSource; threshold: number; holdMs: number } | null;
  #guardOpenUntil = 0;
  #stream: MediaStream | null = null;
  #graph: { source: MediaStreamAudioSourceNode; node: AudioWorkletNode } | null = null;
  #own: AudioContext | null = null;
  readonly #contextChoice: 'auto' | 'howler' | 'dedicated';
  #release: (() => void) | null = null;
  #offContext: (() => void) | null = null;
  #permission: PermissionStatus | null = null;
  #gen = 0;
  #_level = 0;
  #_talking = false;
  #_chunks = 0;
  #gaps = 0;
  #gapMs = 0;
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
    this.#_mode = opts.mode ?? 'push-to-talk';
    this.onChunk = opts.onChunk ?? null;
    this.#deviceId = opts.deviceId;
    this.#copyChunks = opts.copyChunks ?? false;
    this.#voiceProcessing = opts.voiceProcessing ?? true;
    this.#contextChoice = opts.context ?? 'auto';
    this.#guard = opts.echoGuard
      ? {
          source: opts.echoGuard.source,
          threshold: dbToLinear(opts.echoGuard.thresholdDb ?? -30),
          holdMs: opts.echoGuard.holdMs ?? 400,
        }
      : null;
  }

  get isOpen(): boolean {
    return this.#stream !== null;
  }

  get mode(): MicMode {
    return this.#_mode;
  }

  /** RMS (0..1) of the latest captured chunk, before muting/guarding: for a level meter. */
  get level(): number {
    return this.#_level;
  }

  /** True while speech (not silence) is being sent. */
  get talking(): boolean {
    return this.#_talking;
  }

  /** Chunks delivered since start(). */
  get chunkCount(): number {
    return this.#_chunks;
  }

  /**
   * Silences the browser inserted upstream of the capture worklet since start(): the capture
   * thread delivered late (the machine was starved of CPU) and the stream filled the hole with
   * zeros, then carried on. Each is counted with its length; the audio itself is not lost, only
   * delayed. A rising count on a player's machine explains "choppy" speech reaching the agent.
   */
  get inputGaps(): { count: number; ms: number } {
    return { count: this.#gaps, ms: this.#gapMs };
  }

  get chunkSize(): number {
    return this.#chunkSamples;
  }

  setMode(mode: MicMode): void {
    this.#_mode = mode;
  }

  /** Push-to-talk pressed (bind to a key or button down). */
  talkStart(): void {
    this.#pttDown = true;
  }

  /** Push-to-talk released. */
  talkEnd(): void {
    this.#pttDown = false;
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
    if (this.#contextChoice !== 'dedicated') void loadWorklets(this.#bridge.context).catch(() => undefined);
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
    void this.#watchPermission(gen);
    const own = await this.#dedicatedContext(stream);
    if (gen !== this.#gen) {
      void own?.close();
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
      ctx = this.#bridge.context;
    }
    const ok = await this.#wire(ctx, gen);
    if (ok) this.emit('open');
    return ok;
  }

  /** The AudioContext the mic is captured on (for diagnostics). */
  get captureContext(): AudioContext | null {
    return this.#graph ? (this.#graph.node.context as AudioContext) : null;
  }

  async #dedicatedContext(stream: MediaStream): Promise<AudioContext | null> {
    if (this.#contextChoice === 'howler') return null;
    const rate = stream.getAudioTracks()[0]?.getSettings().sampleRate;
    if (this.#contextChoice === 'auto' && (!rate || rate === this.#bridge.context.sampleRate)) return null;
    let ctx: AudioContext;
    try {
      ctx = new AudioContext(rate ? { sampleRate: rate, latencyHint: 'interactive' } : {});
    } catch {
      return null;
    }
    if (ctx.state !== 'running') {
      await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, 250))]);
      if ((ctx.state as AudioContextState) !== 'running') {
        void ctx.close();
        return null; // autoplay refused a second context: share Howler's
      }
    }
    return ctx;
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
    if (this.#permission) this.#permission.onchange = null;
    this.#permission = null;
    this.#release?.();
    this.#release = null;
    if (this.#own) {
      this.#own.removeEventListener('statechange', this.#onOwnState);
      void this.#own.close();
      this.#own = null;
    }
    this.#_level = 0;
    this.#_chunks = 0;
    this.#gaps = 0;
    this.#gapMs = 0;
    this.#setTalking(false);
    if (wasOpen) this.emit('close');
  }

  dispose(): void {
    this.stop();
    this.onChunk = null;
    this.removeAllListeners();
  }

  async #wire(ctx: AudioContext, gen: number): Promise<boolean> {
    this.#unwire();
    try {
      await loadWorklets(ctx);
      if (gen !== this.#gen || !this.#stream) return false;
      const source = ctx.createMediaStreamSource(this.#stream);
      // numberOfOutputs 0: the node is pulled by the graph without connecting to the speakers.
      const node = new AudioWorkletNode(ctx, MIC_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: {
          design: cachedDesign(ctx.sampleRate, this.#rate),
          chunkSamples: this.#chunkSamples,
          poolSize: POOL,
        },
      });
      node.port.onmessage = (e: MessageEvent<ArrayBuffer | number>) => {
        if (typeof e.data === 'number') {
          this.#gaps++;
          this.#gapMs += (e.data / ctx.sampleRate) * 1000;
        } else this.#onBuffer(node, e.data);
      };
      source.connect(node);
      this.#graph = { source, node };
      return true;
    } catch (err) {
      if (gen === this.#gen)
        this.#fail(new MicError('failed', `microphone pipeline failed: ${String(err)}`, err));
      return false;
    }
  }

  #unwire(): void {
    const g = this.#graph;
    if (!g) return;
    this.#graph = null;
    g.node.port.onmessage = null;
    g.node.port.postMessage('stop');
    g.node.port.close();
    g.source.disconnect();
    g.node.disconnect();
  }

  #onBuffer(node: AudioWorkletNode, buf: ArrayBuffer): void {
    const pcm = new Int16Array(buf);
    let s = 0;
    for (let i = 0; i < pcm.length; i++) s += pcm[i]! * pcm[i]!;
    const rms = Math.sqrt(s / pcm.length) / 32768;
    this.#_level = rms;
    const send = this.#shouldSend(rms);
    this.#setTalking(send);
    if (!send) pcm.fill(0);
    this.#_chunks++;
    const out = this.#copyChunks ? pcm.slice() : pcm;
    try {
      this.onChunk?.(out);
    } catch (err) {
      console.error('[phaser-voice-agents] onChunk threw', err);
    }
    // Hand the buffer back to the worklet's pool (unless the graph was rebuilt meanwhile).
    if (this.#graph?.node === node) node.port.postMessage(buf, [buf]);
  }

  #shouldSend(rms: number): boolean {
    if (this.#_mode === 'muted') return false;
    if (this.#_mode === 'push-to-talk') return this.#pttDown;
    const g = this.#guard;
    if (!g || !g.source.speaking) return true;
    // Open mic while an NPC speaks: its voice leaks from the speakers through echo cancellation at
    // a low level; only a louder input (the player talking over it) passes, and keeps passing for
    // holdMs so the ends of words are not cut.
    const now = performance.now();
    if (rms >= g.threshold) this.#guardOpenUntil = now + g.holdMs;
    return now < this.#guardOpenUntil;
  }

  #setTalking(t: boolean): void {
    if (t === this.#_talking) return;
    this.#_talking = t;
    this.emit('talking', t);
  }

  #onTrackEnded = (): void => {
    this.#fail(new MicError('unplugged', 'The microphone was disconnected.'));
  };

  async #watchPermission(gen: number): Promise<void> {
    try {
      const status = await navigator.permissions?.query({ name: 'microphone' as PermissionName });
      if (!status || gen !== this.#gen) return;
      this.#permission = status;
      // Chrome reports a reset permission as 'prompt' (and then ends the track); either way the
      // grant is gone, which the game should show as such rather than as an unplugged device.
      status.onchange = () => {
        if (status.state !== 'granted' && this.#stream)
          this.#fail(new MicError('revoked', 'Microphone permission was revoked.'));
      };
    } catch {
      // Firefox and older Safari cannot query 'microphone'; track 'ended' still covers revocation.
    }
  }

  #fail(err: MicError): void {
    this.stop();
    this.emit('error', err);
  }
}

function dbToLinear(db: number): number {
  return Math.pow(10, db / 20);
}
