/**
 * Speech recognition is optional and pluggable. A recognizer turns one utterance (16 kHz mono
 * PCM16, streamed while the player speaks) into text; when none is configured the local agent never
 * invents a transcript (see the agent's "asr_unavailable" notice).
 */
export { createPocketsphinxRecognizer, buildJsgfGrammar, type PocketsphinxOptions } from './pocketsphinx.js';

/** What the NPC expects to hear: grammar-based recognizers only listen for these. */
export interface RecognizerHints {
  /** Phrases from the NPC file (`local.replies[].when`), one entry per phrase. */
  phrases: string[];
  /** `agent.asr.keywords` and override keywords. */
  keywords: string[];
}

export interface RecognizerStream {
  /** 16 kHz mono PCM16 audio of the utterance, in order, pre-roll first. */
  write(pcm: Int16Array): void;
  /** The utterance ended: resolves with the transcript ('' when nothing was recognized). */
  finish(): Promise<string>;
  /** The utterance was dropped (too short, conversation closed): release everything. */
  cancel(): void;
}

export interface Recognizer {
  /** Reported by the health endpoint, e.g. `pocketsphinx (JSGF grammar)`. */
  readonly name: string;
  start(hints: RecognizerHints, onPartial?: (text: string) => void): RecognizerStream;
  close?(): void;
}
