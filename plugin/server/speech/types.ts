/**
 * Shared shapes of the speech pipeline. Engines synthesize one sentence at a time, synchronously:
 * callers yield to the event loop between sentences (or run the engine in a worker) so a long reply
 * never blocks other conversations.
 */

/** How one NPC sounds: from the NPC file's `local.voice`, adjusted by session overrides. */
export interface VoiceSpec {
  /** Engine voice, espeak-ng style: `en-us+f3`, `en+m2`, `de`. The babble engine reads the variant. */
  engineVoice: string;
  /** Words per minute (espeak scale: 80-450, 175 is normal). */
  rate: number;
  /** 0-99 (espeak scale, 50 is normal). */
  pitch: number;
}

/** One synthesized sentence, with a start time and duration (ms) for every UTF-16 unit of `text`. */
export interface Synthesis {
  text: string;
  sampleRate: number;
  pcm: Int16Array;
  charStartMs: Float64Array;
  charDurMs: Float64Array;
}

export interface SpeechEngine {
  /** `espeak-ng` or `babble`: reported by the health endpoint. */
  readonly name: string;
  readonly licence: string;
  readonly sampleRate: number;
  /** Voices this engine knows (for the health endpoint). */
  voices(): string[];
  /** Synchronous; `shouldStop` is polled between internal blocks so a barge-in can cut it short. */
  synthesize(text: string, voice: VoiceSpec, shouldStop?: () => boolean): Synthesis;
}
