/**
 * Checks on `local.replies` that one field cannot make alone: reply ids are unique, and every
 * `after` names a reply of this file or `greeting`. Positioned at the offending value.
 */
import { isAlias, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { offsetOf, report, type WalkContext } from './walk-context.js';

const deref = (ctx: WalkContext, v: unknown): unknown => (isAlias(v) ? ctx.aliases.get(v) : v);

function get(ctx: WalkContext, node: unknown, key: string): unknown {
  const map = deref(ctx, node);
  if (!isMap(map)) return undefined;
  return deref(ctx, (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key)?.value);
}

interface Reply {
  id?: string;
  after?: string[];
}

export function checkReplies(ctx: WalkContext, root: YAMLMap, out: { local?: { replies?: Reply[] } }): void {
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
  replies.forEach((r, i) => {
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
  replies.forEach((r, i) =>
    r.after?.forEach((name, j) => {
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
}
