/**
 * The recognizer's language model for one NPC: a small bigram model (ARPA text, which
 * `pocketsphinx_batch -lm` reads) of how players talk to a villager, with the NPC's own phrases in
 * the slots.
 *
 * Why not a grammar any more: a JSGF grammar of the NPC's phrases plus a loop of garbage words
 * turned every paraphrase into a salad of small words ("and you to a a the to aye of please"),
 * since each garbage word was as likely as any other anywhere. The generic language model is worse
 * (70,000 words to confuse; 36 % of our intent set). Measured with the intent set's spoken lines
 * decoded offline (four eSpeak NG voices, noise): grammar 55.7 %, this model 58.0 %, word error rate
 * 1.00 → 0.60, for about 5 % more decoding CPU. A closed set of whole sentences is recognised far
 * better still (86 % when the set holds the very sentences said), which is why the frames below give
 * the model sentence shapes rather than a bag of words.
 *
 * The frames and the common words are generic (written for any villager, not from any test set);
 * the NPC file supplies the slot fillers (its replies' `when` phrases, their synonyms, `asr.keywords`).
 */
import type { RecognizerHints } from './recognizer.js';

/** How players address an NPC; `{x}` is one of its phrases (with or without a determiner). */
const FRAMES = `
{x}|{x} please|do you sell {x}|do you have {x}|do you have any {x}|have you got any {x}|got any {x}
how much is {x}|how much are {x}|how much for {x}|how much does {x} cost|what does {x} cost
what is the price of {x}|where is {x}|where are {x}|where can i find {x}|where can i get {x}
where do i find {x}|what is {x}|what are {x}|who is {x}|tell me about {x}|tell me more about {x}
what about {x}|what do you know about {x}|can you tell me about {x}|do you know {x}
do you know about {x}|have you heard of {x}|can i buy {x}|can i have {x}|can i get {x}
could i get {x}|could i have {x}|may i have {x}|i want {x}|i want to buy {x}|i want to see {x}
i would like {x}|i would like to buy {x}|i need {x}|i need to {x}|i am looking for {x}
i will take {x}|i will buy {x}|give me {x}|show me {x}|let me see {x}|i have {x}|i have got {x}
i brought {x}|i got {x}|i found {x}|here is {x}
what should i do|what do i do now|what now|where do i go|yes|yes please|no|no thanks|okay|sure
thank you|thanks|goodbye|bye|see you|hello|hi there|good morning|what is your name|how are you
who are you|where are you from|what do you do here|can you help me|i do not know`
  .split(/[|\n]/)
  .map((f) => f.trim())
  .filter(Boolean);

const DETERMINERS = ['', 'the', 'a', 'some', 'your', 'my', 'any'];

/**
 * Everyday words a player may say around the phrases, each given a small share of probability: what
 * an NPC does not know still comes out as plausible words (that match no reply) rather than forcing
 * the nearest phrase.
 */
const COMMON = `a about after again all also am an and any anything are around as ask at away back bad
be because been before being best better big bit but buy by call came can could come day did do
does done down each else enough even ever every far few find first for from get give go going good
got great had has have he hear heard help her here him his home how i if in into is it just keep
kind know last later leave left let like little long look lot made make many may maybe me mean more
most much must my need never new next nice no not nothing now of off oh okay old on one only or other
our out over own people place please put really right said same saw say see seen sell she should
show so some someone something soon sorry still sure take talk tell than thank thanks that the their
them then there these they thing things think this those though through time to today told too took
try two up us use very want was way we well went were what when where which while who why will with
without word work would yeah yes yet you your hello hi hey bye goodbye morning night evening sir
friend man woman money gold price cost cheap expensive road town village house door inside outside
north south east west where's what's it's i'm i'll you're don't can't that's madam coins`.split(/\s+/);

