/**
 * Conditions on facts, as an NPC file's replies write them (`if: [has_lantern, "!gate_open",
 * "quest=aldric"]`). Facts come from the game (`npc.setFact('has_lantern', true)`, declared in the
 * file under `local.facts`) and from what the NPC learned (`remember:` on a reply). Pure: the
 * compiler checks them, the local agent evaluates them.
 */

export interface Condition {
  fact: string;
  /** `fact` holds (true), does not (false), or equals / differs from `value`. */
  test: 'holds' | 'not' | 'equals' | 'differs';
  value?: string;
}

const FORM = /^\s*(!)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:(!=|=)\s*(.*?))?\s*$/;

/** A condition, or null when the text is not one (the compiler says how to write it). */
export function parseCondition(text: string): Condition | null {
  const m = FORM.exec(text);
  if (!m) return null;
  const [, bang, fact, op, value] = m;
  if (op && bang) return null; // "!a=b": write "a!=b"
  if (op) return { fact: fact!, test: op === '=' ? 'equals' : 'differs', value: value ?? '' };
  return { fact: fact!, test: bang ? 'not' : 'holds' };
}

const FALSY = new Set(['', 'no', 'false', '0', 'none', 'off', 'not yet']);

/** The value of a fact as the game sent it: `"has_lantern: yes"` and `"yes"` both read "yes". */
export function factValue(key: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const prefix = `${key}:`;
  return (t.toLowerCase().startsWith(prefix.toLowerCase()) ? t.slice(prefix.length) : t).trim();
}

export function holds(c: Condition, lookup: (fact: string) => string | undefined): boolean {
  const v = lookup(c.fact)?.toLowerCase();
  const truthy = v !== undefined && !FALSY.has(v);
  switch (c.test) {
    case 'holds':
      return truthy;
    case 'not':
      return !truthy;
    case 'equals':
      return (v ?? '') === (c.value ?? '').toLowerCase();
    case 'differs':
      return (v ?? '') !== (c.value ?? '').toLowerCase();
  }
}

/** How the game states a fact: one line the real agent's model can read too. */
export function factText(key: string, value: string | number | boolean): string {
  return `${key}: ${value === true ? 'yes' : value === false ? 'no' : String(value)}`;
}
