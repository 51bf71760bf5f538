/**
 * Meanings shared by every NPC: groups of words and phrases that stand for one thing, so a reply
 * written for "lantern" hears "lamp" and one written for "price" hears "what does it set me back".
 * An NPC file adds its own groups (`local.synonyms`); a word there that is already in a shared group
 * joins that group. Groups are kept narrow on purpose: a wrong merge makes an NPC answer the wrong
 * question, a missing one only costs a fallback the designer can fix in the file.
 */
import { stem, words } from './words.js';

// One group per line, members separated by commas; the first member names the meaning.
export const SHARED_SYNONYMS: readonly (readonly string[])[] = [
  'yes, yeah, yep, yup, sure, aye, of course, certainly, absolutely, okay, alright, indeed, go on, please do, i do, 是的, 对, 好的, 嗯, 当然, 好啊',
  'no, nope, nah, not really, no thanks, not now, never mind, 不要, 不是, 不用, 没有',
  'hello, hi, hey, greetings, good morning, good day, good evening, howdy, 你好, 您好, 嗨',
  'bye, goodbye, farewell, see you, see you later, so long, cheerio, take care, 再见, 拜拜',
  'thanks, thank you, cheers, much obliged, 谢谢, 多谢',
  'price, cost, how much, set me back, charge, expensive, cheap, pay, worth',
  'buy, purchase, get, i will take, i will have, grab, pick up',
  'browse, take a look, have a look, see your wares',
  'wares, goods, stuff, items, merchandise, stock',
  'refund, money back, my money back, reimburse, compensation',
  // No member ends in a word an NPC may key on ("what should i do next" would swallow Pip's "next").
  'what next, what now, what should i do, what do i do, where do i go',
  'lantern, lamp, torch, 灯笼, 提灯',
  'potion, elixir, tonic, remedy, medicine',
  'password, passphrase, pass word, secret word, watchword, the word, magic word, 口令, 暗号, 密码',
  'pass, get past, get through, go through, let me through, let me pass, let me in, let me by',
  'remind, reminder, ping, nudge, alert, remember to',
  'list, schedule, agenda, to do, todo, rundown, plan, task, chore',
  'appointment, meeting, slot, booking',
  'guild master, guildmaster, head of the guild, guild leader',
  'quest, mission, adventure, errand',
  'woods, forest, wood, trees',
  'help, assist, assistance, aid',
  'gate, door, gateway, entrance',
].map((line) => line.split(', '));

export interface Lexicon {
  /** Phrases (as stems) by their first stem, longest first, with the meaning they stand for. */
  readonly phrases: ReadonlyMap<string, readonly { stems: readonly string[]; meaning: string }[]>;
  /** Each meaning's one-word spellings (stems), for loose matching of typing slips. */
  readonly forms: ReadonlyMap<string, readonly string[]>;
  /** Each meaning's members as written (for a speech recognizer's vocabulary). */
  readonly written: ReadonlyMap<string, readonly string[]>;
}

const key = (phrase: string): string[] => words(phrase).map(stem);

/** Joins groups that share a member; a group's meaning is its first member's. */
export function buildLexicon(...sets: readonly (readonly (readonly string[])[])[]): Lexicon {
  const meaningOf = new Map<string, string>();
  const members = new Map<string, Set<string>>();
  const writtenAs = new Map<string, string>();
  for (const groups of sets)
    for (const group of groups) {
      const keys = group.map((p) => key(p).join(' ')).filter(Boolean);
      group.forEach((p) => {
        const k = key(p).join(' ');
        if (k && !writtenAs.has(k)) writtenAs.set(k, p);
      });
      // A group that touches an existing meaning joins it (the first one it touches).
      const meaning = keys.map((k) => meaningOf.get(k)).find((m) => m !== undefined) ?? keys[0];
      if (meaning === undefined) continue;
      const set = members.get(meaning) ?? new Set<string>([meaning]);
      members.set(meaning, set);
      meaningOf.set(meaning, meaning);
      for (const k of keys) {
        const old = meaningOf.get(k);
        // A member of another meaning moves over with all of that meaning's members.
        if (old !== undefined && old !== meaning) {
          for (const m of members.get(old) ?? []) {
            meaningOf.set(m, meaning);
            set.add(m);
          }
          members.delete(old);
        }
        meaningOf.set(k, meaning);
        set.add(k);
      }
    }
  const phrases = new Map<string, { stems: string[]; meaning: string }[]>();
  const forms = new Map<string, string[]>();
  for (const [k, meaning] of meaningOf) {
    const stems = k.split(' ');
    const list = phrases.get(stems[0]!) ?? [];
    list.push({ stems, meaning });
    phrases.set(stems[0]!, list);
    if (stems.length === 1) forms.set(meaning, [...(forms.get(meaning) ?? []), k]);
  }
  for (const list of phrases.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  const written = new Map<string, string[]>();
  for (const [k, meaning] of meaningOf)
    written.set(meaning, [...(written.get(meaning) ?? []), writtenAs.get(k) ?? k]);
  return { phrases, forms, written };
}

/**
 * `phrases` and every other way to say what they mean (their synonym groups), as written: what a
 * speech recognizer limited to an NPC's vocabulary must be able to hear.
 */
export function sayings(phrases: readonly string[], lexicon: Lexicon): string[] {
  const out = new Set(phrases);
  for (const p of phrases) {
    const k = key(p).join(' ');
    for (const list of lexicon.phrases.get(k.split(' ')[0]!) ?? [])
      if (list.stems.join(' ') === k) for (const w of lexicon.written.get(list.meaning) ?? []) out.add(w);
  }
  return [...out];
}
