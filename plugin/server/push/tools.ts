/**
 * An NPC's client tools (`agent.tools`) as workspace tools on the service: which must be sent, sending
 * them, and which ones the file no longer declares. The agent refers to them by id
 * (`prompt.tool_ids`), so they go out before the agent does.
 */
import type { NpcDefinition } from '../../npc/index.js';
import type { Api } from './api.js';
import { payloadHash, toolBody, type Json } from './payload.js';
import type { PushRecord, ToolRecord } from './state.js';

interface ToolPlan {
  name: string;
  body: Json;
  hash: string;
  /** The tool as the last push made it. */
  known?: ToolRecord;
  /** New, changed since the last push, or --force. */
  send: boolean;
}

/** Every declared tool, sorted by name (so the agent's tool_ids are stable). */
export function planTools(npc: NpcDefinition, prev: PushRecord | undefined, force: boolean): ToolPlan[] {
  return [...(npc.agent.tools ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((tool) => {
      const body = toolBody(tool);
      const hash = payloadHash(body);
      const known = prev?.tools?.[tool.name];
      return { name: tool.name, body, hash, known, send: force || !known || known.hash !== hash };
    });
}

/**
 * Sends the planned tools (with no api, a dry run: only says what it would send), filling `records`
 * by tool name as it goes, so a caller that fails later still knows the ids of the tools made.
 */
export async function sendTools(
  plan: ToolPlan[],
  api: Api | null,
  records: Record<string, ToolRecord>,
  say: (line: string) => void,
): Promise<void> {
  for (const t of plan) {
    if (!t.send) {
      records[t.name] = t.known!;
    } else if (!api) {
      say(`${t.known ? '~' : '+'} tool ${t.name}`);
      records[t.name] = t.known ?? { id: `(new ${t.name})`, hash: t.hash };
    } else if (t.known) {
      await api.request('PATCH', `/v1/convai/tools/${encodeURIComponent(t.known.id)}`, t.body);
      records[t.name] = { id: t.known.id, hash: t.hash };
      say(`~ tool ${t.name} (${t.known.id})`);
    } else {
      const r = await api.request<{ id?: unknown }>('POST', '/v1/convai/tools', t.body);
      if (typeof r.id !== 'string' || r.id === '')
        throw new Error(`the service created tool ${t.name} but sent no id`);
      records[t.name] = { id: r.id, hash: t.hash };
      say(`+ tool ${t.name} → ${r.id}`);
    }
  }
}

/** Tools the last push made that the file no longer declares: deleted once the agent is updated. */
export function droppedTools(prev: PushRecord | undefined, npc: NpcDefinition): [string, ToolRecord][] {
  const names = new Set((npc.agent.tools ?? []).map((t) => t.name));
  return Object.entries(prev?.tools ?? {}).filter(([name]) => !names.has(name));
}
