/**
 * A pronunciation for a word the dictionary lacks but that is two words it has: "moonwell" is moon +
 * well, "passphrase" pass + phrase. Game words often are. Without one, every NPC phrase holding the
 * word is left out of its language model, and the recognizer can never hear the player say it.
 * Both parts have at least three letters; the longest first part that works wins.
 */
const MIN_PART = 3;

export function compoundLine(word: string, lookup: (w: string) => string | undefined): string | undefined {
  for (let i = word.length - MIN_PART; i >= MIN_PART; i--) {
    const head = lookup(word.slice(0, i));
    const tail = head && lookup(word.slice(i));
    if (head && tail) return `${word} ${phones(head)} ${phones(tail)}`;
  }
  return undefined;
}

/** The phones of a word's first pronunciation, from its dictionary lines ("moon M UW N"). */
function phones(lines: string): string {
  const first = lines.split('\n', 1)[0]!;
  return first.slice(first.indexOf(' ') + 1).trim();
}
