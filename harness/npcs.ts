/** NPC definitions the local agent's tests and benches play against, so both measure the same lines. */
import type { NpcDefinition } from '../plugin/npc/types.js';

export const TEST_NPC: NpcDefinition = {
  id: 'tess',
  name: 'Tess the Tester',
  agent: {
    agent_id: 'agent_tess_real_id',
    prompt: { text: 'You are Tess, who sells {{item}} in {{town}}.' },
    first_message: 'Welcome to the test shop, traveller! Looking for potions, or perhaps a lantern today?',
    language: 'en',
    voice: { voice_id: 'tess_voice' },
    dynamic_variables: { item: 'potions', town: 'Testbury' },
  },
  proximity: { radius: 96, exit_radius: 128, priority: 0, dwell_ms: 250, prewarm_radius: 192 },
  bubble: { max_width: 220 },
  local: {
    voice: { engine_voice: 'en-us+f3', rate: 175, pitch: 60 },
    replies: [
      { when: ['potion', 'healing'], say: 'Healing potions are twenty gold each.' },
      { when: ['guild master'], say: 'The guild master is upstairs.' },
      { when: ['master'], say: 'I have no master.' },
      { when: ['news'], say: 'Latest news: {{context.news}}' },
      {
        when: ['gold', 'purse'],
        say: 'You have {{tool.check_gold}} gold.',
        tool: { name: 'check_gold', parameters: { currency: 'gold' }, expects_response: true },
      },
      { when: ['wave', 'bye'], say: 'Safe travels!', tool: { name: 'wave_goodbye' } },
    ],
    fallback: 'Hmm, I only know about potions.',
  },
};

export const GREETING = 'Hello there, traveller.';
export const POTION_REPLY = 'Potions are twenty gold each.';

/** Short lines so a test spends its time on the fault, not on listening to speech. */
export const FAULT_NPC: NpcDefinition = {
  ...TEST_NPC,
  id: 'fault',
  agent: {
    ...TEST_NPC.agent,
    agent_id: '',
    prompt: { text: 'You are a shopkeeper.' },
    first_message: GREETING,
    dynamic_variables: {},
  },
  local: {
    ...TEST_NPC.local,
    replies: [
      { when: ['potion'], say: POTION_REPLY },
      { when: ['story'], say: 'Long ago, a dragon slept under the hill. Nobody woke it. Then a bard did.' },
    ],
    fallback: 'Hmm, I only know about potions.',
  },
};