/** Share of each word's probability spread evenly over the whole vocabulary (the rest is learned). */
const FLAT_SHARE = 0.02;
/** Absolute discount of the bigram counts: the mass left for unseen word pairs. */
const DISCOUNT = 0.5;

export function normalizeWords(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** The sentences the model learns from: every frame with every phrase of the NPC. */
function trainingSentences(phrases: readonly string[][]): string[][] {
  const out: string[][] = [];
  for (const frame of FRAMES) {
    if (!frame.includes('{x}')) {
      out.push(frame.split(' '));
      continue;
    }
    for (const p of phrases)
      for (const d of DETERMINERS) out.push(normalizeWords(frame.replace('{x}', `${d} ${p.join(' ')}`)));
  }
  return out;
}

const log10 = (p: number): string => Math.log10(p).toFixed(4);

/**
 * A bigram ARPA model (and the words it holds): absolute discounting, backing off to unigrams that mix the learned counts with
 * a flat share over the vocabulary. Null when no phrase can be pronounced (words missing from the
 * pronunciation dictionary are left out, as the decoder refuses a model with unknown words).
 */
export function buildLanguageModel(
  hints: RecognizerHints,
  inDictionary: (word: string) => boolean,
): { arpa: string; words: string[] } | null {
  const phrases: string[][] = [];
  const seen = new Set<string>();
  for (const p of [...hints.phrases, ...hints.keywords]) {
    const words = normalizeWords(p);
    const key = words.join(' ');
    if (words.length && !seen.has(key) && words.every(inDictionary)) {
      seen.add(key);
      phrases.push(words);
    }
  }
  if (phrases.length === 0) return null;
  const sentences = trainingSentences(phrases).filter((s) => s.every(inDictionary));
  const vocab = new Set(COMMON.filter(inDictionary));
  const unigrams = new Map<string, number>();
  const bigrams = new Map<string, Map<string, number>>();
  let total = 0;
  for (const s of sentences) {
    const seq = ['<s>', ...s, '</s>'];
    for (let i = 1; i < seq.length; i++) {
      const w = seq[i]!;
      vocab.add(w);
      unigrams.set(w, (unigrams.get(w) ?? 0) + 1);
      total++;
      let next = bigrams.get(seq[i - 1]!);
      if (!next) bigrams.set(seq[i - 1]!, (next = new Map()));
      next.set(w, (next.get(w) ?? 0) + 1);
    }
  }
  const words = [...vocab];
  const p1 = new Map<string, number>();
  for (const w of words)
    p1.set(w, (1 - FLAT_SHARE) * ((unigrams.get(w) ?? 0) / total) + FLAT_SHARE / words.length);
  const bigramLines: string[] = [];
  const backoff = new Map<string, number>();
  for (const [h, next] of bigrams) {
    let count = 0;
    for (const c of next.values()) count += c;
    const left = (DISCOUNT * next.size) / count;
    let seenMass = 0;
    let seenUnigram = 0;
    for (const [w, c] of next) {
      const p = (c - DISCOUNT) / count + left * p1.get(w)!;
      bigramLines.push(`${log10(p)} ${h} ${w}`);
      seenMass += p;
      seenUnigram += p1.get(w)!;
    }
    // What the seen pairs leave, spread over the unigrams of the unseen ones.
    backoff.set(h, (1 - seenMass) / (1 - seenUnigram));
  }
  const bo = (w: string): string => (backoff.has(w) ? ` ${log10(backoff.get(w)!)}` : '');
  const arpa = [
    '\\data\\',
    `ngram 1=${words.length + 1}`,
    `ngram 2=${bigramLines.length}`,
    '',
    '\\1-grams:',
    `-99 <s>${bo('<s>')}`,
    ...words.map((w) => `${log10(p1.get(w)!)} ${w}${bo(w)}`),
    '',
    '\\2-grams:',
    ...bigramLines,
    '',
    '\\end\\',
    '',
  ].join('\n');
  return { arpa, words: words.filter((w) => w !== '</s>') };
}
