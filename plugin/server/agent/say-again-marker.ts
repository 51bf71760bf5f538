/**
 * The marker a language model answers when the player's spoken words make no sense (the offline
 * recognizer's junk), taken out of its streamed answer. Models do not write it exactly as asked:
 * small local ones add words before it ("Hmm. [[SAY_AGAIN]]"), quote it, change its case or
 * brackets, or put it after a real answer. None of that may reach the player's ears or bubble.
 *
 * - Before anything is let through, up to `holdLead` letters are held: a marker among them means
 *   the model did not understand (`unclear`), and nothing of the answer is spoken.
 * - After that, a marker anywhere is dropped, and the answer stands.
 * - Text that may be the start of a marker still arriving is held back until it is clear.
 */
export const SAY_AGAIN_MARKER = '[[SAY_AGAIN]]';

const QUOTE = '[`"\'\u201c\u201d\u2018\u2019]*';
const SAY_AGAIN = 'say[\\s_-]*again';
// Double brackets close with two: a marker whose last "]" has not arrived yet is held, not cut.
const MARKER = new RegExp(
  `${QUOTE}(?:\\[\\[\\s*${SAY_AGAIN}\\s*\\]\\]|(?<!\\[)\\[\\s*${SAY_AGAIN}\\s*\\]\\]?)${QUOTE}`,
  'giu',
);
/** The unfinished start of a marker at the end of the text ("[[SAY_AG", "`[", "[[say "). */
const UNFINISHED = new RegExp(
  `${QUOTE}\\[{1,2}\\s*(?:s(?:a(?:y(?:[\\s_-]*(?:a(?:g(?:a(?:i(?:n\\s*\\]?)?)?)?)?)?)?)?)?)?$`,
  'iu',
);
const WORD_CHAR = /[\p{L}\p{N}]/gu;

export class MarkerFilter {
  #pending = '';
  #released: boolean;
  readonly #lead: number;
  /** The marker came before any words were let through: the model did not understand. */
  unclear = false;

  constructor(opts: { holdLead?: number } = {}) {
    this.#lead = opts.holdLead ?? 0;
    this.#released = this.#lead <= 0;
  }

  /** The part of the answer so far that may be spoken now ('' while held). */
  push(delta: string): string {
    this.#pending += delta;
    return this.#take(false);
  }

  /** The answer ended: the rest of it. A marker cut off at the very end is dropped. */
  end(): string {
    return this.#take(true);
  }

  #take(end: boolean): string {
    if (this.unclear) return '';
    let marker = false;
    let text = this.#pending.replace(MARKER, () => {
      marker = true;
      return '';
    });
    let tail = '';
    const m = UNFINISHED.exec(text);
    if (m) {
      tail = text.slice(m.index);
      text = text.slice(0, m.index);
    }
    if (!this.#released) {
      if (marker) {
        this.unclear = true;
        this.#pending = '';
        return '';
      }
      if (!end && (text.match(WORD_CHAR)?.length ?? 0) < this.#lead) {
        this.#pending = text + tail;
        return '';
      }
      this.#released = true;
    }
    if (end) {
      // A lone "[" closing an answer was the answer's; "[[" or "[s…" was a marker cut short.
      if (tail.replace(new RegExp(QUOTE, 'gu'), '').length < 2) text += tail;
      tail = '';
    }
    this.#pending = tail;
    return text;
  }
}
