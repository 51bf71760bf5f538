/**
 * Which of an NPC's scripted replies answers what the player said, and whether its tool may run.
 *
 * - Meaning, not spelling: both sides go through the same words, stems and synonym groups
 *   (./words.ts, ./lexicon.ts); a phrase's words must come in order, with at most one other word
 *   between two of them ("show me what you've got" hears "show me"); typing slips count a little less.
 * - The most specific reply wins: the score is the weight of the matched words (a filler word
 *   counts half), plus a little for every further phrase of the same reply that matched.
 * - Tools answer requests: a question about a thing ("what do you sell?", "remind me what my tasks
 *   are") never runs a tool, nor does a negated request ("I'm not buying yet"). A request ("I'll
 *   take a lantern") prefers the reply with a tool.
 * - Replies with `after` apply only right after the NPC said that reply (or its greeting), and win
 *   there: a "yes" answers the NPC's own question. Replies with `if` apply only while their facts
 *   hold; among equals the earlier reply wins, so a file lists its conditional variants first.
 */
import { buildLexicon, SHARED_SYNONYMS, type Lexicon } from './lexicon.js';
import { clauses, editDistance, FILLER, isSlipOf, stem } from './words.js';
import { holds, parseCondition, type Condition } from '../../../npc/conditions.js';

/** The parts of an NPC file's reply this module reads. */
export interface ReplyRule {
  when: readonly string[];
  tool?: { readonly expects_response?: boolean } | null;
  /** Only right after one of these replies (by id) or `greeting` was said. */
  after?: readonly string[];
  /** Only while these conditions on facts hold (`has_lantern`, `!gate_open`, `quest=aldric`). */
  if?: readonly string[];
}

type SpeechAct = 'question' | 'request' | 'statement';

interface Understanding<R> {
  reply: R | undefined;
  act: SpeechAct;
  /** The chosen reply's tool may run (false for a question, or when the player said not to). */
  toolAllowed: boolean;
  /** How much of what was said the reply explains (0 when none matched). */
  score: number;
  /** The words of the chosen reply's phrases that were said (a filler counts half). */
  evidence: number;
  /** How many words were said. */
  words: number;
  /** The player only said yes or no (and filler words). */
  answer?: 'yes' | 'no';
}

/** A word of what was said (or of a reply's phrase) after synonyms were applied. */
interface Token {
  meaning: string;
  /** Its own stem(s), for typing slips. */
  raw: string;
  /** The word as written (a slip like "taks" must not be stemmed into something else first). */
  word: string;
  filler: boolean;
  negated: boolean;
}

const NEGATORS = new Set(['not', 'no', 'never', 'nor', 'without', '不', '没', '别']);
/** Chinese: what makes a request, and what makes a question (characters in sequence). */
const ZH_REQUEST = ['请', '我要', '我想', '给我', '帮我', '能不能', '可以', '来一'].map((p) => [...p]);
const ZH_QUESTION = ['吗', '呢', '什么', '怎么', '哪', '谁', '多少', '几', '为什么'].map((p) => [...p]);
const HAN = /[\u4e00-\u9fff]/;
const QUESTION_WORDS = new Set(['what', 'which', 'how', 'where', 'who', 'whom', 'whose', 'when', 'why']);
const AUXILIARIES = new Set(
  'do does did is are was were am have has had can could will would may might shall should'.split(' '),
);
const OPENERS = new Set(
  'well so um uh er erm oh hey hmm okay alright right now listen look excuse'.split(' '),
);
const REQUEST_VERBS = new Set(
  'show give open sell let take book set remind ping tell add put hand bring get schedule note make lend send unlock buy'.split(
    ' ',
  ),
);
const REQUEST_PHRASES = [
  'i want',
  'i would like',
  'i would love',
  'i will take',
  'i will have',
  'i will buy',
  'i need',
  'i wish',
  'can i',
  'could i',
  'may i',
  'can you',
  'could you',
  'would you',
  'will you',
  'let me',
  'give me',
  'show me',
  'please',
  'i am here to',
].map((p) => p.split(' '));

