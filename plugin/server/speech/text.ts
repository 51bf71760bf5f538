/**
 * Splitting replies into the units we synthesize one at a time. Segments keep their trailing
 * whitespace, so the segments of a reply concatenate back to exactly the reply text and the
 * alignment of a whole turn spells out the same string as its `agent_response`.
 */

const SENTENCE_END = /[.!?…]+["'’”)\]]*\s+/g;
const CLAUSE_END = /[,;:—]\s+/g;
/** Long sentences are cut at clause boundaries so one synthesis call stays short (event-loop lag). */
const MAX_SEGMENT = 140;

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
}

/** Accumulates streamed text (LLM deltas) and hands out complete sentences as soon as they end. */
export class SentenceStream {
  private buffer = '';
  push(delta: string): string[] {
    this.buffer += delta;
    const done: string[] = [];
    let last = 0;
    for (const m of this.buffer.matchAll(SENTENCE_END)) last = m.index + m[0].length;
    if (last > 0) {
      done.push(...splitSentences(this.buffer.slice(0, last)));
      this.buffer = this.buffer.slice(last);
    } else if (this.buffer.length > MAX_SEGMENT * 2) {
      const parts = splitSentences(this.buffer);
      this.buffer = parts.pop() ?? '';
      done.push(...parts);
    }
    return done;
  }
  flush(): string[] {
    const rest = this.buffer;
    this.buffer = '';
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
