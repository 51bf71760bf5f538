import { Emitter } from '../common/emitter.js';

/**
 * The part of Howler's global the audio layer uses. Pass the `Howler` object from 'howler' (the
 * game's own copy: Howler is a peer-dependency singleton, and importing it here could bundle a
 * second copy with its own AudioContext).
 */
export interface HowlerLike {
  ctx: AudioContext | null;
  masterGain: GainNode | null;
  autoSuspend: boolean;
  volume(vol?: number): unknown;
  usingWebAudio?: boolean;
  /** Howler's private auto-suspend kick; called (if present) when our hold is released. */
  _autoSuspend?: () => unknown;
}

export type BridgeState = 'running' | 'suspended' | 'blocked' | 'closed';

export interface HowlerBridgeEvents {
  /** Howler replaced its AudioContext (unload(), or an unlock at another rate). Rebuild on it. */
  context: (ctx: AudioContext, previous: AudioContext | null) => void;
  /** resume() was refused (autoplay policy): show "click to enable sound". Resumes on the next gesture. */
  blocked: () => void;
  /** The context runs (after a block, a suspension or a replacement). */
  running: () => void;
  /** The context was suspended while a conversation holds it; the bridge resumes it. */
  suspended: () => void;
}

export interface HowlerBridgeOptions {
  /** Where to listen for the unlocking gesture. Default: `window`. */
  gestureTarget?: EventTarget;
  /** How long resume() may stay pending before the context counts as blocked. Default 250 ms. */
  blockedAfterMs?: number;
}

const GESTURES = ['pointerdown', 'pointerup', 'keydown', 'touchend', 'click'] as const;

/**
 * One AudioContext for the game: Howler's. The bridge owns nothing of Howler's; it watches for a
 * replaced context, keeps the context running while a conversation holds it (Howler's autoSuspend
 * only counts Howls, not raw nodes, so it would suspend the context mid-conversation), and turns
 * an autoplay refusal into a 'blocked' event plus a resume on the next user gesture.
 */
export class HowlerBridge extends Emitter<HowlerBridgeEvents> {
  #current: AudioContext | null = null;
  #holds = 0;
  #savedAutoSuspend: boolean | null = null;
  #gestureArmed = false;
  #blocked = false;
  #disposed = false;
  readonly #gestureTarget: EventTarget | null;
  readonly #blockedAfterMs: number;

  constructor(
    readonly howler: HowlerLike,
    opts: HowlerBridgeOptions = {},
  ) {
    super();
    this.#gestureTarget = opts.gestureTarget ?? (typeof window !== 'undefined' ? window : null);
    this.#blockedAfterMs = opts.blockedAfterMs ?? 250;
    this.check();
  }

  /** Howler's current AudioContext (created on first use with `Howler.volume()`). */
  get context(): AudioContext {
    const ctx = this.contextOrNull;
    if (!ctx) throw new Error('Howler has no Web Audio context (Howler.usingWebAudio is false)');
    return ctx;
  }

  /** The same, or null when Howler has no Web Audio (HTML5 Audio mode). */
  get contextOrNull(): AudioContext | null {
    this.check();
    return this.#current;
  }

  /** Where voices connect: Howler's master gain, so Howler.mute()/volume() apply to NPC voices. */
  get output(): AudioNode {
    this.check();
    const g = this.howler.masterGain;
    if (!g) throw new Error('Howler has no masterGain');
    return g;
  }

  get state(): BridgeState {
    const ctx = this.#current;
    if (!ctx) return 'closed';
    if (ctx.state === 'running') return 'running';
    if (ctx.state === 'closed') return 'closed';
    return this.#blocked ? 'blocked' : 'suspended';
  }

  /** True while at least one conversation part (mic, voice) holds the context awake. */
  get held(): boolean {
    return this.#holds > 0;
  }

