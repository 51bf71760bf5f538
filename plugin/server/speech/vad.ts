/**
 * End-of-turn detection on the player's microphone stream: WebRTC VAD (`@echogarden/fvad-wasm`,
 * BSD) on 30 ms frames, plus our own rules so that a cough or a click is not a turn:
 * - speech starts after `startMs` of voiced frames in a row;
 * - it is "confirmed" (the moment a barge-in may happen) once it holds `minSpeechMs` of voice;
 * - it ends after `hangoverMs` of silence; a turn with less than `minSpeechMs` of voice is dropped;
 * - a shorter pause (`pauseMs`) in confirmed speech is reported, so the agent may end the turn there
 *   when what was said is a complete question (`endTurn()`), instead of waiting out the hangover;
 *   the moment before it when the recognizer has all it will get (`onQuiet`) is reported too, so
 *   the words can be decoded by the time the pause is reached.
 */
import fvadInit from '@echogarden/fvad-wasm';

interface FvadModule {
  _fvad_new(): number;
  _fvad_free(inst: number): void;
  _fvad_reset(inst: number): void;
  _fvad_set_mode(inst: number, mode: number): number;
  _fvad_set_sample_rate(inst: number, rate: number): number;
  _fvad_process(inst: number, ptr: number, len: number): number;
  _malloc(n: number): number;
  _free(p: number): void;
  HEAP16: Int16Array;
}

let fvadPromise: Promise<FvadModule> | null = null;
export const loadFvad = (): Promise<FvadModule> =>
  (fvadPromise ??= (fvadInit as unknown as () => Promise<FvadModule>)());

export interface TurnDetectorOptions {
  /** fvad aggressiveness 0-3. */
  mode?: number;
  startMs?: number;
  minSpeechMs?: number;
  hangoverMs?: number;
  /** Audio kept from before the detected start, so the recognizer hears the first syllable. */
  preRollMs?: number;
  /** A turn is cut here even if the player keeps talking. */
  maxTurnMs?: number;
  /** Silence inside an utterance passed on at once; longer pauses wait until voice resumes. */
  keepSilenceMs?: number;
  /**
   * Silence after confirmed speech that is reported as a pause (`onPause`); 0 = never. Default 350
   * ms. At least keepSilenceMs plus a frame, so that `onQuiet` (the recognizer has all it will get)
   * always comes first.
   */
  pauseMs?: number;
}

export interface TurnDetectorEvents {
  /** Voice has started (not yet confirmed as speech). */
  onSpeechStart?(): void;
  /** `minSpeechMs` of voice reached: a real utterance, not a click. */
  onSpeechConfirmed?(): void;
  /**
   * Every frame of the utterance, pre-roll first: feed a streaming recognizer. Silence longer than
   * `keepSilenceMs` is held back and sent only if voice resumes, so the hangover that ends a turn
   * never reaches the recognizer (decoding it is a sixth of the recognizer's work for nothing).
   */
  onSpeechAudio?(frame: Int16Array): void;
  onTurnEnd?(turn: { voicedMs: number; durationMs: number }): void;
  /**
   * Confirmed speech has been silent longer than `keepSilenceMs` (once per silence, only when pauses
   * are reported): everything the turn will give the recognizer has been given, unless voice
   * resumes (`onResume`). A decode started now is the one the pause would start, begun earlier.
   */
  onQuiet?(): void;
  /**
   * Confirmed speech has paused for `pauseMs` (once per pause; after `onQuiet`): the turn may end
   * here (`endTurn()`), unless voice resumes (`onResume`).
   */
  onPause?(): void;
  /** Voice came back after `onQuiet` or `onPause`: the turn goes on. */
  onResume?(): void;
  /** Voice that ended before `minSpeechMs`: not a turn. */
  onDiscard?(info: { voicedMs: number }): void;
}

export const VAD_SAMPLE_RATE = 16_000;
const FRAME = 480; // 30 ms at 16 kHz
const FRAME_MS = 30;

export interface TurnDetector {
  /** 16 kHz mono PCM16, any length. */
  push(pcm: Int16Array): void;
  readonly inSpeech: boolean;
  /** End the turn in progress now, as the hangover would (after `onPause`: the words were enough). */
  endTurn(): void;
  /** Forget any utterance in progress (e.g. the conversation ended). */
  reset(): void;
  destroy(): void;
}

