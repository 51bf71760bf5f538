/**
 * Speech recognition is optional and pluggable. A recognizer turns one utterance (16 kHz mono
 * PCM16, streamed while the player speaks) into text; when none is configured the local agent never
 * invents a transcript (see the agent's "asr_unavailable" notice).
 */

/** What the NPC expects to hear: grammar-based recognizers only listen for these. */
export interface RecognizerHints {
  /** Phrases from the NPC file (`local.replies[].when`), one entry per phrase. */
  phrases: string[];
  /** `agent.asr.keywords` and override keywords. */
  keywords: string[];
}

/**
 * The recognizer did not transcribe this utterance, and says why (never a made-up transcript):
 * - `busy`: it is overloaded (the utterance waited too long for a decoder);
 * - `too_fast`: this conversation sent more speech than real time allows;
 * - `failed`: the decoder broke on it;
 * - `superseded`: the same conversation finished a newer utterance before this one was decoded;
 * - `cancelled`: the utterance was cancelled (conversation closed, recognizer shut down).
 */
export interface RecognitionDeclined {
  declined: 'busy' | 'too_fast' | 'failed' | 'superseded' | 'cancelled';
}

/**
 * A transcript with the recognizer's other readings of the same audio. A recognizer may return a
 * plain string instead; only one that can list readings (pocketsphinx's n-best) needs this.
 */
export interface Transcript {
  text: string;
  /**
   * Readings of the utterance, best first (the top one may repeat `text`): when the NPC cannot place
   * `text`, readings that agree on one reply may (../agent/understand/vote.ts).
   */
  alternatives?: readonly string[];
}

/** What a recognizer made of one utterance. */
export type Recognition = string | Transcript | RecognitionDeclined;

export interface RecognizerStream {
  /** 16 kHz mono PCM16 audio of the utterance, in order, pre-roll first. */
  write(pcm: Int16Array): void;
  /**
   * What the audio written so far says, while the utterance may go on (the player paused): lets the
   * agent answer a complete question at a short pause. Optional; finish() is still called, or
   * cancel() when the peek's answer was used.
   */
  peek?(): Promise<Recognition>;
  /** The utterance ended: the transcript ('' when nothing was recognized), or why there is none. */
  finish(): Promise<Recognition>;
  /** The utterance was dropped (too short, conversation closed): release everything. */
  cancel(): void;
}

export interface RecognizerStats {
  processes: number;
  running: number;
  queued: number;
}

export interface RecognizerStartOptions {
  /**
   * Who is speaking (one object per conversation): a shared recognizer uses it for fairness, so one
   * conversation cannot take every decoder or queue more than one utterance.
   */
  owner?: object;
}

export interface Recognizer {
  /** Reported by the health endpoint, e.g. `pocketsphinx (JSGF grammar)`. */
  readonly name: string;
  start(
    hints: RecognizerHints,
    onPartial?: (text: string) => void,
    options?: RecognizerStartOptions,
  ): RecognizerStream;
  /** A conversation with these hints has started: get ready (e.g. load its grammar) before it speaks. */
  prepare?(hints: RecognizerHints): void;
  /** How loaded it is (health endpoint): decoder processes, utterances decoding and waiting. */
  stats?(): RecognizerStats;
  /** Release everything (processes, files); resolves once they are gone. */
  close?(): void | Promise<void>;
}

export const isDeclined = (r: Recognition): r is RecognitionDeclined =>
  typeof r !== 'string' && 'declined' in r;

/** A recognition that is not declined, as a transcript (a plain string has no other readings). */
export const transcriptOf = (r: string | Transcript): Transcript => (typeof r === 'string' ? { text: r } : r);
