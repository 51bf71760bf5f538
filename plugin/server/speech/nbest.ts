/**
 * The n-best file `pocketsphinx_batch -nbest N -nbestdir DIR -nbestext .nbest` writes per utterance:
 * one reading per line, best first, as `words score` ("what i will have a remedy -33678"). The
 * decoder is a separate program whose output this process does not control, so a line that does not
 * end in a score, or a file cut short, yields fewer readings, never an error: the top hypothesis is
 * always there to fall back on.
 */

/** Tokens that are not words: sentence marks, silence and noise fillers. */
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;
/** An alternative pronunciation's dictionary entry (`read(2)`) is the same word. */
const VARIANT = /\(\d+\)$/;
/** Lines read at most: a file is small (20 readings), but it is not ours. */
const MAX_LINES = 100;

/** The readings of an n-best file, best first, as plain lower-case words ('' for a reading of silence). */
export function parseNbest(content: string): string[] {
  const out: string[] = [];
  for (const line of content.split('\n', MAX_LINES)) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    // Some builds add word segments after the score: the words are everything before the first integer.
    const at = tokens.findIndex((t) => /^-?\d+$/.test(t));
    if (at < 0) continue; // not a reading (or the last line, cut short while being written)
    const words = tokens
      .slice(0, at)
      .filter((w) => !FILLER.test(w))
      .map((w) => w.replace(VARIANT, '').toLowerCase());
    out.push(words.join(' '));
  }
  return out;
}
