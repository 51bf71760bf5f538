/**
 * Limits that keep one crafted NPC file from stalling the dev server (issue 12 item 9), and the one
 * linear pass over the parsed document that enforces the per-group ones before the schema walk.
 *
 * The pass replaces yaml's own `uniqueKeys` check, which compares every key with every earlier key
 * of its map (62,500 keys took 147 s), and yaml's `Alias.resolve`, which walks the whole document
 * on each call: here both become one visit with a Set per map and one anchor table.
 */
import { isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';
import type { NpcFileError } from './types.js';

/**
 * Largest NPC file, in characters. Real files are 2-3 KB and a long persona prompt fits many times;
 * the worst 128 KB of YAML (a flow group on every line) parses in about half a second on a busy
 * shared machine, and 256 KB took over a second.
 */
export const MAX_NPC_FILE_CHARS = 128 * 1024;
/** Most fields in one group (one map). dynamic_variables and tool parameters are the only big ones. */
const MAX_KEYS_PER_GROUP = 1000;
/** Most values an NPC file may repeat through aliases (*name), counted over the whole file. */
export const MAX_ALIAS_VALUES = 10_000;

/**
 * Field names that would reach JavaScript's object machinery if copied into a plain object
 * (`out[key] = …`). No NPC field has these names, so refusing them everywhere costs nothing.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface ScanResult {
  /** Each alias and the node its anchor names (the last one before it, as YAML defines). */
  aliases: Map<Alias, Node>;
  errors: NpcFileError[];
}

type Pos = (offset: number) => { line: number; col: number };

/** Keys in messages stay readable even when a crafted file uses a 100 KB key. */
export function shortKey(key: unknown): string {
  const s = String(key);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The error for a file over MAX_NPC_FILE_CHARS; also used by the loader before reading a huge file. */
export function oversizeError(file: string, size: number, unit: 'characters' | 'bytes'): NpcFileError {
  return {
    file,
    line: 1,
    column: 1,
    path: '',
    code: 'limit',
    message: `the file is too large (${size.toLocaleString('en-US')} ${unit}); an NPC file may be at most ${MAX_NPC_FILE_CHARS / 1024} KB`,
  };
}

/**
 * One pass over every node (aliases are not followed, so the work is the file's size): duplicate
 * keys, too many keys in a group, reserved key names, and the anchor table. Iterative, so a deeply
 * nested file cannot overflow the stack here.
 */
export function scanDocument(doc: Document, file: string, pos: Pos): ScanResult {
  const aliases = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const errors: NpcFileError[] = [];
  const fail = (code: NpcFileError['code'], path: string, offset: number, message: string) => {
    const { line, col } = pos(offset);
    errors.push({ file, line, column: col, path, code, message });
  };
  // Pre-order in document order, so an alias sees exactly the anchors written before it.
  // `exit` entries close a collection after its children, so `open` holds exactly the ancestors.
  const stack: { node: unknown; path: string; exit?: true }[] = [{ node: doc.contents, path: '' }];
  const open = new Set<unknown>();
  while (stack.length > 0) {
    const { node, path, exit } = stack.pop()!;
    if (exit) {
      open.delete(node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target && open.has(target)) {
        fail(
          'syntax',
          path,
          offsetOfNode(node) ?? 0,
          `${path || 'the file'} uses *${node.source} inside the very group &${node.source} names, which would repeat it forever`,
        );
      } else if (target) aliases.set(node, target);
      continue;
    }
    const anchor = (node as Node).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    const children: { node: unknown; path: string }[] = [];
    if (isMap(node) || isSeq(node)) {
      open.add(node);
      stack.push({ node, path, exit: true });
    }
    if (isMap(node)) {
      const seen = new Set<unknown>();
      let count = 0;
      for (const pair of node.items) {
        const keyNode = pair.key;
        const offset = offsetOfNode(keyNode) ?? offsetOfNode(node) ?? 0;
        const key = isScalar(keyNode) ? keyNode.value : undefined;
        const childPath = key === undefined ? path : path ? `${path}.${shortKey(key)}` : shortKey(key);
        if (++count === MAX_KEYS_PER_GROUP + 1) {
          fail(
            'limit',
            path,
            offset,
            `${path || 'the file'} has more than ${MAX_KEYS_PER_GROUP} fields; an NPC file allows at most ${MAX_KEYS_PER_GROUP} in one group`,
          );
        }
        if (isScalar(keyNode)) {
          // Same rule as yaml's uniqueKeys: scalar keys are equal when their values are (1 ≠ "1").
          if (seen.has(key)) {
            fail(
              'duplicate-key',
              childPath,
              offset,
              `${shortKey(key)} appears twice in the same group; keep only one`,
            );
          } else seen.add(key);
          if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
            fail(
              'format',
              childPath,
              offset,
              `${childPath} cannot be used: "${key}" is reserved in JavaScript and is never a field name; rename it`,
            );
          }
        }
        children.push({ node: keyNode, path: childPath }, { node: pair.value, path: childPath });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => children.push({ node: item, path: `${path}[${i}]` }));
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return { aliases, errors };
}

function offsetOfNode(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
