/**
 * Pronunciations for a word the dictionary lacks but that is two words it has: "moonwell" is moon +
 * well, "passphrase" pass + phrase. Game words often are (and so are some invented names: Morwen is
 * mor + wen). Without one, every NPC phrase holding the word is left out of its language model, and
 * the recognizer can never hear the player say it.
 *
 * Both parts have at least three letters (two-letter parts match far too much). Every split that
 * works is an alternative pronunciation (`word(2)` lines), up to MAX_SPLITS: "dragonstone" is
 * dragon + stone, and also dragons + tone; the decoder takes whichever fits the audio.
 */
const MIN_PART = 3;
const MAX_SPLITS = 3;
/** Longer "words" are not split (a client's keyword could be anything). */
const MAX_WORD = 32;

export function compoundLine(word: string, lookup: (w: string) => string | undefined): string | undefined {
  if (word.length > MAX_WORD) return undefined;
  const lines: string[] = [];
  for (let i = word.length - MIN_PART; i >= MIN_PART && lines.length < MAX_SPLITS; i--) {
    const head = lookup(word.slice(0, i));
    const tail = head && lookup(word.slice(i));
    if (head && tail) {
      const name = lines.length ? `${word}(${lines.length + 1})` : word;
      lines.push(`${name} ${phones(head)} ${phones(tail)}`);
    }
  }
  return lines.length ? lines.join('\n') : undefined;
}

/** The phones of a word's first pronunciation, from its dictionary lines ("moon M UW N"). */
function phones(lines: string): string {
  const first = lines.split('\n', 1)[0]!;
  return first.slice(first.indexOf(' ') + 1).trim();
}
