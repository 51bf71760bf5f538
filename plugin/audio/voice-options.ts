// The public shapes of NpcVoice: its options (with their defaults), events and modes.
import { SPATIAL_DEFAULTS, type SpatialOptions } from './spatial.js';

export interface NpcVoiceOptions extends SpatialOptions {
  /** Voice volume (before Howler's master volume). Default 1. */
  volume?: number;
  /** Fade length of flush() (barge-in/skip). Default 8 ms: silent (< -40 dB) about 10 ms after the call. */
  flushFadeMs?: number;
  /** Fade at an underrun and on resume, so late chunks never click. Default 2 ms. */
  edgeFadeMs?: number;
  /** Initial lead before a turn plays (0 = as soon as the first chunk arrives). */
  leadMs?: number;
  /** Lead added per underrun, and removed per clean turn. Default 20 ms. */
  leadStepMs?: number;
  /** Lead ceiling. Default 160 ms. */
  leadMaxMs?: number;
  /** How long the queue must stay empty before the voice reports 'listening'. Default 150 ms. */
  drainHoldMs?: number;
}

export type VoiceMode = 'speaking' | 'listening';

export interface NpcVoiceEvents {
  /** The queue started playing (a turn became audible). */
  speaking: (turnId: number) => void;
  /** The queue drained (after drainHoldMs), or the turn was flushed. */
  listening: () => void;
  /** A turn started playing; playbackPositionMs counts from here. */
  turnstart: (turnId: number) => void;
  /** flush() finished its fade: output is silent. `playedMs` is what the player actually heard. */
  flushed: (turnId: number, playedMs: number) => void;
  /** A chunk arrived late and the voice paused for it (the lead grows). */
  underrun: (turnId: number) => void;
  /**
   * The voice's worklet could not load, so it stays silent: a `WorkletBlockedError` when the page's
   * Content-Security-Policy refuses both blob: and data: scripts.
   */
  error: (error: Error) => void;
}

/** The options with every default filled in (an option given as undefined keeps its default). */
export function voiceOptions(opts: NpcVoiceOptions): Required<NpcVoiceOptions> {
  const given = Object.fromEntries(
    Object.entries(opts).filter(([, v]) => v !== undefined),
  ) as NpcVoiceOptions;
  return {
    ...SPATIAL_DEFAULTS,
    volume: 1,
    flushFadeMs: 8,
    edgeFadeMs: 2,
    leadMs: 0,
    leadStepMs: 20,
    leadMaxMs: 160,
    drainHoldMs: 150,
    ...given,
  };
}
