/**
 * The n-best vote (issue 15): when the recognizer's best reading would get "say again", readings
 * that agree on one reply may answer instead. The rule alone, the local brain's use of it, and a
 * spoken turn through the agent with a scripted recognizer that returns readings.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VOTE_MIN, VOTE_READINGS, voteOnReadings } from '../../plugin/server/agent/understand/vote.js';
import {
  createLocalBrain,
  SAY_AGAIN,
  type BrainContext,
  type BrainStep,
} from '../../plugin/server/agent/brain.js';
import type { SessionPlan } from '../../plugin/server/agent/persona.js';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import type { Recognizer, Transcript } from '../../plugin/server/speech/recognizer.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('voteOnReadings', () => {
  // A stand-in for the brain: the reply these words reach, or null for "say again".
  const replies: Record<string, string> = {
    'how much is a potion': 'price',
    'how much a potion': 'price',
    'much is the potion': 'price',
    'how much is potion': 'price',
    'open the shop': 'shop',
    'open shop': 'shop',
    'the shop open': 'shop',
    'open a shop': 'shop',
    'open up shop': 'shop',
  };
  const replyOf = (text: string) => replies[text] ?? null;
  const JUNK = 'the of a to i';
  const PRICE = ['how much is a potion', 'how much a potion', 'much is the potion', 'how much is potion'];

  it('takes the best-ranked reading of 4 that agree when the best reading is junk', () => {
    expect(VOTE_MIN).toBe(4);
    expect(voteOnReadings(JUNK, [JUNK, 'of the', ...PRICE, 'a the'], replyOf)).toBe(PRICE[0]);
  });

  it('keeps the junk (say again) when only 3 agree', () => {
    expect(voteOnReadings(JUNK, [JUNK, ...PRICE.slice(0, 3), 'open shop', 'a the'], replyOf)).toBe(JUNK);
  });

  it('keeps the junk when every reading would get "say again" too', () => {
    expect(
      voteOnReadings(
        JUNK,
        Array.from({ length: 20 }, (_, i) => `${JUNK} ${i}`),
        replyOf,
      ),
    ).toBe(JUNK);
    expect(voteOnReadings(JUNK, [], replyOf)).toBe(JUNK);
  });

  it('never second-guesses a best reading the NPC would answer', () => {
    const shop = ['open shop', 'the shop open', 'open a shop', 'open up shop', 'open the shop'];
    expect(voteOnReadings('how much is a potion', shop, replyOf)).toBe('how much is a potion');
  });

  it('counts repeated readings, and looks at the first 20 only', () => {
    expect(voteOnReadings(JUNK, Array<string>(4).fill('open shop'), replyOf)).toBe('open shop');
    const late = [...Array<string>(VOTE_READINGS - 3).fill(JUNK), ...Array<string>(4).fill('open shop')];
    expect(voteOnReadings(JUNK, late, replyOf)).toBe(JUNK);
  });

  it('between groups of the same size, the one whose first reading ranks higher', () => {
    const shop = ['open shop', 'the shop open', 'open a shop', 'open up shop'];
    expect(voteOnReadings(JUNK, [shop[0]!, ...PRICE, ...shop.slice(1)], replyOf)).toBe('open shop');
  });
});

describe("the local brain's vote", () => {
  // QUIET_NPC: "wave"/"bye" call the wave_goodbye tool; "potion"/"healing" only answer.
  const ctx = (): BrainContext => ({
    plan: { npc: QUIET_NPC } as SessionPlan,
    history: [],
    context: new Map(),
    variables: {},
    toolResults: new Map(),
    notes: new Map(),
    spoken: true,
  });
  const brain = createLocalBrain();
  const respond = async (text: string): Promise<BrainStep[]> => {
    const steps: BrainStep[] = [];
    for await (const s of brain.respond(text, ctx(), new AbortController().signal)) steps.push(s);
    return steps;
  };
  const JUNK = 'you you i you to to';
  const BYE = ['bye', 'bye now', 'wave bye', 'bye bye'];

  it('runs a tool the junk would not have reached only when 4 readings ask for it', async () => {
    const taken = brain.hear!(JUNK, [JUNK, ...BYE], ctx());
    expect(taken).toBe('bye');
    expect(
      (await respond(taken)).filter((s) => s.kind === 'tool').map((s) => s.kind === 'tool' && s.name),
    ).toEqual(['wave_goodbye']);
    const three = brain.hear!(JUNK, [JUNK, ...BYE.slice(0, 3), 'healing potion'], ctx());
    expect(three).toBe(JUNK);
    expect(await respond(three)).toEqual([
      { kind: 'text', text: QUIET_NPC.local.say_again ?? SAY_AGAIN, final: true, unheard: true },
    ]);
  });

  it('a reading that would act on one keyword in a long line does not vote', () => {
    // Each reaches the tool's reply, on too little of it to act when spoken: "say again", no vote.
    const long = BYE.map((b) => `the of to a and ${b} the of in to`);
    expect(brain.hear!(JUNK, long, ctx())).toBe(JUNK);
  });
});

describe('a spoken turn with readings, through the agent', () => {
  const queue: Transcript[] = [];
  const recognizer: Recognizer = {
    name: 'scripted n-best',
    start: () => ({
      write() {},
      finish: async () => queue.shift() ?? '',
      cancel() {},
    }),
  };
  let agent: LocalAgent;
  beforeAll(async () => {
    agent = await createLocalAgent({ npcs: [QUIET_NPC], recognizer, llm: false, speechEngine: 'babble' });
  });
  afterAll(() => agent?.close());

  const speak = (c: ScriptedClient, t: Transcript): void => {
    queue.push(t);
    for (const chunk of chunks20ms(speechLike('a few words of speech'))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
  };

  it('shows and answers the reading the vote took, and calls its tool', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    speak(c, {
      text: 'you you i you to to',
      alternatives: ['you you i', 'bye', 'bye now', 'wave bye', 'bye bye'],
    });
    const call = await c.waitType('client_tool_call', 15_000);
    expect(call.msg.client_tool_call.tool_name).toBe('wave_goodbye');
    const shown = await c.waitType('user_transcript', 15_000);
    expect(shown.msg.user_transcription_event.user_transcript).toBe('bye');
    const reply = await c.waitType('agent_response', 15_000);
    expect(reply.msg.agent_response_event.agent_response).toBe('Safe travels!');
    c.close();
  });

  it('three agreeing readings are not enough: "say again", nothing shown, no tool', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    speak(c, { text: 'you you i you to to', alternatives: ['bye', 'bye now', 'wave bye', 'you to'] });
    const reply = await c.waitType('agent_response', 15_000);
    expect(reply.msg.agent_response_event.agent_response).toBe(QUIET_NPC.local.say_again ?? SAY_AGAIN);
    expect(c.of('user_transcript')).toEqual([]);
    expect(c.of('client_tool_call')).toEqual([]);
    c.close();
  });
});
