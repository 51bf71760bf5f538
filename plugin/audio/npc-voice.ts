import { Emitter } from '../common/emitter.js';
import type { HowlerBridge } from './howler-bridge.js';
import { bytesToPcm16 } from './pcm.js';
import { parseAudioFormat, ulawToInt16 } from '../protocol/index.js';
import { voiceOptions, type NpcVoiceEvents, type NpcVoiceOptions, type VoiceMode } from './voice-options.js';
import { lazy } from '../common/lazy.js';
import type { VoiceOut } from './worklets/voice-processor.js';
import { buildVoiceGraph, placeVoice, teardownVoiceGraph, type VoiceGraph } from './voice-graph.js';
import { VOICE_PROCESSOR } from './worklets/names.js';

interface Pending {
  pcm: Int16Array;
  rate: number;
  turn: number;
}

/**
 * One NPC's voice: streamed PCM chunks in, gapless positioned playback out, into Howler's master
 * gain. Wire it as `session.on('audio', (pcm, rate, id) => voice.push(pcm, rate, id))` and
 * `session.on('interruption', () => voice.flush())`.
 */
export class NpcVoice extends Emitter<NpcVoiceEvents> {
  #graph: LoadedGraph | null = null;
  #gen = 0;
  #pending: Pending[] = [];
  readonly #opts: Required<NpcVoiceOptions>;
  #pos = { x: 0, y: 0 };
  #listener = { x: 0, y: 0 };
  #lastTurn = -1;
  #flushedTurn = -1;
  #currentTurn = -1;
  /**
   * Added to the agent's turn ids: after restart() (a new conversation, whose ids start over) the
   * new ids continue above the old ones, so the voice and its processor only ever see ids grow.
   */
  #base = 0;
  #playing = false;
  #mark = { played: 0, time: 0 };
  #mode: VoiceMode = 'listening';
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #release: (() => void) | null;
  #offContext: () => void;
  /** When the processor's chunk last failed to arrive (-1: it did not, or a new fetch is under way). */
  #fetchFailedAt = -1;
  #reportedLoadError = false;
  #levelBuf = new Float32Array(512);
  #levelAt = -1;
  #levelValue = 0;
  /** The position changed while the voice was silent: applied (unsmoothed) before it next plays. */
  #positionDirty = false;
  /**
   * The pan and distance gain (or HRTF x, z) last scheduled, and when on the graph's clock: a
   * smaller or sooner change is not worth an event (placeVoice). Forgotten with the graph.
   */
  #applied = [NaN, NaN, NaN];
  /** The last move was put off (placeVoice): apply it on a later frame even if nothing moves. */
  #lagging = false;
  #disposed = false;
  #sendQueued = false;
  #underruns = 0;

  readonly #bridge: HowlerBridge;
  constructor(bridge: HowlerBridge, opts: NpcVoiceOptions = {}) {
    super();
    this.#bridge = bridge;
    this.#opts = voiceOptions(opts);
    // Throws when Howler has no Web Audio: before anything is held or subscribed.
    const ctx = bridge.context;
    this.#release = bridge.hold();
    this.#offContext = bridge.on('context', (next) => this.#rebuild(next));
    this.#rebuild(ctx);
  }

  get mode(): VoiceMode {
    return this.#mode;
  }

  /** Underruns so far (late chunks the voice had to wait for): a network-jitter diagnostic. */
  get underruns(): number {
    return this.#underruns;
  }

  /** The turn (event id) now playing, or -1. */
  get turnId(): number {
    return this.#ours(this.#currentTurn);
  }

