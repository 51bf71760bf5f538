/**
 * What the schema walk (validate.ts) and alias expansion (aliases.ts) share: the context they fill
 * and the helpers that turn an offset into a positioned error.
 */
import type { Alias, Document, Node } from 'yaml';
import type { NpcFileError, NpcFileErrorCode } from './types.js';

export interface WalkContext {
  doc: Document;
  /** offset → 1-based line/column. */
  pos(offset: number): { line: number; col: number };
  file: string;
  errors: NpcFileError[];
  warnings: NpcFileError[];
  /** Alias → anchored node, from scanDocument (one pass; yaml's resolve() re-walks the file per alias). */
  aliases: ReadonlyMap<Alias, Node>;
  /** Alias expansion in progress: the anchored nodes being walked (a cycle check) and values used up. */
  expansion: {
    targets: Set<Node>;
    values: number;
    over: boolean;
    alias?: { path: string; offset: number; name: string };
  };
  /** Text fields that may hold {{variables}}, collected for the check after the walk (variables.ts). */
  templates: { path: string; offset: number; text: string; where: 'agent' | 'local' }[];
}

export function newExpansion(): WalkContext['expansion'] {
  return { targets: new Set(), values: 0, over: false };
}

/** Returned for a field that is absent, so callers can tell "absent" from "null". */
export const ABSENT: unique symbol = Symbol('absent');

export function report(
  ctx: WalkContext,
  list: 'errors' | 'warnings',
  code: NpcFileErrorCode,
  path: string,
  offset: number,
  message: string,
): void {
  const { line, col } = ctx.pos(offset);
  ctx[list].push({ file: ctx.file, line, column: col, path, message, code });
}

export function offsetOf(node: unknown, fallback: number): number {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : fallback;
}

export const label = (path: string) => path || 'the file';
