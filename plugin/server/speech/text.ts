/**
 * Splitting replies into the units we synthesize one at a time. Segments keep their trailing
 * whitespace, so the segments of a reply concatenate back to exactly the reply text and the
 * alignment of a whole turn spells out the same string as its `agent_response`.
 */

const SENTENCE_END = /[.!?…]+["'’”)\]]*\s+/g;
const CLAUSE_END = /[,;:—]\s+/g;
/** Long sentences are cut at clause boundaries so one synthesis call stays short (event-loop lag). */
const MAX_SEGMENT = 140;
/**
 * No segment is longer than this, clauses or not (cut at the last space, or anywhere): one call to
 * the shared engine must stay short, whatever text a client or an LLM supplies.
 */
export const MAX_SYNTH_CHARS = 280;

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    pushClauses(text.slice(start, end), out);
    start = end;
  }
  if (start < text.length) pushClauses(text.slice(start), out);
  return out;
}

function pushClauses(sentence: string, out: string[]): void {
  const first = out.length;
  if (sentence.length <= MAX_SEGMENT) {
    out.push(sentence);
    return;
  }
  let start = 0;
  for (const m of sentence.matchAll(CLAUSE_END)) {
    const end = m.index + m[0].length;
    if (end - start >= 40) {
      out.push(sentence.slice(start, end));
      start = end;
    }
  }
  if (start < sentence.length) out.push(sentence.slice(start));
  for (let i = first; i < out.length; i++) {
    const seg = out[i]!;
    if (seg.length > MAX_SYNTH_CHARS) out.splice(i, 1, ...hardCut(seg));
  }
}

function hardCut(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > MAX_SYNTH_CHARS) {
    const space = rest.lastIndexOf(' ', MAX_SYNTH_CHARS - 1);
    let end = space > MAX_SYNTH_CHARS / 2 ? space + 1 : MAX_SYNTH_CHARS;
    // Never between the halves of a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(rest[end - 1]!)) end--;
    parts.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Accumulates streamed text (LLM deltas) and hands out complete sentences as soon as they end. */
export class SentenceStream {
  #buffer = '';
  push(delta: string): string[] {
    this.#buffer += delta;
    const done: string[] = [];
    let last = 0;
    for (const m of this.#buffer.matchAll(SENTENCE_END)) last = m.index + m[0].length;
    if (last > 0) {
      done.push(...splitSentences(this.#buffer.slice(0, last)));
      this.#buffer = this.#buffer.slice(last);
    } else if (this.#buffer.length > MAX_SEGMENT * 2) {
      const parts = splitSentences(this.#buffer);
      this.#buffer = parts.pop() ?? '';
      done.push(...parts);
    }
    return done;
  }
  flush(): string[] {
    const rest = this.#buffer;
    this.#buffer = '';
    return rest ? splitSentences(rest) : [];
  }
}

/**
 * `{{name}}` placeholders, as the real service fills them from dynamic variables. Returns the text
 * and the names that had no value (the real service refuses the conversation for those).
 */
export function substituteVariables(
  text: string,
  vars: Readonly<Record<string, unknown>>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null) {
      missing.push(name);
      return whole;
    }
    return String(v);
  });
  return { text: out, missing };
}
