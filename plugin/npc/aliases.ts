/**
 * Anchors and aliases (`&words` … `*words`) are legal YAML and designers use them to share keyword
 * lists. Expanded naively, a few nested aliases repeat a value millions of times (a 60 KB file gave
 * 30 million `when` entries in 43 s), so every value reached through an alias is counted against
 * MAX_ALIAS_VALUES, and an alias inside the group its anchor names is refused instead of recursing.
 */
import { isAlias, isMap, isScalar, isSeq, type Alias, type Node } from 'yaml';
import { MAX_ALIAS_VALUES, shortKey } from './limits.js';
import { ABSENT, label, offsetOf, report, type WalkContext } from './walk-context.js';

/**
 * Follows an alias through the anchor table and walks its target with `visit`, blaming the alias.
 * Charges every value walked inside against MAX_ALIAS_VALUES, so nested aliases (a "billion laughs"
 * file) stop after a bounded amount of work, and refuses an alias inside the group it names.
 */
export function walkAlias(
  ctx: WalkContext,
  node: Alias,
  path: string,
  at: number,
  visit: (target: Node, blame: number) => unknown,
): unknown {
  const offset = offsetOf(node, at);
  const exp = ctx.expansion;
  if (exp.over) return ABSENT;
  const target = ctx.aliases.get(node);
  if (target === undefined) {
    report(
      ctx,
      'errors',
      'syntax',
      path,
      offset,
      `${label(path)} uses *${node.source} but no &${node.source} is defined before it`,
    );
    return ABSENT;
  }
  // scanDocument refuses an alias inside its own anchor before the walk; this guard keeps the walk
  // from recursing without end should a future change let one through.
  if (exp.targets.has(target)) {
    report(
      ctx,
      'errors',
      'syntax',
      path,
      offset,
      `${label(path)} uses *${node.source} inside the very group &${node.source} names, which would repeat it forever`,
    );
    return ABSENT;
  }
  const outer = exp.alias === undefined;
  if (outer) exp.alias = { path, offset, name: node.source };
  exp.targets.add(target);
  try {
    return visit(target, offset);
  } finally {
    exp.targets.delete(target);
    if (outer) exp.alias = undefined;
  }
}

/** Counts one value reached through an alias; false (after one error for the file) once over the limit. */
export function chargeAliasValue(ctx: WalkContext): boolean {
  const exp = ctx.expansion;
  if (exp.over) return false;
  if (!exp.alias) return true;
  if (++exp.values <= MAX_ALIAS_VALUES) return true;
  exp.over = true;
  const { path, offset, name } = exp.alias;
  report(
    ctx,
    'errors',
    'limit',
    path,
    offset,
    `${label(path)} uses *${name}, and the aliases in this file repeat more than ${MAX_ALIAS_VALUES} values; an NPC file may repeat at most ${MAX_ALIAS_VALUES} (write the values out, or use fewer aliases)`,
  );
  return false;
}

/**
 * A free group of fields (tool parameters) as a plain value. Done here rather than with yaml's toJS
 * so aliases use the same table, budget and cycle check as the rest of the file. Reserved key names
 * were refused by scanDocument before the walk, so plain objects are safe to fill.
 */
export function plainValue(ctx: WalkContext, node: unknown, path: string, at: number): unknown {
  if (isAlias(node)) {
    const v = walkAlias(ctx, node, path, at, (target, blame) => plainValue(ctx, target, path, blame));
    return v === ABSENT ? null : v;
  }
  if (!chargeAliasValue(ctx)) return null;
  if (isScalar(node)) return node.value ?? null;
  if (isSeq(node))
    return node.items.map((item, i) => plainValue(ctx, item, `${path}[${i}]`, offsetOf(node, at)));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isScalar(pair.key)) {
        report(
          ctx,
          'errors',
          'format',
          path,
          offsetOf(pair.key, offsetOf(node, at)),
          `${label(path)} has a field name that is not text`,
        );
        continue;
      }
      const key = String(pair.key.value);
      out[key] = plainValue(ctx, pair.value, `${path}.${shortKey(key)}`, offsetOf(pair.key, at));
    }
    return out;
  }
  return null;
}
