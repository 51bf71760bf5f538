/** NPCs and audio for the local agent's tests (what the benches share lives in harness/). */
import type { NpcDefinition } from '../../plugin/npc/types.js';
import {
  createLocalAgent,
  type CreateLocalAgentOptions,
  type LocalAgent,
} from '../../plugin/server/agent/index.js';
import { TEST_NPC } from '../../harness/npcs.js';

export const QUIET_NPC: NpcDefinition = {
  ...TEST_NPC,
  id: 'quiet',
  agent: { ...TEST_NPC.agent, agent_id: '', first_message: '' },
};

/** The agent the protocol tests talk to: rules only, no recognizer, a ping every 150 ms. */
export const PROTOCOL_AGENT: CreateLocalAgentOptions = {
  npcs: [TEST_NPC, QUIET_NPC],
  recognizer: 'none',
  llm: false,
  pingIntervalMs: 150,
};

/**
 * A local agent for the quiet NPC alone (no greeting): rules only, babble speech, no recognizer
 * unless `extra` (which overrides any of these) gives one.
 */
export function startQuietAgent(extra: Partial<CreateLocalAgentOptions> = {}): Promise<LocalAgent> {
  return createLocalAgent({
    npcs: [QUIET_NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
    ...extra,
  });
}

/** Runs `body` against a startQuietAgent(extra), and closes the agent however it ends. */
export async function withQuietAgent(
  extra: Partial<CreateLocalAgentOptions>,
  body: (agent: LocalAgent) => Promise<void>,
): Promise<void> {
  const agent = await startQuietAgent(extra);
  try {
    await body(agent);
  } finally {
    await agent.close();
  }
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * 16));
}

/** A 60 ms click: loud, but far shorter than any word. */
export function click(): Int16Array {
  const pcm = new Int16Array(16 * 60);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i * 0.35) * 20000 * Math.exp(-i / 300));
  return pcm;
}

/** Cuts audio into 20 ms chunks, as the plugin's microphone sends them. */
export function chunks20ms(pcm: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += 320) out.push(pcm.subarray(i, Math.min(pcm.length, i + 320)));
  return out;
}
