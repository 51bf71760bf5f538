/**
 * Writing a pushed agent's id back into its NPC file, touching nothing else: the designer's
 * comments, quoting, layout and line endings (CRLF files stay CRLF) are kept.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isMap, isScalar, parseDocument } from 'yaml';
import { compileNpcFile } from '../../npc/index.js';

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
      return source.slice(0, start) + q + agentId + q + source.slice(end);
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
