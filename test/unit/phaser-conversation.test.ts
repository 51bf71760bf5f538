import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AgentSession } from '../../plugin/session/index.js';
import type {
  ClientToolResultMessage,
  ContextualUpdateMessage,
  EndReason,
} from '../../plugin/protocol/index.js';
import { Conversation } from '../../plugin/phaser/conversation.js';
import type { ConversationInputs } from '../../plugin/phaser/conversation-parts.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';
import { until } from '../../harness/poll.js';
import { FakeSession } from './director-rig.js';
import { SessionError } from '../../plugin/session/index.js';
import { audio, conversationRig, RecBubble } from './conversation-rig.js';

// One conversation's glue (session events -> voice, bubble and NPC events), with a real AgentSession
// over a real `ws` connection to a scripted server; the recorders are in conversation-rig.ts.

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

const rig = (opts?: Parameters<typeof conversationRig>[1]) => conversationRig(server, opts);

describe('Conversation: one NPC conversation wired to voice, bubble and game events', () => {
  it('sends every context fact on open, keyed by context_id, and only changes afterwards', async () => {
    const r = await rig();
    const first = await r.server.nextOfType<ContextualUpdateMessage>('contextual_update');
    expect(first).toEqual({
      type: 'contextual_update',
      text: 'The player holds a torch.',
      context_id: 'inventory',
    });
    r.conv.sendContext('inventory', 'The player holds a torch.'); // unchanged: not resent
    r.conv.sendContext('inventory', 'The player holds a lantern.');
    const second = await r.server.next<ContextualUpdateMessage>(
      (m) => 'type' in m && m.type === 'contextual_update' && m !== first,
    );
    expect(second.text).toBe('The player holds a lantern.');
    expect(r.server.received.filter((m) => 'type' in m && m.type === 'contextual_update')).toHaveLength(2);
    r.conv.dispose();
  });

  it('prewarmed: holds the greeting (audio and bubble reveal) until activated, then plays it in order', async () => {
    const r = await rig({ prewarm: true });
    expect(r.events).toContainEqual(['state', 'ready']);
    expect(r.events).toContainEqual([
      'conversation:start',
      { conversationId: expect.any(String), prewarm: true },
    ]);
    r.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Welcome [laughs] traveller!', event_id: 1 },
    });
    r.server.burst([audio(1), audio(1), audio(1)]);
    // A ping after the audio: once the session has handled it, it has handled every frame before it.
    r.server.send({ type: 'ping', ping_event: { event_id: 7, ping_ms: 42 } });
    await until(() => r.conv.pingMs === 42);
    expect(r.events.some((e) => e[0] === 'response')).toBe(true);
    expect(r.voice.pushes).toEqual([]); // nothing audible yet
    expect(r.events).toContainEqual(['response', 'Welcome traveller!', 1]); // game text never has tags
    // No microphone audio goes to a prewarmed conversation.
    r.conv.sendAudio(new Int16Array(320));
    r.conv.activate();
    expect(r.voice.pushes).toEqual([
      { samples: 1600, turn: 1 },
      { samples: 1600, turn: 1 },
      { samples: 1600, turn: 1 },
    ]);
    r.conv.sendAudio(new Int16Array(320));
    await r.server.nextOfType('user_audio_chunk');
    expect(r.server.received.filter((m) => !('type' in m))).toHaveLength(1);
    r.conv.dispose();
  });

  it('a skip cuts the bubble at what was heard and flushes the voice', async () => {
    const r = await rig();
    r.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Let me tell you the whole history', event_id: 2 },
    });
    r.server.send(audio(2, 16000)); // 1 s
    await until(() => r.voice.pushes.length === 1);
    r.voice.turnId = 2;
    r.voice.fire('turnstart', 2);
    r.voice.playbackPositionMs = 500; // half the audio heard: the spread estimate reveals a part
    r.conv.skip();
    expect(r.voice.flushes).toBe(1);
    expect(r.bubble.cuts).toHaveLength(1);
    const heard = r.bubble.cuts[0]!;
    expect(heard).toBeGreaterThan(0);
    expect(heard).toBeLessThan('Let me tell you the whole history'.length);
    expect(r.events.some((e) => e[0] === 'interruption')).toBe(true);
    r.conv.dispose();
  });

  it('a turn whose text comes without audio reveals at reading speed (not while the greeting is held)', async () => {
    const r = await rig();
    r.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Text only, no voice today.', event_id: 4 },
    });
    await until(() => r.bubble.shown.length === 1);
    expect(r.conv.positionFor(4)).toBeNull(); // audio may still be on its way
    r.clock.skipped += 1000; // no audio 1 s after the text (the limit is 800 ms): read it
    expect(r.conv.positionFor(4)).toBeGreaterThan(100);
    r.conv.dispose();

    await server.close();
    server = await startScriptedServer();
    const held = await rig({ prewarm: true });
    held.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Welcome!', event_id: 1 },
    });
    await until(() => held.bubble.shown.length === 1);
    held.clock.skipped += 10_000; // far past the text-only limit: the held greeting is not read out
    expect(held.conv.positionFor(1)).toBeNull();
    held.conv.dispose();
  });

  it('a voice that cannot play (its processor refused) does not hold its words back: they are read', async () => {
    const r = await rig();
    r.server.send(audio(5));
    r.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Unheard words.', event_id: 5 },
    });
    await until(() => r.bubble.shown.length === 1 && r.voice.pushes.length === 1);
    r.clock.skipped += 1000;
    expect(r.conv.positionFor(5)).toBeNull(); // audio came: the bubble waits for it to play
    r.voice.fire('error', new Error('blocked by the Content-Security-Policy'));
    expect(r.conv.positionFor(5)).toBeGreaterThan(100);
    r.conv.dispose();
  });

  it("a barge-in's correction replaces the bubble with what was actually said", async () => {
    const r = await rig();
    r.server.send({
      type: 'agent_response',
      agent_response_event: {
        agent_response: 'Let me tell you the whole history of the forge.',
        event_id: 3,
      },
    });
    r.server.send(audio(3));
    await until(() => r.voice.pushes.length === 1);
    r.server.send({ type: 'interruption', interruption_event: { event_id: 3 } });
    r.server.send({
      type: 'agent_response_correction',
      agent_response_correction_event: {
        original_agent_response: 'Let me tell you the whole history of the forge.',
        corrected_agent_response: 'Let me tell you the whole',
        event_id: 3,
      },
    });
    await until(() => r.bubble.corrected.length === 1);
    expect(r.bubble.corrected).toEqual(['Let me tell you the whole']);
    expect(r.voice.flushes).toBeGreaterThanOrEqual(1);
    expect(r.events).toContainEqual([
      'correction',
      'Let me tell you the whole',
      'Let me tell you the whole history of the forge.',
      3,
    ]);
    r.conv.dispose();
  });

  it('tools: a handler answers, a listener alone answers with success, anything else is an error result', async () => {
    const r = await rig({ tools: { give_item: (p) => `gave ${String(p.item)}` }, listen: ['open_shop'] });
    const call = (name: string, id: string, parameters: Record<string, unknown> = {}) =>
      r.server.send({
        type: 'client_tool_call',
        client_tool_call: {
          tool_name: name,
          tool_call_id: id,
          parameters,
          event_id: 5,
          expects_response: true,
        },
      });
    call('give_item', 't1', { item: 'lantern' });
    call('open_shop', 't2', { shop: 'miras_wares' });
    call('launch_rocket', 't3');
    const results = await Promise.all(
      ['t1', 't2', 't3'].map((id) =>
        r.server.next<ClientToolResultMessage>(
          (m) => 'type' in m && m.type === 'client_tool_result' && m.tool_call_id === id,
        ),
      ),
    );
    expect(results.map((m) => [m.tool_call_id, m.is_error, m.result])).toEqual([
      ['t1', false, 'gave lantern'],
      ['t2', false, 'Client tool execution successful.'],
      ['t3', true, 'Client tool with name launch_rocket is not defined on client'],
    ]);
    // Every call is also a game event, by name.
    expect(r.events).toContainEqual([
      'tool:open_shop',
      { shop: 'miras_wares' },
      expect.objectContaining({ id: 't2' }),
    ]);
    r.conv.dispose();
  });

  it("a game handler that throws (or rejects) is the agent's error result and the NPC's 'tool' error", async () => {
    const r = await rig({
      tools: {
        give_item: () => {
          throw new Error('inventory full');
        },
        open_shop: () => Promise.reject(new Error('shop closed')),
      },
    });
    for (const [name, id] of [
      ['give_item', 't1'],
      ['open_shop', 't2'],
    ] as const)
      r.server.send({
        type: 'client_tool_call',
        client_tool_call: {
          tool_name: name,
          tool_call_id: id,
          parameters: {},
          event_id: 5,
          expects_response: true,
        },
      });
    const results = await Promise.all(
      ['t1', 't2'].map((id) =>
        r.server.next<ClientToolResultMessage>(
          (m) => 'type' in m && m.type === 'client_tool_result' && m.tool_call_id === id,
        ),
      ),
    );
    expect(results.map((m) => [m.is_error, m.result])).toEqual([
      [true, 'inventory full'],
      [true, 'shop closed'],
    ]);
    const errors = r.events.filter((e) => e[0] === 'error').map((e) => e[1]);
    expect(errors).toEqual([
      expect.objectContaining({ kind: 'tool', message: 'The give_item tool handler threw: inventory full' }),
      expect.objectContaining({ kind: 'tool', message: 'The open_shop tool handler threw: shop closed' }),
    ]);
    r.conv.dispose();
  });

  it("after a reconnect the new conversation's turns play and show, though their ids start over", async () => {
    const r = await rig({ reconnect: true });
    r.server.send(audio(7));
    r.server.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'Old words.', event_id: 7 },
    });
    await until(() => r.bubble.shown.includes('Old words.'));
    r.conv.skip(); // the player cut it off: the voice has flushed turn 7 and everything before it
    r.server.drop();
    const again = await server.connection(1);
    await again.nextOfType('conversation_initiation_client_data');
    again.sendMetadata();
    await until(() => r.voice.restarts === 1);
    again.send(audio(1));
    again.send({
      type: 'agent_response',
      agent_response_event: { agent_response: 'New words.', event_id: 1 },
    });
    await until(() => r.bubble.shown.includes('New words.'));
    expect(r.voice.pushes.at(-1)!.turn).toBe(1);
    expect(r.bubble.turnId).toBe(1);
    r.conv.dispose();
  });

  it('the server ending the conversation is reported once; dispose removes every listener it added', async () => {
    const r = await rig();
    expect(r.voice.listeners()).toBeGreaterThan(0);
    r.server.close(1000, 'Agent ended the call');
    await until(() => r.ended.length === 1);
    expect(r.ended[0]).toMatchObject({ kind: 'agent' });
    r.conv.dispose();
    r.conv.dispose();
    expect(r.voice.listeners()).toBe(0);
    expect(r.voice.disposed).toBe(true);
    expect(r.session.state).toBe('closed');
  });

  it('an agent that cannot be reached ends the conversation once, with a typed reason', async () => {
    const url = server.url;
    await server.close();
    server = await startScriptedServer(); // afterEach closes this one
    const session = new AgentSession({
      endpoint: { kind: 'url', url },
      WebSocket,
      reconnect: false,
    });
    const events: unknown[][] = [];
    const ended: EndReason[] = [];
    const inputs: ConversationInputs = {
      contexts: () => new Map(),
      toolHandler: () => undefined,
      hasToolListener: () => false,
      toolNames: () => [],
      now: () => 0,
    };
    const conv = new Conversation(inputs, session, null, new RecBubble());
    conv.on('state', (st) => events.push(['state', st]));
    conv.on('npc', (...e) => events.push(e));
    conv.on('end', (r) => ended.push(r));
    await conv.connect();
    await until(() => ended.length === 1);
    expect(ended[0]).toMatchObject({ kind: 'error', error: 'connection' });
    expect(events.filter((e) => e[0] === 'error')).toEqual([]); // the plugin reports it once, from the end reason
    conv.dispose();
  });
});

/** The agent closed the socket: for one round trip the session still says open, and a send throws. */
class ClosingSession extends FakeSession {
  override sendText(): void {
    throw new SessionError('invalid_state', 'Cannot send while the session is open');
  }
  override sendContextualUpdate(): void {
    throw new SessionError('invalid_state', 'Cannot send while the session is open');
  }
}

describe('Conversation: a socket closing under it', () => {
  it('drops what the game sends instead of throwing into its update loop, and still opens fully', () => {
    const session = new ClosingSession();
    const inputs: ConversationInputs = {
      contexts: () => new Map([['inventory', 'The player holds a torch.']]),
      toolHandler: () => undefined,
      hasToolListener: () => false,
      toolNames: () => [],
      now: () => 0,
    };
    const conv = new Conversation(inputs, session, null, new RecBubble());
    const states: string[] = [];
    conv.on('state', (s) => states.push(s));
    conv.activate();
    void conv.connect();
    session.open('conv-1'); // sending the context facts on open throws inside the session
    expect(states).toContain('listening');
    expect(conv.sendText('hello?')).toBe(false);
    expect(() => conv.sendContext('weather', 'rain')).not.toThrow();
    conv.dispose();
  });
});
