// Pure text handling for speech bubbles: expressive tags, normalisation, measure-agnostic word wrap.
// No Phaser import here, so it runs in Node unit tests.

export type TagMode = 'emote' | 'drop';

/** A tag that became an emote, placed at a character index of the cleaned text. */
export interface Emote {
  at: number;
  tag: string;
  glyph: string;
}

interface CleanText {
  /** Tags removed, whitespace collapsed, trimmed: what the bubble shows. */
  text: string;
  emotes: Emote[];
}

// ElevenLabs v3 audio tags seen in agent text. Unknown tags are dropped: a generic icon says nothing.
// Emoticons in plain ASCII, not emoji: a player's desktop without an emoji font would show boxes.
const EMOTES: Record<string, string> = {
  laughs: 'haha',
  laugh: 'haha',
  laughing: 'haha',
  chuckles: 'heh',
  giggles: 'hehe',
  'laughs harder': 'HAHA',
  whispers: 'psst',
  whispering: 'psst',
  sighs: 'sigh',
  sigh: 'sigh',
  exhales: 'phew',
  sad: ':(',
  crying: ":'(",
  sobs: ":'(",
  angry: '>:(',
  shouting: '!!',
  excited: ':D',
  happy: ':)',
  gasps: ':O',
  surprised: ':O',
  curious: '?',
  thoughtful: 'hmm',
  hmm: 'hmm',
  sarcastic: ';)',
  mischievously: ';)',
  nervous: ':S',
  coughs: 'cough',
  sings: 'la la',
  singing: 'la la',
};

const TAG = /\[([a-zA-Z][a-zA-Z '\-]{0,40})\]/g;

/** Remove expressive tags (`[laughs]`), collapse whitespace; tags become emotes or are dropped. */
export function cleanAgentText(raw: string, mode: TagMode = 'emote'): CleanText {
  const emotes: Emote[] = [];
  let out = '';
  let last = 0;
  const push = (s: string) => {
    for (const ch of s) {
      const ws = ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
      if (ws) {
        if (out.length > 0 && !out.endsWith(' ')) out += ' ';
      } else out += ch;
    }
  };
  for (const m of raw.matchAll(TAG)) {
    push(raw.slice(last, m.index));
    last = m.index + m[0].length;
    const tag = m[1]!.trim().toLowerCase();
    const glyph = EMOTES[tag];
    if (mode === 'emote' && glyph) emotes.push({ at: out.trimEnd().length, tag, glyph });
  }
  push(raw.slice(last));
  const text = out.trimEnd();
  for (const e of emotes) e.at = Math.min(e.at, text.length);
  return { text, emotes };
}

export interface Wrapped {
  lines: string[];
  /** Index in the source text where each line starts (for revealing a prefix without reflow). */
  starts: number[];
}

/** Chinese, Japanese and Korean characters: a line may break between any two of them. */
const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;
/** Never at the start of a line (closing punctuation, small kana): they stay with what they close. */
const NO_START =
  /[，。、！？；：」』）》〉】〕．,.!?;:)\]}…—～ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ%]/;
/** Never at the end of a line (opening brackets): they go down with what they open. */
const NO_END = /[「『（《〈【〔(\[{“‘]/;

/**
 * Where lines may break: runs of Latin letters between spaces are one unit (a word), each CJK
 * character is its own, and line-breaking rules glue closing punctuation to the unit before it and
 * opening brackets to the unit after. `gap`: a space stood before the unit (it is dropped at a break).
 */
function breakUnits(text: string): { start: number; end: number; gap: boolean }[] {
  const units: { start: number; end: number; gap: boolean }[] = [];
  let gap = false;
  let glueNext = false;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const n = ch.length;
    if (ch === ' ') {
      gap = true;
      glueNext = false;
      i += n;
      continue;
    }
    const last = units[units.length - 1];
    const cjk = CJK.test(ch);
    const prevCjk = last !== undefined && !gap && CJK.test(text[last.end - 1]!);
    const joins =
      last !== undefined && !gap && (glueNext || NO_START.test(ch) || (!cjk && !prevCjk && last.end === i));
    if (joins) last.end = i + n;
    else units.push({ start: i, end: i + n, gap });
    glueNext = NO_END.test(ch);
    gap = false;
    i += n;
  }
  return units;
}

/**
 * Greedy wrap of already-normalised text (single spaces) to `maxWidth`, using any text measure
 * (canvas measureText, a monospace rule in tests). Breaks at spaces, and between CJK characters
 * under the usual rules (no closing punctuation at a line start, no opening bracket at an end);
 * a unit wider than a line is split. `starts` index the source, so a revealed prefix never reflows.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): Wrapped {
  const lines: string[] = [];
  const starts: number[] = [];
  let lineStart = -1;
  let lineEnd = -1;
  const flush = () => {
    if (lineStart >= 0) {
      lines.push(text.slice(lineStart, lineEnd));
      starts.push(lineStart);
    }
    lineStart = lineEnd = -1;
  };
  for (const u of breakUnits(text)) {
    if (lineStart >= 0 && measure(text.slice(lineStart, u.end)) <= maxWidth) {
      lineEnd = u.end;
      continue;
    }
    flush();
    if (measure(text.slice(u.start, u.end)) <= maxWidth) {
      lineStart = u.start;
      lineEnd = u.end;
      continue;
    }
    // A unit too wide for a line: split it by characters (at least one per line).
    let i = u.start;
    while (i < u.end) {
      let k = i + 1;
      while (k < u.end && measure(text.slice(i, k + 1)) <= maxWidth) k++;
      lineStart = i;
      lineEnd = k;
      if (k < u.end) flush();
      i = k;
    }
  }
  flush();
  return { lines, starts };
}

/** The first `count` characters of the source, laid out on the pre-computed lines (no reflow as text appears). */
export function visiblePrefix(w: Wrapped, count: number): string {
  let out = '';
  for (let i = 0; i < w.lines.length; i++) {
    const start = w.starts[i]!;
    if (start >= count) break;
    if (i > 0) out += '\n';
    out += w.lines[i]!.slice(0, count - start);
  }
  return out;
}

/** Where a revealed prefix ends on wrapped lines (see revealSplit). */
export interface RevealSplit {
  /** Lines shown whole, from the first. */
  rows: number;
  /** Characters shown of the line after them (0: none). */
  chars: number;
}

/**
 * The first `count` characters of the source as a shape on the pre-computed lines: `rows` whole
 * lines, then `chars` characters of the next one. The same prefix as visiblePrefix, as two
 * rectangles, so a renderer can draw the whole text once and crop it instead of redrawing per step.
 */
export function revealSplit(w: Wrapped, count: number, out: RevealSplit): RevealSplit {
  out.rows = 0;
  out.chars = 0;
  for (let i = 0; i < w.lines.length; i++) {
    const n = count - w.starts[i]!;
    if (n <= 0) break;
    if (n < w.lines[i]!.length) {
      out.chars = n;
      break;
    }
    out.rows = i + 1;
  }
  return out;
}
