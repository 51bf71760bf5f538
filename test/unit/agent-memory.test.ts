import { describe, expect, it, vi } from 'vitest';
import { compileNpcFile, type NpcDefinition } from '../../plugin/npc/index.js';
import { PlayerMemory } from '../../plugin/server/agent/memory.js';
import { agentFixture, INIT } from './agent-harness.js';

// Issue 15.3: what an NPC learns from a player (a reply's `remember`) stays for the rest of the play
// session: in later conversations with the same player (the plugin sends one `user_id` per page
// load), not for another player, and not for another NPC.
vi.setConfig({ testTimeout: 30_000 });

function npc(id: string): NpcDefinition {
  const r = compileNpcFile(
    `name: Keeper
agent:
  prompt: { text: A gate keeper. }
  first_message: ''
local:
  replies:
    - when: [password]
      if: ['!told']
      say: The word is silver moon.
      remember: [told]
    - when: [password]
      if: [told]
      say: I told you already, silver moon.
  fallback: Hmm.
`,
    `${id}.npc.yaml`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.npc;
}

const local = agentFixture({ npcs: [npc('keeper'), npc('other')], recognizer: 'none', llm: false });

/** One conversation as `user` (none: no user_id): what the NPC answers to each line, in order. */
async function talk(agentId: string, user: string | null, lines: string[]): Promise<string[]> {
  const c = await local.connect(local.agent.url, agentId, {
    init: user === null ? INIT : { ...INIT, user_id: user },
  });
  await c.waitType('conversation_initiation_metadata');
  const answers: string[] = [];
  for (const text of lines) {
    const from = c.frames.length;
    c.send({ type: 'user_message', text });
    const r = await c.waitType('agent_response', 8000, from);
    answers.push(r.msg.agent_response_event.agent_response);
  }
  c.close();
  return answers;
}

const FIRST = 'The word is silver moon.';
const AGAIN = 'I told you already, silver moon.';

describe('what an NPC remembers of a player', () => {
  it('lasts into the same player’s next conversation, and is theirs and this NPC’s alone', async () => {
    expect(await talk('keeper', 'player-1', ['What is the password?', 'The password again?'])).toEqual([
      FIRST,
      AGAIN,
    ]);
    // A new conversation (the player walked away and back): still remembered.
    expect(await talk('keeper', 'player-1', ['Password?'])).toEqual([AGAIN]);
    // Another player, or another NPC, has not been told.
    expect(await talk('keeper', 'player-2', ['Password?'])).toEqual([FIRST]);
    expect(await talk('other', 'player-1', ['Password?'])).toEqual([FIRST]);
    // A client that names no player gets the answer every time: there is no one to remember.
    expect(await talk('keeper', null, ['Password?', 'Password?'])).toEqual([FIRST, FIRST]);
  });
});

describe('PlayerMemory', () => {
  it('keeps each player’s facts per NPC, forgets a player idle for six hours, and stays bounded', () => {
    let now = 0;
    const m = new PlayerMemory(() => now);
    expect(m.of(undefined, 'keeper')).toBeUndefined();
    m.of('p1', 'keeper')!.set('told', 'yes');
    expect(m.of('p1', 'keeper')!.get('told')).toBe('yes');
    expect(m.of('p1', 'other')!.get('told')).toBeUndefined();
    now += 6 * 60 * 60 * 1000 - 1;
    expect(m.of('p1', 'keeper')!.get('told')).toBe('yes'); // and that use counts as activity
    now += 6 * 60 * 60 * 1000 + 1;
    expect(m.of('p1', 'keeper')!.get('told')).toBeUndefined();

    // At most 64 facts per NPC (the oldest go) and 5,000 players (the least recently seen go).
    const facts = m.of('p1', 'keeper')!;
    for (let i = 0; i < 70; i++) facts.set(`f${i}`, 'yes');
    expect(facts.size).toBe(64);
    expect(facts.has('f0')).toBe(false);
    expect(facts.has('f69')).toBe(true);
    for (let i = 0; i < 5_000; i++) m.of(`other-${i}`, 'keeper');
    expect(m.players).toBe(5_000);
    expect(m.of('p1', 'keeper')!.size).toBe(0);
  });
});
