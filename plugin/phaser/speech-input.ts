import type { BrowserAsr } from '../audio/browser-asr.js';
import { Emitter } from '../common/emitter.js';

type AsrModule = typeof import('../audio/browser-asr.js');

/** Loaded once per page, by the first SpeechInput turned on. */
let asrModule: Promise<AsrModule> | null = null;

/**
 * `configure({ speechRecognition: 'browser' })`: the browser's recognizer hears the player while
 * the microphone is live for an open local-agent conversation, and what it heard (the `heard`
 * event) goes to the NPC as the player's turn (the audio still streams, so speaking over the NPC still interrupts it; the local
 * agent falls back to its own recognizer when no words come). Off, or without the browser API,
 * this does nothing.
 *
 * The recognizer's code is loaded the first time it is turned on (bundlers split the dynamic
 * import): most games never use it and do not download it. Until it has loaded, the last request
 * waits and is applied then.
 */
export class SpeechInput extends Emitter<{ heard: (text: string) => void }> {
  #asr: BrowserAsr | null = null;
  #locale: AsrModule['recognitionLocale'] | null = null;
  #off: (() => void) | null = null;
  #loading = false;
  /** What update() last asked for while the module loaded (null: stay stopped). */
  #wanted: { live: boolean; language: string | undefined } | null = null;
  /** Bumped by dispose(): a module that finishes loading afterwards is not used. */
  #generation = 0;

  /** The browser can recognize speech here (a new recognizer has not failed yet). */
  static available(): boolean {
    const g = globalThis as { SpeechRecognition?: unknown; webkitSpeechRecognition?: unknown };
    return Boolean(g.SpeechRecognition ?? g.webkitSpeechRecognition);
  }

  /** Per change of the microphone: listen while `live` (in the NPC's language), else stop. */
  update(enabled: boolean, live: boolean, language: string | undefined): void {
    const asr = this.#asr;
    if (!enabled) {
      this.#wanted = null;
      return asr?.stop();
    }
    if (!asr) return this.#load({ live, language });
    if (live && asr.available) asr.start(this.#locale!(language));
    else asr.stop();
  }

  #load(wanted: { live: boolean; language: string | undefined }): void {
    this.#wanted = wanted;
    if (this.#loading) return;
    this.#loading = true;
    const generation = this.#generation;
    (asrModule ??= import('../audio/browser-asr.js')).then(
      ({ BrowserAsr, recognitionLocale }) => {
        if (generation !== this.#generation) return;
        this.#loading = false;
        const asr = (this.#asr = new BrowserAsr());
        this.#locale = recognitionLocale;
        this.#off = asr.on('final', (text) => this.emit('heard', text));
        const w = this.#wanted;
        this.#wanted = null;
        if (w) this.update(true, w.live, w.language);
      },
      (err: unknown) => {
        if (generation === this.#generation) this.#loading = false;
        console.warn('[phaser-voice-agents] browser speech recognition could not load', err);
      },
    );
  }

  dispose(): void {
    this.#generation++;
    this.#loading = false;
    this.#wanted = null;
    this.#off?.();
    this.#off = null;
    this.#asr?.dispose();
    this.#asr = null;
  }
}
