/**
 * Words as the local brain compares them: lower case, accents off, contractions and chat spellings
 * written out ("I'll" → "i will", "gimme" → "give me"), and a light stemmer applied the same way to
 * the player's words and to the NPC file's phrases, so "buying" meets "buy" and "potions" meets
 * "potion". Consistency matters more than linguistics here: both sides go through the same code.
 */

/** Spellings a player types or a recognizer writes, spelled out before anything else. */
const SPELLED: Readonly<Record<string, string>> = {
  gimme: 'give me',
  lemme: 'let me',
  wanna: 'want to',
  gonna: 'going to',
  gotta: 'got to',
  dunno: 'do not know',
  kinda: 'kind of',
  ya: 'you',
  u: 'you',
  ur: 'your',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  ty: 'thank you',
  ok: 'okay',
  cannot: 'can not',
  "can't": 'can not',
  "won't": 'will not',
  "shan't": 'shall not',
  "ain't": 'is not',
  "let's": 'let us',
};

/** Apostrophe endings written out: "she'll" → "she will", "isn't" → "is not". */
const ENDINGS: readonly [RegExp, string][] = [
  [/^(\w+)n't$/, '$1 not'],
  [/^(\w+)'ll$/, '$1 will'],
  [/^(\w+)'re$/, '$1 are'],
  [/^(\w+)'ve$/, '$1 have'],
  [/^(\w+)'d$/, '$1 would'],
  [/^(\w+)'m$/, '$1 am'],
  // "what's", "it's", "there's" are "is"; "mira's" is a possessive: both lose the 's here, and
  // "is" is a filler word for matching anyway.
  [/^(\w+)'s$/, '$1'],
  [/^(\w+)s'$/, '$1s'],
];

/** Words that carry little meaning alone: they count for less, and are never matched loosely. */
export const FILLER = new Set(
  (
    'a an the i me my mine you your we us our he she it they them his her its their to of in on at for ' +
    'with from by about is am are was were be been do does did have has had will would can could should ' +
    'shall may might must this that these those and or but so then than what which who how when where ' +
    'why some any just only very really there here please well um uh er erm oh hmm like yet too also ' +
    'not no if up out one ' +
    // Chinese particles and pronouns: written without spaces, so each character is a word here.
    '的 了 吧 啊 呀 呢 吗 我 你 您 他 她 它 们 这 那 个 一 在 就 也 都'
  ).split(' '),
);

/** Chinese (and Japanese, Korean) characters: a word of their own, since the text has no spaces. */
const CJK_CHAR = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/u;

/** A written word split so that each CJK character stands alone; other runs stay whole. */
function splitCjk(w: string): string[] {
  if (!CJK_CHAR.test(w)) return [w];
  const out: string[] = [];
  let run = '';
  for (const ch of w) {
    if (CJK_CHAR.test(ch)) {
      if (run) out.push(run);
      run = '';
      out.push(ch);
    } else run += ch;
  }
  if (run) out.push(run);
  return out;
}

/**
 * The player's text as clauses of words (commas, full stops and the like end a clause, which keeps
 * a "not" from reaching across them). Every word is lower case, accent-free and written out.
 */
export function clauses(text: string): string[][] {
  const clean = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`]/g, "'");
  const out: string[][] = [];
  for (const part of clean.split(/[,.;:!?()\n\u2014，。；：！？（）、「」『』…]+|\s-\s/)) {
    const words: string[] = [];
    for (const raw of part.split(/[^\p{L}\p{N}']+/u)) {
      const w = raw.replace(/^'+|'+$/g, '');
      if (w) for (const piece of splitCjk(w)) words.push(...spellOut(piece));
    }
    if (words.length) out.push(words);
  }
  return out;
}

/** All the words of `text`, in order, ignoring clause boundaries. */
export function words(text: string): string[] {
  return clauses(text).flat();
}

function spellOut(w: string): string[] {
  const spelled = SPELLED[w];
  if (spelled) return spelled.split(' ');
  for (const [re, to] of ENDINGS) {
    if (re.test(w)) return w.replace(re, to).replace(/'/g, '').split(' ');
  }
  return [w.replace(/'/g, '')];
}

/** Drops one of a doubled final consonant ("shopp" → "shop"), but not l, s or z ("sell", "pass"). */
function undouble(s: string): string {
  const n = s.length;
  return n > 2 && s[n - 1] === s[n - 2] && !'aeioulsz'.includes(s[n - 1]!) ? s.slice(0, -1) : s;
}

/**
 * A light suffix stripper: plurals, -ing, -ed, -ly and a final e. "potions" → "potion",
 * "buying" → "buy", "shopping" → "shop", "booked" → "book", "prices" and "price" → "pric".
 */
export function stem(w: string): string {
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.length > 4 && s.endsWith('ies')) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (/(?:ches|shes|xes|zes)$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !/(?:ss|us|is)$/.test(s)) s = s.slice(0, -1);
  if (s.length > 5 && s.endsWith('ing')) s = undouble(s.slice(0, -3));
  else if (s.length > 4 && s.endsWith('ed')) s = undouble(s.slice(0, -2));
  else if (s.length > 5 && s.endsWith('ly')) s = s.slice(0, -2);
  if (s.length > 4 && s.endsWith('e')) s = s.slice(0, -1);
  return s;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions and swaps of neighbours),
 * giving up above `max` (returns max + 1).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * A typing slip of `target`: same first letter (slips rarely hit it, and "sell" must not meet
 * "tell"), one edit from five letters on (or a swap at four: "taks"), two from eight letters on.
 * Filler words never match loosely.
 */
export function isSlipOf(typed: string, target: string): boolean {
  if (typed === target) return true;
  if (typed[0] !== target[0] || FILLER.has(typed) || FILLER.has(target)) return false;
  const len = Math.min(typed.length, target.length);
  if (len < 4) return false;
  if (len === 4)
    return (
      typed.length === 4 &&
      target.length === 4 &&
      editDistance(typed, target, 1) === 1 &&
      [...typed].sort().join('') === [...target].sort().join('')
    );
  return editDistance(typed, target, len >= 8 ? 2 : 1) <= (len >= 8 ? 2 : 1);
}