export async function createTurnDetector(
  events: TurnDetectorEvents,
  options: TurnDetectorOptions = {},
): Promise<TurnDetector> {
  const m = await loadFvad();
  const mode = options.mode ?? 2;
  const startMs = options.startMs ?? 90;
  const minSpeechMs = options.minSpeechMs ?? 200;
  const hangoverMs = options.hangoverMs ?? 600;
  const preRollFrames = Math.ceil((options.preRollMs ?? 300) / FRAME_MS);
  const maxTurnMs = options.maxTurnMs ?? 15_000;
  const keepSilenceMs = options.keepSilenceMs ?? 240;
  const pauseMs =
    options.pauseMs === 0 ? Infinity : Math.max(options.pauseMs ?? 350, keepSilenceMs + FRAME_MS);
  /** Frames of a pause longer than keepSilenceMs, waiting for voice to resume (or the turn to end). */
  const held: Int16Array[] = [];

  const inst = m._fvad_new();
  if (!inst) throw new Error('fvad: could not create an instance');
  m._fvad_set_mode(inst, mode);
  m._fvad_set_sample_rate(inst, VAD_SAMPLE_RATE);
  const buf = m._malloc(FRAME * 2);
  const pending = new Int16Array(FRAME);
  let pendingLen = 0;
  const preRoll: Int16Array[] = [];

  let state: 'silence' | 'speech' = 'silence';
  let voicedRun = 0;
  let voicedMs = 0;
  let silenceRun = 0;
  let durationMs = 0;
  let confirmed = false;
  /** Silent since `onQuiet` (and maybe `onPause`) of this silence. */
  let quiet = false;
  let paused = false;
  let destroyed = false;

  const endTurn = (): void => {
    const info = { voicedMs, durationMs };
    state = 'silence';
    voicedRun = 0;
    silenceRun = 0;
    preRoll.length = 0;
    held.length = 0;
    if (voicedMs >= minSpeechMs) events.onTurnEnd?.(info);
    else events.onDiscard?.({ voicedMs });
    voicedMs = 0;
    durationMs = 0;
    confirmed = false;
    quiet = paused = false;
  };

  const frame = (f: Int16Array): void => {
    m.HEAP16.set(f, buf >> 1);
    const voiced = m._fvad_process(inst, buf, FRAME) === 1;
    if (state === 'silence') {
      preRoll.push(f.slice());
      if (preRoll.length > preRollFrames) preRoll.shift();
      voicedRun = voiced ? voicedRun + FRAME_MS : 0;
      if (voicedRun >= startMs) {
        state = 'speech';
        voicedMs = voicedRun;
        durationMs = voicedRun;
        silenceRun = 0;
        events.onSpeechStart?.();
        for (const p of preRoll) events.onSpeechAudio?.(p);
        preRoll.length = 0;
        if (voicedMs >= minSpeechMs && !confirmed) {
          confirmed = true;
          events.onSpeechConfirmed?.();
        }
      }
      return;
    }
    durationMs += FRAME_MS;
    if (voiced) {
      if (quiet) {
        quiet = paused = false;
        events.onResume?.();
      }
      for (const h of held) events.onSpeechAudio?.(h);
      held.length = 0;
      events.onSpeechAudio?.(f.slice());
      voicedMs += FRAME_MS;
      silenceRun = 0;
      if (!confirmed && voicedMs >= minSpeechMs) {
        confirmed = true;
        events.onSpeechConfirmed?.();
      }
    } else {
      silenceRun += FRAME_MS;
      if (silenceRun <= keepSilenceMs) events.onSpeechAudio?.(f.slice());
      else held.push(f.slice());
    }
    if (silenceRun >= hangoverMs || durationMs >= maxTurnMs) return endTurn();
    if (!confirmed || pauseMs === Infinity) return;
    if (!quiet && silenceRun > keepSilenceMs) {
      quiet = true;
      events.onQuiet?.();
    }
    if (!paused && silenceRun >= pauseMs) {
      paused = true;
      events.onPause?.();
    }
  };

  return {
    push(pcm) {
      if (destroyed) return;
      let i = 0;
      while (i < pcm.length) {
        const take = Math.min(FRAME - pendingLen, pcm.length - i);
        pending.set(pcm.subarray(i, i + take), pendingLen);
        pendingLen += take;
        i += take;
        if (pendingLen === FRAME) {
          pendingLen = 0;
          frame(pending);
        }
      }
    },
    get inSpeech() {
      return state === 'speech';
    },
    endTurn() {
      if (!destroyed && state === 'speech') endTurn();
    },
    reset() {
      state = 'silence';
      voicedRun = voicedMs = silenceRun = durationMs = 0;
      confirmed = false;
      quiet = paused = false;
      preRoll.length = 0;
      held.length = 0;
      pendingLen = 0;
      m._fvad_reset(inst);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      m._fvad_free(inst);
      m._free(buf);
    },
  };
}
