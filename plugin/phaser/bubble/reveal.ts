// Pure reveal schedule for one agent turn: how many characters of the bubble text are visible at a
// given playback position. Driven by per-character `alignment` when the server sends it, otherwise
// spread over the audio received so far; text-only turns reveal at reading speed.

interface Alignment {
  chars: readonly string[];
  char_start_times_ms: readonly number[];
  char_durations_ms?: readonly number[];
}

interface RevealOptions {
  /** Characters per second for text-only turns. */
  readingCps?: number;
}

/** About 14 characters per second: ordinary speech. */
const SPOKEN_MS_PER_CHAR = 70;

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r';

export class TurnReveal {
  /** The cleaned text (tags removed) the bubble shows. */
  #text = '';
  /** Absolute start (ms from the start of the turn's audio) and end index in `text` of each aligned character. */
  readonly #alignStart: number[] = [];
  readonly #alignEnd: number[] = [];
  /** Alignment characters not yet matched against the text (alignment can arrive before agent_response). */
  readonly #pendingChars: string[] = [];
  readonly #pendingStarts: number[] = [];
  #matchPos = 0;
  #inTag = false;
  #audioMs = 0;
  #maxShown = 0;
  #corrected = false;
  #ended = false;
  readonly readingCps: number;

  constructor(opts: RevealOptions = {}) {
    this.readingCps = opts.readingCps ?? 30;
  }

  /** The cleaned text this turn shows. */
  get currentText(): string {
    return this.#text;
  }

  get length(): number {
    return this.#text.length;
  }

  get hasAudio(): boolean {
    return this.#audioMs > 0;
  }

  /** Set (or replace) the cleaned text of this turn; pending alignment is matched against it. */
  setText(text: string): void {
    this.#text = text;
    this.#matchPos = 0;
    this.#alignStart.length = 0;
    this.#alignEnd.length = 0;
    this.#inTag = false;
    for (let i = 0; i < this.#pendingChars.length; i++)
      this.#match(this.#pendingChars[i]!, this.#pendingStarts[i]!);
  }

  /**
   * One audio chunk of this turn, in order. `alignment` times are taken relative to the chunk's
   * start (the ElevenLabs convention); the chunk's own start is the audio received before it.
   */
  addAudio(durationMs: number, alignment?: Alignment | null): void {
    if (alignment) {
      const n = Math.min(alignment.chars.length, alignment.char_start_times_ms.length);
      for (let i = 0; i < n; i++) {
        const at = this.#audioMs + alignment.char_start_times_ms[i]!;
        const c = alignment.chars[i]!;
        this.#pendingChars.push(c);
        this.#pendingStarts.push(at);
        this.#match(c, at);
      }
    }
    this.#audioMs += Math.max(0, durationMs);
  }

  /** Match one alignment character to the next occurrence in the text (tags and spaces are skipped). */
  #match(c: string, at: number): void {
    if (c === '[') this.#inTag = true;
    if (this.#inTag) {
      if (c === ']') this.#inTag = false;
      return;
    }
    if (isSpace(c) || !this.#text) return;
    const lc = c.toLowerCase();
    // Look a little ahead: alignment may normalise punctuation or numbers differently from the text.
    const limit = Math.min(this.#text.length, this.#matchPos + 12);
    for (let k = this.#matchPos; k < limit; k++) {
      if (this.#text[k]!.toLowerCase() === lc) {
        this.#matchPos = k + 1;
        this.#alignStart.push(at);
        this.#alignEnd.push(this.#matchPos);
        return;
      }
    }
  }

  /** After a barge-in or skip: only what was heard. The corrected text is shown in full. */
  correct(text: string): void {
    this.#corrected = true;
    this.#text = text;
    this.#maxShown = text.length;
  }

  /** The turn's audio finished playing (or was cut): reveal whatever is left. */
  end(): void {
    this.#ended = true;
  }

  /**
   * Visible characters at `positionMs` of the turn's audio. For a text-only turn pass the time
   * since the bubble appeared. Never goes backwards.
   */
  visibleAt(positionMs: number): number {
    const len = this.#text.length;
    if (this.#corrected || this.#ended) return (this.#maxShown = len);
    const n = this.countAt(positionMs);
    if (n > this.#maxShown) this.#maxShown = n;
    return Math.min(this.#maxShown, len);
  }

  /** Characters spoken by `positionMs`, ignoring end and correction (what a skip at that moment leaves). */
  countAt(positionMs: number): number {
    const len = this.#text.length;
    let n: number;
    if (this.#alignStart.length > 0) {
      // Binary search: last aligned character whose start has been reached.
      let lo = 0,
        hi = this.#alignStart.length - 1,
        found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.#alignStart[mid]! <= positionMs) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      n = found >= 0 ? this.#alignEnd[found]! : 0;
      // Trailing punctuation the alignment skipped appears with the last word. Only punctuation: a
      // voice that has caught up with the audio received so far is starved, not finished.
      if (
        found === this.#alignStart.length - 1 &&
        positionMs >= this.#audioMs &&
        !/[\p{L}\p{N}]/u.test(this.#text.slice(n))
      )
        n = len;
    } else if (this.#audioMs > 0) {
      // Audio may still be streaming in: spread over what arrived, but never faster than a typical
      // speaking rate, or the whole text would flash up with the first chunk.
      const total = Math.max(this.#audioMs, len * SPOKEN_MS_PER_CHAR);
      n = Math.floor((len * Math.min(positionMs, total)) / total);
    } else {
      n = Math.floor((positionMs * this.readingCps) / 1000);
    }
    return Math.max(0, Math.min(n, len));
  }

  /** How long a fully shown text-only bubble stays before fading: time to read it. */
  static holdMs(chars: number): number {
    return Math.min(8000, 1500 + chars * 45);
  }
}
