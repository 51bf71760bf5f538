// Pure text handling for speech bubbles: expressive tags, normalisation, measure-agnostic word wrap.
// No Phaser import here, so it runs in Node unit tests.

export type TagMode = 'emote' | 'drop';

/** A tag that became an emote, placed at a character index of the cleaned text. */
export interface Emote {
  at: number;
  tag: string;
  glyph: string;
}

export interface CleanText {
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

/**
 * Greedy word wrap of already-normalised text (single spaces) to `maxWidth`, using any text
 * measure (canvas measureText, a monospace rule in tests). Words wider than a line are split.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): Wrapped {
  const lines: string[] = [];
  const starts: number[] = [];
  let lineStart = -1;
  let line = '';
  let i = 0;
  const flush = () => {
    if (lineStart >= 0) {
      lines.push(line);
      starts.push(lineStart);
    }
    line = '';
    lineStart = -1;
  };
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    let j = text.indexOf(' ', i);
    if (j < 0) j = text.length;
    const word = text.slice(i, j);
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth) {
      if (!line) lineStart = i;
      line = candidate;
      i = j;
      continue;
    }
    if (line) {
      flush();
      continue; // retry the word on a fresh line
    }
    // A single word too wide for a line: split it by characters (at least one per line).
    let k = i + 1;
    while (k < j && measure(text.slice(i, k + 1)) <= maxWidth) k++;
    lineStart = i;
    line = text.slice(i, k);
    flush();
    i = k;
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
