/**
 * Walks a parsed YAML document against a schema description (schema-def.ts), collecting every
 * problem with its position instead of stopping at the first, and builds the output with defaults.
 * It works on the YAML node tree (not on plain JS values) because only the nodes know where in the
 * file each value came from.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { SchemaNode, ObjectSchema, NumberSchema, StringSchema } from './schema-nodes.js';
import { closest } from './suggest.js';
import { ABSENT, label, offsetOf, report, type WalkContext } from './walk-context.js';
import { chargeAliasValue, plainValue, walkAlias } from './aliases.js';

/** For a list whose invalid items were dropped: each kept item's index in the file. */
const FILE_INDEXES = new WeakMap<readonly unknown[], number[]>();

/**
 * forEach over a validated list with each item's index in the file, so a later check names the
 * item the designer wrote (local.replies[2]) even when an invalid item before it was dropped.
 */
export function forEachInFile<T>(list: readonly T[], fn: (item: T, i: number) => void): void {
  const at = FILE_INDEXES.get(list);
  list.forEach((item, k) => fn(item, at?.[k] ?? k));
}
export { ABSENT, offsetOf, report, newExpansion, type WalkContext } from './walk-context.js';

/** Short, quoted rendering of a value for messages: got "hot", got 1.5, got a list. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const short = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `"${short}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return 'a group of fields';
}

function kindOf(node: unknown): 'map' | 'list' | 'text' | 'number' | 'true/false' | 'nothing' | 'other' {
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return 'text';
    if (typeof v === 'number') return 'number';
    if (typeof v === 'boolean') return 'true/false';
    if (v === null || v === undefined) return 'nothing';
  }
  return 'other';
}

function gotPhrase(node: unknown): string {
  const kind = kindOf(node);
  if (kind === 'map') return 'a group of fields';
  if (kind === 'list') return 'a list';
  if (isScalar(node)) return describe(node.value);
  return 'something else';
}

/**
 * Validates `node` against `schema`; returns the output value, or ABSENT when nothing usable was
 * found (an error has then been reported). `at` is the offset to blame when the node itself has no
 * position (an empty value after `key:`).
 */
export function walk(ctx: WalkContext, node: unknown, schema: SchemaNode, path: string, at: number): unknown {
  if (isAlias(node))
    return walkAlias(ctx, node, path, at, (target, blame) => walk(ctx, target, schema, path, blame));
  if (!chargeAliasValue(ctx)) return ABSENT;
  const offset = offsetOf(node, at);
  const typeError = (want: string, hint = ''): typeof ABSENT => {
    report(
      ctx,
      'errors',
      'type',
      path,
      offset,
      `${label(path)} must be ${want}, got ${gotPhrase(node)}${hint}`,
    );
    return ABSENT;
  };

  switch (schema.type) {
    case 'object':
      if (!isMap(node)) return typeError('a group of fields (key: value lines indented below it)');
      return walkObject(ctx, node, schema, path, offset);
    case 'free-object':
      if (!isMap(node)) return typeError('a group of fields');
      return plainValue(ctx, node, path, offset);
    case 'record': {
      if (!isMap(node)) return typeError('a group of name: value fields');
      const out: Record<string, unknown> = {};
      const keyRe = schema.keyPattern ? new RegExp(schema.keyPattern) : null;
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        const keyOffset = offsetOf(pair.key, offset);
        if (typeof key !== 'string' || (keyRe && !keyRe.test(key))) {
          report(
            ctx,
            'errors',
            'format',
            path,
            keyOffset,
            `${label(path)} has a field named ${describe(key)}; names may use ${schema.keyHint ?? 'letters, digits and _'}`,
          );
          continue;
        }
        const v = walk(ctx, pair.value, schema.values, `${path}.${key}`, keyOffset);
        if (v !== ABSENT) out[key] = v;
      }
      return out;
    }
    case 'array': {
      if (!isSeq(node)) {
        const hint =
          isScalar(node) && typeof node.value === 'string' ? ` (write [${node.value}] for a list)` : '';
        return typeError('a list', hint);
      }
      const out: unknown[] = [];
      const kept: number[] = [];
      node.items.forEach((item, i) => {
        const v = walk(ctx, item, schema.items, `${path}[${i}]`, offset);
        if (v !== ABSENT) {
          out.push(v);
          kept.push(i);
        }
      });
      if (kept.length < node.items.length) FILE_INDEXES.set(out, kept);
      if (schema.minItems !== undefined && node.items.length < schema.minItems) {
        report(
          ctx,
          'errors',
          'range',
          path,
          offset,
          `${label(path)} needs at least ${schema.minItems} ${schema.minItems === 1 ? 'entry' : 'entries'}`,
        );
      }
      return out;
    }
    case 'scalar': {
      if (!isScalar(node) || !['string', 'number', 'boolean'].includes(typeof node.value))
        return typeError('text, a number or true/false');
      return node.value;
    }
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') return typeError('true or false');
      return node.value;
    case 'number':
    case 'integer':
      return walkNumber(ctx, node, schema, path, offset, typeError);
    case 'string':
      return walkString(ctx, node, schema, path, offset, typeError);
  }
}

