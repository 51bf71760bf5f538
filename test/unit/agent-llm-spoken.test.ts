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

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const JUNK = 'you you i you to to';
const prompts: { system: string; user: string }[] = [];
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
      const body = JSON.parse(raw) as { messages: { role: string; content: string }[] };
      const system = body.messages[0]!.content;
      const user = body.messages.at(-1)!.content;
      prompts.push({ system, user });
      const told = /speech recognizer that often mishears/.test(system) && system.includes('[[SAY_AGAIN]]');
      const parts =
        told && user === JUNK ? [' [[SAY', '_AGAIN]]'] : ['The dragon ', 'sleeps under the hill.'];
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const content of parts)
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  const baseUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  agent = await createLocalAgent({
    npcs: [QUIET_NPC],
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
