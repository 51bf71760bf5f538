/**
 * What a player's browser gets of an NPC: how to reach its agent, which tools it may call, and how
 * it looks and behaves in the scene. Never what it knows: prompts, greetings, offline replies,
 * dynamic variables and voice settings stay on the server (the local agent reads the NPC files
 * itself; a real agent has them from `voice-agents push`). Prompts often hold quest answers.
 */
import type { NpcDefinition } from './types.js';

export function clientNpc(npc: NpcDefinition): NpcDefinition {
  const a = npc.agent;
  return {
    id: npc.id,
    name: npc.name,
    agent: {
      ...(a.agent_id ? { agent_id: a.agent_id } : {}),
      ...(a.language ? { language: a.language } : {}),
      ...(a.tools ? { tools: a.tools } : {}),
    },
    proximity: npc.proximity,
    bubble: npc.bubble,
    local: { voice: npc.local.voice, replies: [], fallback: '' },
    ...(npc.unavailable ? { unavailable: npc.unavailable } : {}),
  };
}
