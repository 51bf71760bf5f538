/**
 * Writing into NPC files, touching nothing else: a pushed agent's id (push), the fields edited on the
 * dashboard (pull). The designer's comments, quoting, layout and line endings (CRLF files stay CRLF)
 * are kept.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isCollection, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { compileNpcFile } from '../../npc/index.js';
import { applyHunks, lineDiff, type Hunk } from './line-diff.js';
import type { Json } from './payload.js';

/**
 * The file with agent.agent_id set, changing only that value's text (or adding one line) so the
 * designer's comments, quoting and layout stay exactly as they were. Falls back to re-printing the
 * document through the yaml Document API (comments kept, spacing normalised) for unusual layouts.
 */
export function withAgentId(source: string, agentId: string): string {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const doc = parseDocument(source);
  const agent = doc.get('agent', true);
  if (isMap(agent) && !agent.flow) {
    const pair = agent.items.find((p) => isScalar(p.key) && p.key.value === 'agent_id');
    if (pair && isScalar(pair.value) && pair.value.range) {
      const [start, end] = pair.value.range;
      const q = source[start] === "'" || source[start] === '"' ? source[start] : '';
      // `agent_id:` with nothing after it (an editor trimmed the space): the value's place is the colon's end.
      const gap = source[start - 1] === ':' ? ' ' : '';
      return source.slice(0, start) + gap + q + agentId + q + source.slice(end);
    }
    // Add the line right under `agent:`, indented like the group's first key.
    const firstKey = agent.items[0]?.key;
    const agentKey = isMap(doc.contents)
      ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'agent')?.key
      : undefined;
    if (!pair && isScalar(firstKey) && firstKey.range && isScalar(agentKey) && agentKey.range) {
      const keyLineStart = source.lastIndexOf('\n', firstKey.range[0] - 1) + 1;
      const indent = source.slice(keyLineStart, firstKey.range[0]);
      const at = source.indexOf('\n', agentKey.range[1]) + 1;
      if (/^ +$/.test(indent) && at > 0 && at <= keyLineStart)
        return `${source.slice(0, at)}${indent}agent_id: ${agentId}${eol}${source.slice(at)}`;
    }
  }
  doc.setIn(['agent', 'agent_id'], agentId);
  const printed = doc.toString({ lineWidth: 0 });
  return eol === '\n' ? printed : printed.replace(/\r?\n/g, eol);
}

/** Writes agent.agent_id into the NPC file and checks the result still compiles to that id. */
export async function writeAgentId(path: string, file: string, agentId: string): Promise<void> {
  const next = withAgentId(await readFile(path, 'utf8'), agentId);
  const check = compileNpcFile(next, file);
  if (!check.ok || check.npc.agent.agent_id !== agentId)
    throw new Error(
      `could not write agent.agent_id into ${file}; add "agent_id: ${agentId}" under agent: by hand`,
    );
  await writeFile(path, next);
}

/** Sets a value, keeping an existing scalar's style (a `|` block prompt stays a block) and a list's. */
function setField(doc: Document, path: string[], value: Json | undefined): void {
  if (value === undefined) {
    doc.deleteIn(path);
    return;
  }
  const node = doc.getIn(path, true);
  if (isScalar(node) && (typeof value !== 'object' || value === null)) {
    node.value = value;
    return;
  }
  const next = doc.createNode(value);
  if (isCollection(node) && isCollection(next)) next.flow = node.flow;
  doc.setIn(path, next);
}

/**
 * The file with some fields set (undefined: removed), and the line changes that makes. Only the
 * lines that hold those fields change: the yaml printer re-spaces a few things the designer wrote
 * (`[a, b]` becomes `[ a, b ]`), so its output is used only for the lines it changed, laid over the
 * designer's own lines. When that cannot be done safely (the printer moved lines), the printed file
 * is used whole: comments are still kept.
 */
export function withFields(
  source: string,
  edits: [string[], Json | undefined][],
): { text: string; hunks: Hunk[] } {
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lf = source.replace(/\r\n/g, '\n');
  const doc = parseDocument(lf);
  const printedBefore = doc.toString({ lineWidth: 0 }).split('\n');
  for (const [path, v] of edits) setField(doc, path, v);
  const printed = doc.toString({ lineWidth: 0 });
  const own = lf.split('\n');
  let lines = printed.split('\n');
  if (printedBefore.length === own.length) {
    const laid = applyHunks(own, lineDiff(printedBefore, lines));
    const same = JSON.stringify(parseDocument(laid.join('\n')).toJS()) === JSON.stringify(doc.toJS());
    if (same) lines = laid;
  }
  return { text: lines.join(eol), hunks: lineDiff(own, lines) };
}
