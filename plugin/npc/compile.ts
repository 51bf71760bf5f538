/**
 * NPC prompt file (YAML text) → NpcDefinition, or every problem in it with file, line and column.
 * Pure: no file system, so the Vite plugin, the CLI, the local agent and the browser can all use it.
 */
import {
  LineCounter,
  parseDocument,
  isAlias,
  isMap,
  isScalar,
  type Document,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import type { NpcCompileResult, NpcDefinition, NpcFileError } from './types.js';
import { npcSchema } from './schema-def.js';
import { ABSENT, newExpansion, offsetOf, report, walk, type WalkContext } from './validate.js';
import { MAX_NPC_FILE_CHARS, oversizeError, scanDocument } from './limits.js';
import { checkTemplates } from './variables.js';
import { checkReplies } from './reply-rules.js';
import { checkTools } from './tool-rules.js';
import { exitRadiusFor, prewarmRadiusFor } from './defaults.js';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `assets/npcs/mira.npc.yaml` → `mira`. Works on both slash styles without a path library. */
export function npcIdFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/(\.npc)?\.ya?ml$/i, '');
}

const SYNTAX_HINTS: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTILINE_IMPLICIT_KEY: 'a key: value pair must fit on one line; is a colon or quote missing?',
  MISSING_CHAR: 'a closing bracket or quote is missing',
  UNEXPECTED_TOKEN: 'unexpected text here; check quotes, colons and indentation',
  BLOCK_AS_IMPLICIT_KEY: 'a nested block cannot be used as a key; check the colon on the line above',
  MULTIPLE_DOCS: 'an NPC file holds one document; remove the extra ---',
};

/**
 * The parser reports an unclosed quote where the file ends; a designer needs the line where the
 * quote was opened, which is the last line before that with an odd number of that quote character.
 */
function unclosedQuoteOffset(source: string, end: number, raw: string): number | undefined {
  const q = raw.includes('"') ? '"' : raw.includes("'") ? "'" : undefined;
  if (!q) return undefined;
  const lines = source.slice(0, end).split('\n');
  let offset = 0;
  let found: number | undefined;
  for (const line of lines) {
    const i = line.indexOf(q);
    if (i >= 0 && line.split(q).length % 2 === 0) found = offset + i;
    offset += line.length + 1;
  }
  return found;
}

function syntaxError(source: string, file: string, lc: LineCounter, e: YAMLError): NpcFileError {
  const first = e.message.split('\n')[0]!;
  const offset =
    (e.code === 'MISSING_CHAR' ? unclosedQuoteOffset(source, e.pos[0], first) : undefined) ?? e.pos[0];
  const { line, col } = lc.linePos(offset);
  const raw = first.replace(/ at line \d+, column \d+.*$/, '');
  const at = (detail: string): NpcFileError => ({
    file,
    line,
    column: col,
    path: '',
    code: 'syntax',
    message: `YAML syntax error: ${detail}`,
  });
  if (e.code === 'MISSING_CHAR' && /quote/i.test(raw))
    return at(`this quoted text is never closed; add the closing ${raw.includes("'") ? "'" : '"'}`);
  // The parser recurses per nesting level: a crafted file nested thousands deep runs out of stack.
  if (/maximum call stack/i.test(raw))
    return at('lists or maps nest too deeply here; an NPC file needs only a few levels');
  const hint = SYNTAX_HINTS[e.code];
  return at(e.code === 'MULTIPLE_DOCS' ? hint! : `${raw}${hint ? `; ${hint}` : ''}`);
}

/**
 * Compiles one NPC file. Never throws: any input, however broken, gives a result.
 * `fileName` names the file in errors and gives the NPC id (its stem).
 */
