/**
 * The browser's own speech recognition (Web Speech API: Chrome, Edge, Safari) as a source of the
 * player's words: far better than an offline recognizer limited to an NPC's phrases. Used only
 * with the local agent, which still gets the microphone audio for barge-in and falls back to its
 * own recognizer when no words come. Where the API is missing, `available` is false and nothing
 * else changes.
 */
import { Emitter } from '../common/emitter.js';

interface BrowserAsrEvents {
  /** A finished phrase: the player's words (and the recognizer's confidence 0..1, when it says). */
  final: (text: string, confidence: number | null) => void;
  /** The recognizer failed; `fatal`: it will not work in this page (denied, no service). */
  error: (code: string, fatal: boolean) => void;
}

/** The parts of the Web Speech API used here (the DOM lib does not type it everywhere). */
interface RecognitionLike {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  start(): void;
  stop(): void;
  abort(): void;
  onresult:
    | ((e: {
        resultIndex: number;
        results: ArrayLike<ArrayLike<{ transcript: string; confidence: number }> & { isFinal: boolean }>;
      }) => void)
    | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
}
type RecognitionCtor = new () => RecognitionLike;

function recognitionClass(): RecognitionCtor | null {
  const g = globalThis as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return g.SpeechRecognition ?? g.webkitSpeechRecognition ?? null;
}

/** NPC language codes (`en`, `zh`, `pt-br`) as recognizer locales. */
export function recognitionLocale(language: string | undefined): string {
  const l = (language || 'en').toLowerCase();
  const full: Record<string, string> = {
    en: 'en-US',
    zh: 'zh-CN',
    pt: 'pt-PT',
    es: 'es-ES',
    fr: 'fr-FR',
    de: 'de-DE',
    ja: 'ja-JP',
  };
  if (l.includes('-')) {
    const [a, b] = l.split('-');
    return `${a}-${b!.toUpperCase()}`;
  }
  return full[l] ?? l;
}

/** Errors after which recognition will not work in this page (no permission, no service reachable). */
const FATAL = new Set([
  'not-allowed',
  'service-not-allowed',
  'language-not-supported',
  'audio-capture',
  'network',
]);

export class BrowserAsr extends Emitter<BrowserAsrEvents> {
  #rec: RecognitionLike | null = null;
  #want = false;
  #broken = false;

  /** The browser has a speech recognizer, and it has not failed for good in this page. */
  get available(): boolean {
    return !this.#broken && recognitionClass() !== null;
  }

  /** Listen (continuously, restarting after the browser's own pauses) in `locale`. */
  start(locale: string): void {
    const Ctor = recognitionClass();
    if (!Ctor || this.#broken) return;
    this.#want = true;
    if (this.#rec && this.#rec.lang === locale) return;
    this.#rec?.abort();
    const rec = new Ctor();
    rec.lang = locale;
    rec.continuous = true;
    rec.interimResults = false;
    rec.onresult = (e) => {
      for (let i = e.resultIndex; i < e.results.length; i++) {
        const r = e.results[i]!;
        if (!r.isFinal) continue;
        const best = r[0];
        const text = best?.transcript.trim() ?? '';
        if (text)
          this.emit(
            'final',
            text,
            Number.isFinite(best?.confidence) && best!.confidence > 0 ? best!.confidence : null,
          );
      }
    };
    rec.onerror = (e) => {
      const fatal = FATAL.has(e.error);
      if (fatal) {
        this.#broken = true;
        this.#want = false;
      }
      this.emit('error', e.error, fatal);
    };
    // Browsers end recognition after a pause or a minute: start again while it is wanted.
    rec.onend = () => {
      if (this.#rec !== rec) return;
      if (this.#want && !this.#broken) {
        try {
          rec.start();
        } catch {
          this.#rec = null;
        }
      } else this.#rec = null;
    };
    this.#rec = rec;
    try {
      rec.start();
    } catch (err) {
      this.#rec = null;
      this.emit('error', String((err as Error)?.message ?? err), false);
    }
  }

  /** Stop listening; a phrase already spoken still arrives as `final`. */
  stop(): void {
    this.#want = false;
    this.#rec?.stop();
  }

  dispose(): void {
    this.#want = false;
    const rec = this.#rec;
    this.#rec = null;
    if (rec) {
      rec.onresult = rec.onerror = rec.onend = null;
      rec.abort();
    }
    this.removeAllListeners();
  }
}
