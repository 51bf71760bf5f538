import { BrowserAsr, recognitionLocale } from '../audio/browser-asr.js';

/**
 * `configure({ speechRecognition: 'browser' })`: the browser's recognizer hears the player while
 * the microphone is live for an open local-agent conversation, and its words go to the NPC as the
 * player's turn (the audio still streams, so speaking over the NPC still interrupts it; the local
 * agent falls back to its own recognizer when no words come). Off, or without the browser API,
 * this does nothing.
 */
export class SpeechInput {
  #asr: BrowserAsr | null = null;
  #off: (() => void) | null = null;

  constructor(private readonly said: (text: string) => void) {}

  /** The browser can recognize speech here (and has not refused for good). */
  static available(): boolean {
    return new BrowserAsr().available;
  }

  /** Per change of the microphone: listen while `live` (in the NPC's language), else stop. */
  update(enabled: boolean, live: boolean, language: string | undefined): void {
    if (!enabled) return this.#asr?.stop();
    const asr = (this.#asr ??= new BrowserAsr());
    this.#off ??= asr.on('final', (text) => this.said(text));
    if (live && asr.available) asr.start(recognitionLocale(language));
    else asr.stop();
  }

  dispose(): void {
    this.#off?.();
    this.#off = null;
    this.#asr?.dispose();
    this.#asr = null;
  }
}