export function compileNpcFile(source: string, fileName: string): NpcCompileResult {
  try {
    return compileUnsafe(source, fileName);
  } catch (err) {
    // Defensive: the parser or a rule failed on input nobody anticipated. Still a positioned error.
    return {
      ok: false,
      warnings: [],
      errors: [
        {
          file: fileName,
          line: 1,
          column: 1,
          path: '',
          code: 'syntax',
          message: `could not read this file: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
    };
  }
}

function compileUnsafe(source: string, fileName: string): NpcCompileResult {
  // Checked before parsing: parse time and memory grow with the text (50 MB took 85 s and 4.2 GB).
  if (source.length > MAX_NPC_FILE_CHARS)
    return { ok: false, errors: [oversizeError(fileName, source.length, 'characters')], warnings: [] };
  const lc = new LineCounter();
  const doc: Document = parseDocument(source, {
    lineCounter: lc,
    prettyErrors: false,
    // yaml's duplicate-key check is quadratic in the keys of a map; scanDocument does it with a Set.
    uniqueKeys: false,
    keepSourceTokens: false,
  });
  const pos = (o: number) => lc.linePos(Math.max(0, Math.min(o, source.length)));
  const ctx: WalkContext = {
    doc,
    file: fileName,
    pos,
    errors: [],
    warnings: [],
    aliases: new Map(),
    expansion: newExpansion(),
    templates: [],
  };
  for (const w of doc.warnings) {
    const { line, col } = ctx.pos(w.pos[0]);
    ctx.warnings.push({
      file: fileName,
      line,
      column: col,
      path: '',
      code: 'syntax',
      message: w.message.split('\n')[0]!,
    });
  }
  if (doc.errors.length > 0) {
    // A syntax error makes the tree unreliable, so schema errors on top of it would mislead.
    // One error per line: the parser's follow-on complaints about the same spot only add noise.
    const seen = new Set<number>();
    const errors = doc.errors
      .map((e) => syntaxError(source, fileName, lc, e))
      .filter((e) => !seen.has(e.line) && seen.add(e.line));
    return { ok: false, errors, warnings: ctx.warnings };
  }
  // Like syntax errors, duplicate or reserved keys make the tree ambiguous: report them alone.
  const scan = scanDocument(doc, fileName, pos);
  if (scan.errors.length > 0) return { ok: false, errors: scan.errors, warnings: ctx.warnings };
  ctx.aliases = scan.aliases;

  const id = npcIdFromFileName(fileName);
  if (!ID_RE.test(id)) {
    report(
      ctx,
      'errors',
      'invalid-id',
      '',
      0,
      `the file name gives the NPC id "${id}"; ids may use letters, digits, - and _ (rename the file, e.g. ${id.replace(/[^A-Za-z0-9_-]+/g, '_') || 'npc'}.npc.yaml)`,
    );
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    report(ctx, 'errors', 'required', '', 0, 'the file is empty; an NPC needs at least a name and an agent');
    return { ok: false, errors: ctx.errors, warnings: ctx.warnings };
  }
  const rootOffset = offsetOf(contents, 0);
  const out = walk(ctx, contents, npcSchema, '', rootOffset);
  if (out !== ABSENT && isMap(contents)) {
    applyDerivedRules(ctx, contents, out as Record<string, any>);
    checkReplies(ctx, contents, out as Record<string, any>);
    checkTools(ctx, contents, out as Record<string, any>);
  }
  if (out !== ABSENT) checkTemplates(ctx, out as Record<string, any>);
  if (ctx.errors.length > 0 || out === ABSENT)
    return { ok: false, errors: sortErrors(ctx.errors), warnings: ctx.warnings };
  const npc = { id, ...(out as Omit<NpcDefinition, 'id'>) } as NpcDefinition;
  return { ok: true, npc, warnings: ctx.warnings };
}

/** Where a dotted path sits in the document (the key, for blame), falling back to its nearest parent. */
function offsetOfPath(root: YAMLMap, path: string[]): number {
  let node: unknown = root;
  let best = offsetOf(root, 0);
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (!pair) break;
    best = offsetOf(pair.key, best);
    node = pair.value;
  }
  return best;
}

/** The value node under `key` in a map, an alias followed to its anchor. */
function mapGet(ctx: WalkContext, map: YAMLMap, key: string): unknown {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const v: unknown = pair?.value ?? undefined;
  return isAlias(v) ? ctx.aliases.get(v) : v;
}

/** Rules that involve more than one field, and defaults that depend on other fields. */
function applyDerivedRules(ctx: WalkContext, root: YAMLMap, out: Record<string, any>): void {
  // Read from the nodes, not root.toJS(): toJS would expand every alias in the file again.
  const proximityNode = mapGet(ctx, root, 'proximity');
  const given = (key: string) => {
    const v = isMap(proximityNode) ? mapGet(ctx, proximityNode, key) : undefined;
    return v !== undefined && !(isScalar(v) && v.value === null);
  };
  const p = out.proximity as Record<string, number> | undefined;
  if (p && typeof p.radius === 'number') {
    // Defaults scale with the radius a designer chose, so setting only `radius: 300` still works.
    if (!given('exit_radius')) p.exit_radius = exitRadiusFor(p.radius);
    if (!given('prewarm_radius')) p.prewarm_radius = prewarmRadiusFor(p.radius, p.exit_radius ?? 0);
    if (typeof p.exit_radius === 'number' && p.exit_radius < p.radius) {
      report(
        ctx,
        'errors',
        'inconsistent',
        'proximity.exit_radius',
        offsetOfPath(root, ['proximity', 'exit_radius']),
        `proximity.exit_radius (${p.exit_radius}) must be at least proximity.radius (${p.radius}), or the conversation would end while the player is still in range`,
      );
    }
    if (typeof p.prewarm_radius === 'number' && p.prewarm_radius < p.radius) {
      report(
        ctx,
        'errors',
        'inconsistent',
        'proximity.prewarm_radius',
        offsetOfPath(root, ['proximity', 'prewarm_radius']),
        `proximity.prewarm_radius (${p.prewarm_radius}) must be at least proximity.radius (${p.radius})`,
      );
    }
  }
  const agent = out.agent as Record<string, any> | undefined;
  if (agent && isMap(mapGet(ctx, root, 'agent'))) {
    const hasPrompt = typeof agent.prompt?.text === 'string' && agent.prompt.text.trim() !== '';
    const hasAgentId = typeof agent.agent_id === 'string' && agent.agent_id.trim() !== '';
    // An unknown key under agent (`promt:`) already explains a missing prompt.
    const explained = ctx.errors.some(
      (e) => e.path.startsWith('agent.prompt') || (e.code === 'unknown-key' && e.path.startsWith('agent.')),
    );
    if (!hasPrompt && !hasAgentId && !explained) {
      report(
        ctx,
        'errors',
        'required',
        'agent.prompt.text',
        offsetOfPath(root, ['agent', 'prompt']),
        'agent.prompt.text is required (the persona prompt), unless agent.agent_id names an existing ElevenLabs agent',
      );
    }
  }
}

function sortErrors(errors: NpcFileError[]): NpcFileError[] {
  return [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * NPC ids must be unique across a game (they name agents, sessions and Tiled objects). Ids come from
 * file stems, so duplicates arise from sub-folders (town/guard.npc.yaml, castle/guard.npc.yaml) or
 * from names that differ only in case, which collide on case-insensitive file systems.
 */
export function findDuplicateNpcIds(files: readonly { file: string; npc: NpcDefinition }[]): NpcFileError[] {
  const byId = new Map<string, string[]>();
  for (const { file, npc } of files) {
    const key = npc.id.toLowerCase();
    byId.set(key, [...(byId.get(key) ?? []), file]);
  }
  const errors: NpcFileError[] = [];
  for (const { file, npc } of files) {
    const all = byId.get(npc.id.toLowerCase()) ?? [];
    if (all.length < 2) continue;
    const others = all.filter((f) => f !== file);
    errors.push({
      file,
      line: 1,
      column: 1,
      path: '',
      code: 'duplicate-id',
      message: `NPC id "${npc.id}" is also used by ${others.join(', ')}; every NPC file needs a unique name`,
    });
  }
  return errors;
}

/** `assets/npcs/mira.npc.yaml:12:18 agent.voice… must be …`: the line the CLI and logs print. */
export function formatNpcError(e: NpcFileError): string {
  return `${e.file}:${e.line}:${e.column} ${e.message}`;
}
