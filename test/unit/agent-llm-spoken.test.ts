/**
 * Spoken words through the LLM brain (issue 15.1): the offline recognizer's junk must not be
 * answered as if heard. The model is told the words come from a recognizer that mishears and answers
 * a marker when they make no sense; the NPC then asks again in its own words (then falls back), and
 * the player is not shown the junk. A fake OpenAI-compatible endpoint plays the model (it answers
 * the marker, split across deltas, only when told about the recognizer and given junk), and a
 * scripted recognizer plays pocketsphinx.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { SAY_AGAIN } from '../../plugin/server/agent/brain.js';
import type { Recognizer } from '../../plugin/server/speech/recognizer.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';
import { TEST_NPC } from '../../harness/npcs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const JUNK = 'you you i you to to';
type Message = { role: string; content: string };
/** Every request the model got: its system prompt, the history it was sent, the player's words. */
const prompts: { system: string; history: Message[]; user: string }[] = [];
/** What the model answers to some words, as stream deltas (the rest: the dragon line). */
const answers = new Map<string, string[]>([
  ['mumble', ['Hmm. ', '[[SAY', '_AGAIN]]']],
  ['nothing to say', []],
]);
let fake: Server;
let agent: LocalAgent;
/** What the scripted recognizer hears next, one entry per spoken turn. */
const heard: string[] = [];

const recognizer: Recognizer = {
  name: 'scripted',
  start: () => ({
    write() {},
    finish: async () => heard.shift() ?? '',
    cancel() {},
  }),
};

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw) as { messages: Message[] };
      const system = body.messages[0]!.content;
      const user = body.messages.at(-1)!.content;
      prompts.push({ system, history: body.messages.slice(1, -1), user });
      const told = /speech recognizer that often mishears/.test(system) && system.includes('[[SAY_AGAIN]]');
      const parts =
        told && user === JUNK
          ? [' [[SAY', '_AGAIN]]']
          : (answers.get(user) ?? ['The dragon ', 'sleeps under the hill.']);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const content of parts)
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  const baseUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  agent = await createLocalAgent({
    npcs: [QUIET_NPC, TEST_NPC],
    recognizer,
    llm: { baseUrl, model: 'fake-model' },
    speechEngine: 'babble',
  });
});
afterAll(async () => {
  await agent?.close();
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
});

/** One spoken turn: voice, then enough silence for the turn detector to end it. */
function speak(c: ScriptedClient, recognized: string): void {
  heard.push(recognized);
  for (const chunk of chunks20ms(speechLike('a few words of speech'))) c.sendAudio(chunk);
  for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
}

describe('the LLM brain and the offline recognizer', () => {
  it('asks again for junk, then falls back, and answers words that make sense; junk is never shown as heard', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    /** Every reply so far, once there are `n`. */
    const replies = async (n: number) => {
      await c.waitFor((f) => f.msg.type === 'agent_response' && c.of('agent_response').length >= n, 15_000);
      return c.of('agent_response').map((r) => r.msg.agent_response_event.agent_response);
    };

    speak(c, JUNK);
    expect((await replies(1))[0]).toBe(QUIET_NPC.local.say_again ?? SAY_AGAIN);
    speak(c, JUNK);
    expect((await replies(2))[1]).toBe(QUIET_NPC.local.fallback);
    expect(c.of('user_transcript')).toEqual([]);

    speak(c, 'tell me about the dragon');
    expect((await replies(3))[2]).toBe('The dragon sleeps under the hill.');
    const shown = c.of('user_transcript').map((t) => t.msg.user_transcription_event.user_transcript);
    expect(shown).toEqual(['tell me about the dragon']);
    // The model heard about the recognizer on spoken turns, and never saw the junk again as history.
    expect(prompts).toHaveLength(3);
    expect(prompts.every((p) => p.system.includes('[[SAY_AGAIN]]'))).toBe(true);
    expect(prompts[2]!.user).toBe('tell me about the dragon');
    c.close();
  });

  it('keeps the NPC\'s earlier words and drops the junk and its "say again" from what the model reads next', async () => {
    const c = await ScriptedClient.connect(agent.url, 'tess');
    await c.waitType('conversation_initiation_metadata');
    const greeting = TEST_NPC.agent.first_message!;
    await c.waitFor((f) => f.msg.type === 'agent_response');
    const replies = async (n: number) => {
      await c.waitFor((f) => f.msg.type === 'agent_response' && c.of('agent_response').length >= n, 15_000);
      return c.of('agent_response').map((r) => r.msg.agent_response_event.agent_response);
    };
    // The marker after a few words, split across deltas: still "say again", and none of it spoken.
    speak(c, 'mumble');
    expect((await replies(2))[1]).toBe(TEST_NPC.local.say_again ?? SAY_AGAIN);
    // An empty answer to spoken words is no answer: asked again already, the NPC falls back.
    speak(c, 'nothing to say');
    expect((await replies(3))[2]).toBe(TEST_NPC.local.fallback);
    speak(c, 'tell me about the dragon');
    expect((await replies(4))[3]).toBe('The dragon sleeps under the hill.');
    expect(c.of('user_transcript').map((t) => t.msg.user_transcription_event.user_transcript)).toEqual([
      'tell me about the dragon',
    ]);
    const last = prompts.at(-1)!;
    expect(last.user).toBe('tell me about the dragon');
    // The greeting as the player heard it (cut short if the first words barged in), nothing else.
    const cut = c.of('agent_response_correction')[0]?.msg.agent_response_correction_event;
    const heardGreeting = cut ? cut.corrected_agent_response : greeting;
    expect(last.history).toEqual(heardGreeting ? [{ role: 'assistant', content: heardGreeting }] : []);
    expect(JSON.stringify(c.of('agent_response'))).not.toMatch(/SAY.?AGAIN/i);
    c.close();
  });

  it('typed words are taken as they are: no recognizer note in the prompt', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    const before = prompts.length;
    c.send({ type: 'user_message', text: JUNK });
    const r = await c.waitType('agent_response');
    expect(r.msg.agent_response_event.agent_response).toBe('The dragon sleeps under the hill.');
    expect(prompts[before]!.system).not.toContain('[[SAY_AGAIN]]');
    c.close();
  });
});
