/**
 * The session against the real local agent (plugin/server/agent): the two halves of the protocol in
 * this repository must agree with each other, not only with the scripted server.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import WebSocket from 'ws';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/index.js';
import { AgentSession } from '../../plugin/session/index.js';
import { waitForEvent, recordEvents, expectNoEvent } from '../helpers/events.js';

let agent: LocalAgent;
beforeAll(async () => {
  agent = await createLocalAgent({
    speechEngine: 'babble',
    speechWorker: false,
    recognizer: 'none',
    llm: false,
  });
});
afterAll(() => agent?.close());

describe('AgentSession with the local agent', () => {
  it('hears the greeting, answers typed text, and ends cleanly', async () => {
    const session = new AgentSession({
      endpoint: { kind: 'agent', agentId: 'local-agent', origin: agent.url },
      WebSocket,
      initiation: { conversation_config_override: { agent: { first_message: 'Hi from the test.' } } },
    });
    const rec = recordEvents(session, ['response', 'audio', 'error']);
    const greeting = waitForEvent(session, 'response', { timeout: 10_000 });
    const info = await session.connect();
    expect(info.conversationId).toMatch(/./);
    expect(info.outputFormat.sampleRate).toBeGreaterThan(0);
    expect(await greeting).toMatchObject({ text: 'Hi from the test.' });
    await waitForEvent(session, 'audio', { timeout: 10_000 });

    session.sendText('hello');
    const reply = await waitForEvent(session, 'response', {
      timeout: 10_000,
      predicate: (e) => e.text !== 'Hi from the test.',
    });
    expect(reply.text).toBe('Hello there! What can I do for you?');
    const replyAudio = await waitForEvent(session, 'audio', {
      timeout: 10_000,
      predicate: (c) => c.eventId === reply.eventId,
    });
    expect(replyAudio.pcm.length).toBeGreaterThan(0);
    expect(session.lastTurnFirstAudioMs).toBeGreaterThanOrEqual(0);

    // Skip the rest of the reply: none of its remaining audio is delivered, the next reply plays.
    expect(session.interrupt()).toBe(true);
    await expectNoEvent(session, 'audio', 300, (c) => c.eventId === reply.eventId);
    session.sendText('goodbye');
    const bye = await waitForEvent(session, 'response', {
      timeout: 10_000,
      predicate: (e) => e.text === 'Goodbye!',
    });
    await waitForEvent(session, 'audio', { timeout: 10_000, predicate: (c) => c.eventId === bye.eventId });

    await session.close();
    expect(session.endReason).toMatchObject({ kind: 'user' });
    expect(rec.of('error')).toEqual([]);
  });
});