function containsSeq(words: readonly string[], seq: readonly string[]): boolean {
  outer: for (let i = 0; i + seq.length <= words.length; i++) {
    for (let k = 0; k < seq.length; k++) if (words[i + k] !== seq[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * `w` is one of `targets` or a slip of one at least `slipFrom` letters long (question words and
 * verbs are short, so this is checked by hand; short verbs get no slips: "nope" is not "note").
 */
function isWord(w: string, targets: ReadonlySet<string>, slipFrom = 5): boolean {
  if (targets.has(w)) return true;
  if (w.length < slipFrom - 1) return false;
  for (const t of targets)
    if (t.length >= slipFrom && t[0] === w[0] && editDistance(w, t, 1) <= 1 && w.length >= t.length - 1)
      return true;
  return false;
}

/** Verbs that ask for words, not deeds: "tell me what…", "remind me where…" is a question. */
const INFO_VERBS = new Set(['tell', 'remind', 'explain']);

/**
 * Question, request or statement, from the opening words of the first clause that says something,
 * and request phrases anywhere. A question mark alone does not make a question: "Silver moon?" is
 * still the password.
 */
export function speechAct(parts: readonly (readonly string[])[]): SpeechAct {
  const all = parts.flat();
  if (all.some((w) => HAN.test(w))) {
    if (ZH_REQUEST.some((p) => containsSeq(all, p))) return 'request';
    return ZH_QUESTION.some((p) => containsSeq(all, p)) ? 'question' : 'statement';
  }
  const first = parts.find((c) => c.some((w) => !OPENERS.has(w))) ?? [];
  let i = 0;
  while (i < first.length - 1 && OPENERS.has(first[i]!)) i++;
  const w0 = first[i];
  if (w0 === undefined) return 'statement';
  if (isWord(w0, INFO_VERBS) && first[i + 1] === 'me' && isWord(first[i + 2] ?? '', QUESTION_WORDS, 4))
    return 'question';
  if (isWord(w0, REQUEST_VERBS)) return 'request';
  if (REQUEST_PHRASES.some((p) => containsSeq(all, p))) return 'request';
  if (isWord(w0, QUESTION_WORDS, 4)) return 'question';
  if (AUXILIARIES.has(w0) && first.length > i + 1) return 'question';
  return 'statement';
}

/** Words → tokens: the longest synonym phrase at each position becomes one token of its meaning. */
function tokenize(parts: readonly (readonly string[])[], lexicon: Lexicon): Token[] {
  const out: Token[] = [];
  for (const clause of parts) {
    const stems = clause.map(stem);
    let lastNegator = -10;
    for (let i = 0; i < clause.length;) {
      if (NEGATORS.has(clause[i]!)) lastNegator = i;
      const candidates = lexicon.phrases.get(stems[i]!) ?? [];
      const hit = candidates.find((c) => c.stems.every((s, k) => stems[i + k] === s));
      const span = hit ? hit.stems.length : 1;
      const raw = stems.slice(i, i + span).join(' ');
      out.push({
        meaning: hit ? hit.meaning : raw,
        raw,
        word: clause.slice(i, i + span).join(' '),
        filler: span === 1 && FILLER.has(clause[i]!) && !hit,
        // "not buying", "no potions", "I don't need a lantern": a negator up to three words before.
        negated: i - lastNegator <= 3 && i !== lastNegator,
      });
      i += span;
    }
  }
  return out;
}

function sameWord(said: Token, want: Token, lexicon: Lexicon): number {
  if (said.meaning === want.meaning) return 1;
  if (said.filler || want.filler || said.raw.includes(' ')) return 0;
  if (isSlipOf(said.raw, want.raw) || isSlipOf(said.word, want.word)) return 0.85;
  for (const form of lexicon.forms.get(want.meaning) ?? [])
    if (isSlipOf(said.raw, form) || isSlipOf(said.word, form)) return 0.85;
  return 0;
}

/** Best placement of `phrase` in `said`: its score (0 = absent) and whether a negator governs it. */
function matchPhrase(
  said: readonly Token[],
  phrase: readonly Token[],
  lexicon: Lexicon,
): { score: number; negated: boolean } {
  let best = { score: 0, negated: false };
  for (let start = 0; start < said.length; start++) {
    let at = start;
    let score = 0;
    let negated = false;
    let ok = true;
    for (let k = 0; k < phrase.length; k++) {
      // The first word is found where this start says; later ones may skip one word.
      let found = -1;
      let w = 0;
      for (let j = at; j < said.length && j <= at + (k === 0 ? 0 : 1); j++) {
        w = sameWord(said[j]!, phrase[k]!, lexicon);
        if (w > 0) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        ok = false;
        break;
      }
      if (k === 0) negated = said[found]!.negated;
      score += w * (phrase[k]!.filler ? 0.5 : 1);
      at = found + 1;
    }
    if (ok && score > best.score) best = { score, negated };
  }
  return best;
}

interface CompiledReply<R> {
  reply: R;
  phrases: Token[][];
  hasTool: boolean;
  /** Its tool answers a question (the reply waits for the result) rather than acting. */
  looksUp: boolean;
  conditions: Condition[];
}

const MIN_SCORE = 0.5;
/** The shared groups alone, built on first use (most NPC files add none of their own). */
let sharedLexicon: Lexicon | undefined;

/** The shared synonym groups plus an NPC file's own (`word: [other words]`). */
export function lexiconFor(synonyms: Readonly<Record<string, readonly string[]>> = {}): Lexicon {
  const own = Object.entries(synonyms).map(([k, v]) => [k, ...v]);
  return own.length ? buildLexicon(SHARED_SYNONYMS, own) : (sharedLexicon ??= buildLexicon(SHARED_SYNONYMS));
}

export class ReplyMatcher<R extends ReplyRule> {
  readonly #replies: CompiledReply<R>[];
  readonly #lexicon: Lexicon;

  /** `synonyms`: the NPC file's own groups (`word: [other words]`), added to the shared ones. */
  constructor(replies: readonly R[], synonyms: Readonly<Record<string, readonly string[]>> = {}) {
    this.#lexicon = lexiconFor(synonyms);
    this.#replies = replies.map((reply) => {
      // Phrases that mean the same ("price", "prices", "cost") are one piece of evidence, not three.
      const byMeaning = new Map<string, Token[]>();
      for (const p of reply.when) {
        const tokens = tokenize(clauses(p), this.#lexicon);
        if (tokens.length) byMeaning.set(tokens.map((t) => t.meaning).join('|'), tokens);
      }
      return {
        reply,
        phrases: [...byMeaning.values()],
        hasTool: reply.tool !== undefined && reply.tool !== null,
        looksUp: reply.tool?.expects_response === true,
        // The compiler refused malformed conditions; one that still slips through never holds.
        conditions: (reply.if ?? []).map((t) => parseCondition(t) ?? { fact: '\0', test: 'holds' as const }),
      };
    });
  }

  /**
   * `after`: the id of the reply the NPC said last (`greeting` after its first message), if any.
   * `fact`: a fact's value now (the game's and what the NPC remembers), for replies with `if`.
   */
  understand(
    text: string,
    after?: string,
    fact: (name: string) => string | undefined = () => undefined,
  ): Understanding<R> {
    const parts = clauses(text);
    const act = speechAct(parts);
    const said = tokenize(parts, this.#lexicon);
    const content = said.filter((t) => !t.filler);
    const answer =
      content.length > 0 && content.every((t) => t.meaning === 'yes')
        ? 'yes'
        : content.length > 0 && content.every((t) => t.meaning === 'no')
          ? 'no'
          : undefined;
    let best: { c: CompiledReply<R>; score: number; negated: boolean; evidence: number } | undefined;
    for (const c of this.#replies) {
      const following = c.reply.after;
      if (following?.length && (after === undefined || !following.includes(after))) continue;
      if (!c.conditions.every((cond) => holds(cond, fact))) continue;
      let top = { score: 0, negated: false };
      let more = 0;
      let total = 0;
      for (const p of c.phrases) {
        const m = matchPhrase(said, p, this.#lexicon);
        if (m.score <= 0) continue;
        total += m.score;
        if (m.score > top.score) {
          if (top.score > 0) more++;
          top = m;
        } else more++;
      }
      if (top.score < MIN_SCORE) continue;
      // A tool that acts (opens a shop, gives an item) only for a request or statement, never one
      // the player negated; a question may still look something up (a tool whose result is awaited).
      if (c.hasTool && (top.negated || (act === 'question' && !c.looksUp))) continue;
      let score = top.score + 0.2 * Math.min(more, 2);
      if (c.hasTool && act === 'request') score += 0.5;
      if (following?.length) score += 1;
      if (!best || score > best.score) best = { c, score, negated: top.negated, evidence: total };
    }
    return {
      reply: best?.c.reply,
      act,
      toolAllowed: best !== undefined && best.c.hasTool,
      score: best?.score ?? 0,
      evidence: best?.evidence ?? 0,
      words: said.length,
      ...(answer ? { answer } : {}),
    };
  }
}