function walkNumber(
  ctx: WalkContext,
  node: unknown,
  schema: NumberSchema,
  path: string,
  offset: number,
  typeError: (want: string, hint?: string) => typeof ABSENT,
): unknown {
  if (!isScalar(node) || typeof node.value !== 'number') {
    const text = isScalar(node) && typeof node.value === 'string' ? node.value.trim() : '';
    const hint = text !== '' && Number.isFinite(Number(text)) ? ' (remove the quotes)' : '';
    return typeError(schema.type === 'integer' ? 'a whole number' : 'a number', hint);
  }
  const v = node.value;
  const range = (msg: string) => {
    report(ctx, 'errors', 'range', path, offset, `${label(path)} must be ${msg}, got ${v}`);
    return ABSENT;
  };
  if (!Number.isFinite(v)) return range('a finite number');
  if (schema.type === 'integer' && !Number.isInteger(v)) return range('a whole number');
  const { minimum: min, maximum: max, exclusiveMinimum: xmin } = schema;
  if (min !== undefined && max !== undefined && (v < min || v > max))
    return range(`between ${min} and ${max}`);
  if (min !== undefined && v < min) return range(`at least ${min}`);
  if (max !== undefined && v > max) return range(`at most ${max}`);
  if (xmin !== undefined && v <= xmin) return range(`greater than ${xmin}`);
  return v;
}

function walkString(
  ctx: WalkContext,
  node: unknown,
  schema: StringSchema,
  path: string,
  offset: number,
  typeError: (want: string, hint?: string) => typeof ABSENT,
): unknown {
  if (!isScalar(node) || typeof node.value !== 'string') {
    const scalarish = isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'boolean');
    return typeError('text', scalarish ? ' (put it in quotes to use it as text)' : '');
  }
  const v = node.value;
  const fail = (msg: string) => {
    report(ctx, 'errors', 'format', path, offset, msg);
    return ABSENT;
  };
  if (schema.enum && !schema.enum.includes(v)) {
    const near = closest(v, schema.enum);
    return fail(
      `${label(path)} must be one of ${schema.enum.join(', ')}, got ${describe(v)}${near ? `; did you mean ${near}?` : ''}`,
    );
  }
  if (schema.minLength !== undefined && v.trim().length < schema.minLength)
    return fail(`${label(path)} is empty`);
  if (schema.pattern && v !== '' && !new RegExp(schema.pattern).test(v))
    return fail(
      `${label(path)} must be ${schema.patternHint ?? `like ${schema.pattern}`}, got ${describe(v)}`,
    );
  if (schema.template && v.includes('{{'))
    ctx.templates.push({ path, offset, text: v, where: schema.template });
  return v;
}

function walkObject(
  ctx: WalkContext,
  node: import('yaml').YAMLMap,
  schema: ObjectSchema,
  path: string,
  offset: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(schema.properties);
  const seen = new Set<string>();
  // Keys a typo already pointed at ("whenn … did you mean when?") are not reported missing again.
  const suggested = new Set<string>();
  for (const pair of node.items) {
    const keyOffset = offsetOf(pair.key, offset);
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string') {
      report(ctx, 'errors', 'format', path, keyOffset, `${label(path)} has a field name that is not text`);
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    // Own properties only: `constructor` must not find Object.prototype.constructor.
    const child = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!child) {
      const near = closest(key, known);
      if (near) suggested.add(near);
      const where = path ? ` in ${path}` : '';
      report(
        ctx,
        'errors',
        'unknown-key',
        childPath,
        keyOffset,
        near
          ? `${childPath} is not a known field${where}; did you mean ${near}?`
          : `${childPath} is not a known field${where}; known fields are ${known.join(', ')}`,
      );
      continue;
    }
    seen.add(key);
    const value = pair.value;
    if (value === null || (isScalar(value) && value.value === null)) {
      // `key:` with nothing after it. Required fields say so; optional ones are ignored with a warning
      // rather than failing, since an empty line in a half-written file should not break the game.
      if (schema.required?.includes(key)) {
        report(ctx, 'errors', 'required', childPath, keyOffset, `${childPath} is required but has no value`);
      } else {
        report(ctx, 'warnings', 'type', childPath, keyOffset, `${childPath} has no value and is ignored`);
        seen.delete(key);
      }
      continue;
    }
    const v = walk(ctx, value, child, childPath, keyOffset);
    if (v !== ABSENT) out[key] = v;
  }
  for (const key of known) {
    if (seen.has(key)) continue;
    const child = schema.properties[key]!;
    const childPath = path ? `${path}.${key}` : key;
    if (schema.required?.includes(key)) {
      if (!suggested.has(key))
        report(ctx, 'errors', 'required', childPath, offset, `${childPath} is required`);
    } else {
      const d = defaultOf(child);
      if (d !== ABSENT) out[key] = d;
    }
  }
  return out;
}

/** The value an absent field takes: its default, or a filled group built from defaults. */
function defaultOf(schema: SchemaNode): unknown {
  if (schema.type === 'object' && schema.filled) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(schema.properties)) {
      const d = defaultOf(child);
      if (d !== ABSENT) out[k] = d;
    }
    return out;
  }
  if ('default' in schema && schema.default !== undefined) {
    return Array.isArray(schema.default) ? [...schema.default] : schema.default;
  }
  return ABSENT;
}