  /** Milliseconds of the current turn played so far (for revealing bubble text with `alignment`). */
  get playbackPositionMs(): number {
    const g = this.#graph;
    if (!g || this.#currentTurn < 0) return 0;
    let ms = (this.#mark.played / g.ctx.sampleRate) * 1000;
    if (this.#playing) ms += Math.max(0, g.ctx.currentTime - this.#mark.time) * 1000;
    return ms;
  }

  /** RMS of the voice output (0..1) over the last ~11 ms, for a mouth flap. Allocation-free. */
  get level(): number {
    const g = this.#graph;
    if (!g) return 0;
    // Read by the marker and the mouth flap every frame: 30 readings a second are more than a mouth
    // flap shows (a reading copies 512 samples out of the analyser, the costliest call in a frame).
    const t = g.ctx.currentTime;
    if (t >= this.#levelAt && t - this.#levelAt < LEVEL_INTERVAL_S) return this.#levelValue;
    const b = this.#levelBuf;
    g.analyser.getFloatTimeDomainData(b);
    let s = 0;
    for (let i = 0; i < b.length; i++) s += b[i]! * b[i]!;
    this.#levelAt = t;
    this.#levelValue = Math.sqrt(s / b.length);
    return this.#levelValue;
  }

  /**
   * Queue PCM16 samples at `sampleRate` (any pcm_* rate). `turnId` is the audio event id: chunks
   * of a turn flushed earlier are dropped. Without ids, each flush starts a new implicit turn.
   */
  push(pcm: Int16Array, sampleRate: number, turnId?: number): void {
    if (this.#disposed || pcm.length === 0) return;
    if (!Number.isInteger(sampleRate) || sampleRate < 3000 || sampleRate > 192000)
      throw new RangeError(`NpcVoice.push: bad sample rate ${sampleRate}`);
    const turn =
      turnId !== undefined ? turnId + this.#base : Math.max(this.#lastTurn, this.#flushedTurn + 1, 0);
    if (turn <= this.#flushedTurn) return;
    this.#lastTurn = Math.max(this.#lastTurn, turn);
    const own = pcm.slice(); // ours to transfer; the caller keeps its buffer
    this.#pending.push({ pcm: own, rate: sampleRate, turn });
    if (!this.#graph) this.#waitWithoutGraph();
    if (this.#positionDirty) this.#applyPosition(true);
    if (this.#graph && !this.#sendQueued) {
      // Chunks pushed in one task go to the worklet as one message: the audio thread handles
      // few messages per render quantum, so a burst of small messages would starve it.
      this.#sendQueued = true;
      queueMicrotask(() => this.#sendPending());
    }
  }

  /** Queue wire bytes in a ConvAI output format: 'pcm_<rate>' (PCM16LE) or 'ulaw_8000'. */
  pushEncoded(bytes: Uint8Array, format: string, turnId?: number): void {
    const f = parseAudioFormat(format);
    if (!f) throw new RangeError(`unknown audio format '${format}' (expected pcm_<rate> or ulaw_8000)`);
    this.push(f.encoding === 'ulaw' ? ulawToInt16(bytes) : bytesToPcm16(bytes), f.sampleRate, turnId);
  }

  /**
   * Barge-in / skip: fade out (flushFadeMs) and drop the queued audio of the turn `turnId` and
   * every older one (default: the latest pushed turn). Turns with higher ids play normally.
   */
  flush(turnId?: number): void {
    if (this.#disposed) return;
    const t = turnId !== undefined ? turnId + this.#base : Math.max(this.#lastTurn, 0);
    this.#flushedTurn = Math.max(this.#flushedTurn, t);
    this.#pending = this.#pending.filter((p) => p.turn > this.#flushedTurn);
    this.#graph?.node.port.postMessage({ t: 'flush', turn: this.#flushedTurn });
    this.#setMode('listening');
  }

  /**
   * NPC position in world units. Call it (or the mixer's setListener) every frame: moves are
   * smoothed, so that is zipper-free, and a move put off to spare the audio thread is made then.
   */
  setPosition(x: number, y: number): void {
    if (x === this.#pos.x && y === this.#pos.y && !this.#lagging) return;
    this.#pos.x = x;
    this.#pos.y = y;
    this.#moved();
  }

  /** Listener position (the player, or the camera centre). The mixer sets it for all voices. */
  setListener(x: number, y: number): void {
    if (x === this.#listener.x && y === this.#listener.y && !this.#lagging) return;
    this.#listener.x = x;
    this.#listener.y = y;
    this.#moved();
  }

  /**
   * Every frame the player walks, every voice of the scene moves relative to the listener, and
   * each applied move is two automation events (three with HRTF) for the audio thread. A silent
   * voice gains nothing from them: it takes its position at once when its next audio is pushed.
   */
  #moved(): void {
    if (this.#playing || this.#mode === 'speaking' || this.#pending.length > 0) this.#applyPosition(false);
    else this.#positionDirty = true;
  }

  /**
   * The agent's turn ids start over (a new conversation on this voice, as after a reconnect): what
   * is queued or playing belongs to the old conversation and fades out, and ids from now on are new.
   */
  restart(): void {
    if (this.#disposed) return;
    this.flush(); // the newest turn pushed and everything before it
    this.#base = Math.max(this.#lastTurn, this.#flushedTurn) + 1;
  }

  /** A processor turn id as the agent numbers it (-1: a turn of a conversation before restart()). */
  #ours(turn: number): number {
    return turn >= this.#base ? turn - this.#base : -1;
  }

  setVolume(v: number): void {
    this.#opts.volume = v;
    const g = this.#graph;
    if (g) g.out.gain.setTargetAtTime(v, g.ctx.currentTime, 0.01);
  }

  /** Disconnect and release every node; the voice is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#gen++;
    this.#teardown();
    this.#pending = [];
    clearTimeout(this.#drainTimer);
    this.#offContext();
    this.#release?.();
    this.#release = null;
    this.removeAllListeners();
  }

  /**
   * Audio arrives while there is no graph yet (its code is still loading) or none at all (the load
   * failed). Only the newest turn waits for the graph, at most MAX_WAITING_S of it: an older turn
   * was shown as text meanwhile, and playing it late would answer a question already answered.
   * After a failed fetch the code is fetched again, at most every RETRY_FETCH_MS.
   */
  #waitWithoutGraph(): void {
    const failedAt = this.#fetchFailedAt;
    if (failedAt >= 0 && performance.now() - failedAt >= RETRY_FETCH_MS) this.#rebuild(this.#bridge.context);
    const newest = this.#lastTurn;
    if (this.#pending[0]!.turn < newest) this.#pending = this.#pending.filter((p) => p.turn === newest);
    let seconds = 0;
    for (const p of this.#pending) seconds += p.pcm.length / p.rate;
    while (seconds > MAX_WAITING_S && this.#pending.length > 1) {
      const p = this.#pending.shift()!;
      seconds -= p.pcm.length / p.rate;
    }
  }

  #sendPending(): void {
    this.#sendQueued = false;
    const g = this.#graph;
    if (!g || this.#pending.length === 0) return;
    const list = this.#pending;
    this.#pending = [];
    for (const p of list) {
      if (!g.rates.has(p.rate)) {
        g.rates.add(p.rate);
        g.node.port.postMessage({ t: 'design', d: g.code.cachedDesign(p.rate, g.ctx.sampleRate) });
      }
    }
    g.node.port.postMessage(
      { t: 'chunks', list },
      list.map((p) => p.pcm.buffer as ArrayBuffer),
    );
  }

  #rebuild(ctx: AudioContext): void {
    this.#teardown();
    const gen = ++this.#gen;
    this.#fetchFailedAt = -1;
    let fetched = false;
    voiceCode()
      .then((code) => {
        fetched = true;
        if (gen !== this.#gen || this.#disposed) return null;
        return code.loadWorklet(ctx, VOICE_PROCESSOR, code.js).then(() => code);
      })
      .then(
        (code) => {
          if (!code || gen !== this.#gen || this.#disposed || ctx.state === 'closed') return;
          this.#graph = {
            ...buildVoiceGraph(ctx, this.#opts, this.#bridge.output, this.#levelBuf.length, (m) =>
              this.#onWorklet(m),
            ),
            code,
          };
          this.#applyPosition(true);
          this.#sendPending();
        },
        (err) => {
          // A context closed while loading (Howler replaced it) is not an error: we rebuild on the new one.
          if (gen !== this.#gen || this.#disposed || ctx.state === 'closed') return;
          // The processor's chunk did not arrive (the network, not the page's policy): the next
          // audio pushed after a pause fetches it again.
          if (!fetched) this.#fetchFailedAt = performance.now();
          if (this.#reportedLoadError) return;
          this.#reportedLoadError = true;
          console.error('[phaser-voice-agents] voice worklet failed to load', err);
          this.emit('error', err instanceof Error ? err : new Error(String(err)));
        },
      );
  }

  #teardown(): void {
    const g = this.#graph;
    if (!g) return;
    this.#graph = null;
    teardownVoiceGraph(g);
    this.#applied.fill(NaN);
    this.#lagging = false;
    this.#playing = false;
    this.#currentTurn = -1;
    if (this.#mode === 'speaking') this.#setMode('listening');
  }

  #applyPosition(immediate: boolean): void {
    const g = this.#graph;
    if (!g) return;
    this.#positionDirty = false;
    this.#lagging = !placeVoice(
      g,
      this.#pos.x - this.#listener.x,
      this.#pos.y - this.#listener.y,
      this.#opts,
      this.#applied,
      immediate,
    );
  }

  #onWorklet(m: VoiceOut): void {
    this.#mark.played = m.played;
    this.#mark.time = m.time;
    switch (m.t) {
      case 'start':
        this.#currentTurn = m.turn;
        this.#playing = true;
        if (this.#positionDirty) this.#applyPosition(false); // moved between push and playback
        clearTimeout(this.#drainTimer);
        this.emit('turnstart', this.#ours(m.turn));
        this.#setMode('speaking', m.turn);
        break;
      case 'resume':
        this.#playing = true;
        clearTimeout(this.#drainTimer);
        this.#underruns++;
        this.emit('underrun', this.#ours(m.turn));
        this.#setMode('speaking', m.turn);
        break;
      case 'starve':
        this.#playing = false;
        clearTimeout(this.#drainTimer);
        this.#drainTimer = setTimeout(() => this.#setMode('listening'), this.#opts.drainHoldMs);
        break;
      case 'flushed':
        this.#playing = false;
        this.emit('flushed', this.#ours(m.turn), (m.played / (this.#graph?.ctx.sampleRate ?? 48000)) * 1000);
        break;
      case 'end':
        break;
    }
  }

  #setMode(mode: VoiceMode, turn = this.#currentTurn): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    if (mode === 'speaking') this.emit('speaking', this.#ours(turn));
    else this.emit('listening');
  }
}

/** After the voice processor's chunk failed to arrive, the soonest the next audio fetches it again. */
const RETRY_FETCH_MS = 2000;
/** Audio kept while a voice has no graph (seconds): enough for a greeting that beats a slow fetch. */
const MAX_WAITING_S = 20;

/** How often `level` reads the analyser (seconds). */
const LEVEL_INTERVAL_S = 0.03;

/** The voice's audio-thread code and what loads and feeds it: one chunk, fetched for the first voice. */
const voiceCode = lazy(() =>
  import('./voice-code.js').then((m) => ({
    js: m.VOICE_WORKLET_JS,
    loadWorklet: m.loadWorklet,
    cachedDesign: m.cachedDesign,
  })),
);

/** A voice's graph, with the code it was built from (so feeding it needs no second fetch). */
type LoadedGraph = VoiceGraph & { code: Awaited<ReturnType<typeof voiceCode>> };