  /**
   * Detects a replaced Howler context and announces it. Cheap (two comparisons); the mixer calls
   * it every frame, and a closed context triggers it too.
   */
  check(): boolean {
    if (this.#disposed) return false;
    const h = this.howler;
    // Howler creates its context lazily; volume() with no argument is a getter that forces it.
    if (!h.ctx && h.usingWebAudio !== false) h.volume();
    const ctx = h.ctx;
    if (!ctx || ctx === this.#current) return false;
    const prev = this.#current;
    if (prev) prev.removeEventListener('statechange', this.#onStateChange);
    this.#current = ctx;
    ctx.addEventListener('statechange', this.#onStateChange);
    if (prev) this.emit('context', ctx, prev);
    if (this.#holds > 0) void this.resume();
    return true;
  }

  /**
   * Keep the context running until the returned release function is called (once per open mic
   * or live voice). Howler's autoSuspend is switched off while held and restored afterwards, so
   * the game's own Howler behaviour is unchanged when no conversation is open.
   */
  hold(): () => void {
    if (this.#holds++ === 0) {
      this.#savedAutoSuspend = this.howler.autoSuspend;
      this.howler.autoSuspend = false;
    }
    void this.resume();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0 && this.#savedAutoSuspend !== null) {
        this.howler.autoSuspend = this.#savedAutoSuspend;
        this.#savedAutoSuspend = null;
        if (this.howler.autoSuspend) this.howler._autoSuspend?.();
      }
    };
  }

  /**
   * Resume the context. Resolves 'running', or 'blocked' (event emitted, gesture listeners armed)
   * when the browser refuses without a user gesture. Never throws.
   */
  async resume(): Promise<'running' | 'blocked' | 'closed'> {
    let ctx: AudioContext;
    try {
      ctx = this.context;
    } catch {
      return 'closed';
    }
    if (ctx.state === 'running') return 'running';
    if (ctx.state === 'closed') return 'closed';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, this.#blockedAfterMs)));
    await Promise.race([ctx.resume().catch(() => undefined), timeout]);
    clearTimeout(timer);
    if (ctx !== this.#current) return this.#current?.state === 'running' ? 'running' : this.resume();
    // (re-read: the state changed while we awaited)
    if ((ctx.state as AudioContextState) === 'running') return 'running';
    if (!this.#blocked) {
      this.#blocked = true;
      this.#armGesture();
      this.emit('blocked');
    }
    return 'blocked';
  }

  dispose(): void {
    this.#disposed = true;
    this.#disarmGesture();
    this.#current?.removeEventListener('statechange', this.#onStateChange);
    if (this.#holds > 0 && this.#savedAutoSuspend !== null) this.howler.autoSuspend = this.#savedAutoSuspend;
    this.#holds = 0;
    this.removeAllListeners();
  }

  #onStateChange = (): void => {
    const ctx = this.#current;
    if (!ctx) return;
    if (ctx.state === 'closed') {
      // Howler.unload() closes the old context and synchronously creates the next one.
      queueMicrotask(() => this.check());
    } else if (ctx.state === 'running') {
      const wasBlocked = this.#blocked;
      this.#blocked = false;
      this.#disarmGesture();
      if (wasBlocked || this.#holds > 0) this.emit('running');
    } else if (ctx.state === 'suspended' && this.#holds > 0) {
      this.emit('suspended');
      void this.resume();
    }
  };

  #onGesture = (): void => {
    // Must run inside the gesture's task for the browser to allow it.
    const ctx = this.#current;
    if (ctx && ctx.state !== 'running' && ctx.state !== 'closed') void ctx.resume().catch(() => undefined);
  };

  #armGesture(): void {
    if (this.#gestureArmed || !this.#gestureTarget) return;
    this.#gestureArmed = true;
    for (const g of GESTURES) this.#gestureTarget.addEventListener(g, this.#onGesture, { capture: true });
  }

  #disarmGesture(): void {
    if (!this.#gestureArmed || !this.#gestureTarget) return;
    this.#gestureArmed = false;
    for (const g of GESTURES) this.#gestureTarget.removeEventListener(g, this.#onGesture, { capture: true });
  }
}
