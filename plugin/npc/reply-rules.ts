/**
 * Checks on `local.replies` that one field cannot make alone: reply ids are unique, every `after`
 * names a reply of this file or `greeting`, and every `if` is a condition on a fact the file knows.
 * Positioned at the offending value.
 */
import { isAlias, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { offsetOf, report, type WalkContext } from './walk-context.js';
import { parseCondition } from './conditions.js';
import { forEachInFile } from './validate.js';

const deref = (ctx: WalkContext, v: unknown): unknown => (isAlias(v) ? ctx.aliases.get(v) : v);

function get(ctx: WalkContext, node: unknown, key: string): unknown {
  const map = deref(ctx, node);
  if (!isMap(map)) return undefined;
  return deref(ctx, (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key)?.value);
}

interface Reply {
  id?: string;
  after?: string[];
  if?: string[];
  remember?: string[];
}

export function checkReplies(
  ctx: WalkContext,
  root: YAMLMap,
  out: { local?: { replies?: Reply[]; facts?: string[] } },
): void {
  const replies = out.local?.replies;
  const seq = get(ctx, get(ctx, root, 'local'), 'replies');
  if (!replies || !isSeq(seq)) return;
  const at = (i: number, key: string, j?: number): number => {
    const item = deref(ctx, seq.items[i]);
    let v = get(ctx, item, key);
    if (j !== undefined && isSeq(v)) v = deref(ctx, v.items[j]);
    return offsetOf(v ?? item, offsetOf(seq, 0));
  };
  const ids = new Map<string, number>();
  forEachInFile(replies, (r, i) => {
    if (r.id === undefined) return;
    const first = ids.get(r.id);
    if (first !== undefined)
      report(
        ctx,
        'errors',
        'inconsistent',
        `local.replies[${i}].id`,
        at(i, 'id'),
        `local.replies[${i}].id "${r.id}" is also the id of local.replies[${first}]; reply ids must differ`,
      );
    else ids.set(r.id, i);
  });
  forEachInFile(replies, (r, i) =>
    forEachInFile(r.after ?? [], (name, j) => {
      if (name === 'greeting' || ids.has(name)) return;
      const known = [...ids.keys(), 'greeting'].join(', ');
      report(
        ctx,
        'errors',
        'inconsistent',
        `local.replies[${i}].after[${j}]`,
        at(i, 'after', j),
        `local.replies[${i}].after names "${name}", which is no reply id in this file (known: ${known})`,
      );
    }),
  );
  // Conditions: well formed, and on facts this file knows (set by the game, or remembered here).
  const known = new Set([...(out.local?.facts ?? []), ...replies.flatMap((r) => r.remember ?? [])]);
  forEachInFile(replies, (r, i) =>
    forEachInFile(r.if ?? [], (text, j) => {
      const c = parseCondition(text);
      if (!c) {
        report(
          ctx,
          'errors',
          'format',
          `local.replies[${i}].if[${j}]`,
          at(i, 'if', j),
          `local.replies[${i}].if[${j}] "${text}" is not a condition; write a fact name (has_lantern), !fact, fact=value or fact!=value`,
        );
        return;
      }
      if (known.has(c.fact)) return;
      const names = [...known];
      report(
        ctx,
        'errors',
        'inconsistent',
        `local.replies[${i}].if[${j}]`,
        at(i, 'if', j),
        `local.replies[${i}].if tests "${c.fact}", a fact this file never names: declare it under local.facts (the game sets it) or remember it in a reply${
          names.length ? ` (known: ${names.join(', ')})` : ''
        }`,
      );
    }),
  );
}
