/**
 * AgentSession against a scripted ConvAI server: agent audio and interruptions, what the client sends,
 * client tools, listeners, and a network that cannot keep up (session.test.ts: connecting and the
 * server's messages).
 */
import { describe, it, expect } from 'vitest';
import { waitForEvent, recordEvents } from '../helpers/events.js';
import { until } from '../../harness/poll.js';
import { audio, scriptedSessions, sync, TrackedWebSocket } from './session-setup.js';
import { ClientToolError, DEFAULT_TOOL_RESULT, SessionError } from '../../plugin/session/index.js';
import {
  base64ToInt16,
  base64ToBytes,
  bytesToBase64,
  int16ToUlaw,
  ulawToInt16,
  type ClientMessage,
  type ClientToolResultMessage,
  type UserAudioChunk,
} from '../../plugin/protocol/index.js';

const { make, open, server } = scriptedSessions();

describe('audio and interruptions', () => {
  it('delivers agent audio decoded at the output format with its event id and alignment', async () => {
    const { session, conn } = await open({}, { output: 'pcm_24000' });
    const alignment = { chars: ['H', 'i'], char_start_times_ms: [0, 50], char_durations_ms: [50, 60] };
    conn.send(audio(1, [0, 1000, -1000, 32767, -32768], { alignment, is_final: true }));
    const chunk = await waitForEvent(session, 'audio');
    expect(Array.from(chunk.pcm)).toEqual([0, 1000, -1000, 32767, -32768]);
    expect(chunk).toMatchObject({
      sampleRate: 24000,
      format: 'pcm_24000',
      eventId: 1,
      firstOfResponse: true,
      alignment,
      isFinal: true,
    });
  });

  it('expands μ-law output to PCM16', async () => {
    const { session, conn } = await open({}, { output: 'ulaw_8000' });
    const ulaw = int16ToUlaw(Int16Array.from([0, 5000, -5000]));
    conn.send({ type: 'audio', audio_event: { audio_base_64: bytesToBase64(ulaw), event_id: 1 } });
    const chunk = await waitForEvent(session, 'audio');
    expect(chunk.sampleRate).toBe(8000);
    expect(Array.from(chunk.pcm)).toEqual(Array.from(ulawToInt16(ulaw)));
  });

  it('an interruption in the middle of a turn drops the rest of that turn and plays the next', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['audio', 'interruption']);
    conn.burst([
      audio(1, [1]),
      audio(1, [2]),
      { type: 'interruption', interruption_event: { event_id: 2 } },
      // Stale audio of the interrupted response still in flight: must not play.
      audio(1, [3]),
      audio(1, [4]),
      audio(3, [5]),
      audio(3, [6]),
    ]);
    await sync(conn);
    expect(
      rec.all.map((r) => (r.name === 'audio' ? (r.args[0] as { pcm: Int16Array }).pcm[0] : r.name)),
    ).toEqual([1, 2, 'interruption', 5, 6]);
    expect(rec.of('interruption')).toEqual([{ source: 'server', eventId: 2 }]);
    expect(rec.of('audio').map((c) => c.firstOfResponse)).toEqual([true, false, true, false]);
  });

  it('interrupt() stops the current response on the client only', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['audio', 'interruption']);
    expect(session.interrupt()).toBe(false); // nothing playing yet
    conn.send(audio(5, [1]));
    await waitForEvent(session, 'audio');
    expect(session.interrupt()).toBe(true);
    expect(session.interrupt()).toBe(false);
    conn.burst([audio(5, [2]), audio(6, [3])]);
    await sync(conn);
    expect(rec.of('interruption')).toEqual([{ source: 'client', eventId: 5 }]);
    expect(rec.of('audio').map((c) => c.pcm[0])).toEqual([1, 3]);
    // No wire message exists for a local interrupt.
    expect(conn.received.map((m) => ('type' in m ? m.type : 'audio'))).toEqual([
      'conversation_initiation_client_data',
      'pong',
    ]);
  });

  it('measures the time from the end of the player turn to the first reply audio', async () => {
    let clock = 1000;
    const { session, conn } = await open({ now: () => clock });
    conn.send({ type: 'user_transcript', user_transcription_event: { user_transcript: 'hi', event_id: 1 } });
    await waitForEvent(session, 'transcript');
    clock = 1180;
    conn.send(audio(2, [1]));
    expect(await waitForEvent(session, 'audio')).toMatchObject({ receivedAt: 1180 });
    expect(session.lastTurnFirstAudioMs).toBe(180);
  });
});

describe('client -> server messages', () => {
  it('sends microphone audio as user_audio_chunk at the negotiated PCM format', async () => {
    const { session, conn } = await open();
    const samples = Int16Array.from({ length: 320 }, (_, i) => (i * 97) % 30000);
    expect(session.sendAudio(samples)).toBe(true);
    const chunk = await conn.nextOfType<UserAudioChunk>('user_audio_chunk');
    expect(Object.keys(chunk)).toEqual(['user_audio_chunk']);
    expect(Array.from(base64ToInt16(chunk.user_audio_chunk)!)).toEqual(Array.from(samples));
  });

  it('encodes μ-law when the agent takes ulaw_8000 input', async () => {
    const { session, conn } = await open({}, { input: 'ulaw_8000' });
    const samples = Int16Array.from([0, 8000, -8000, 100]);
    session.sendAudio(samples);
    const chunk = await conn.nextOfType<UserAudioChunk>('user_audio_chunk');
    expect(Array.from(base64ToBytes(chunk.user_audio_chunk)!)).toEqual(Array.from(int16ToUlaw(samples)));
  });

  it('sends text, contextual updates, activity and feedback exactly as the protocol defines them', async () => {
    const { session, conn } = await open();
    expect(() => session.sendFeedback('like')).toThrow(/No agent turn/);
    conn.send({ type: 'agent_response', agent_response_event: { agent_response: 'Hi', event_id: 6 } });
    await waitForEvent(session, 'response');
    session.sendText('hi there');
    session.sendContextualUpdate('Player holds the Rusty Sword.', 'inventory');
    session.sendContextualUpdate('It is raining.');
    session.sendUserActivity();
    session.sendFeedback('like');
    session.sendFeedback(null, 4);
    await until(() => conn.received.length >= 7);
    expect(conn.received.slice(1)).toEqual<ClientMessage[]>([
      { type: 'user_message', text: 'hi there' },
      { type: 'contextual_update', text: 'Player holds the Rusty Sword.', context_id: 'inventory' },
      { type: 'contextual_update', text: 'It is raining.' },
      { type: 'user_activity' },
      { type: 'feedback', score: 'like', event_id: 6 },
      { type: 'feedback', score: null, event_id: 4 },
    ]);
    expect(conn.rejected).toEqual([]);
  });

  it('refuses to send when the conversation is not open', async () => {
    const session = make();
    expect(session.sendAudio(new Int16Array(4))).toBe(false);
    expect(() => session.sendText('hi')).toThrow(SessionError);
    const { session: s2 } = await open();
    await s2.close();
    expect(s2.sendAudio(new Int16Array(4))).toBe(false);
    expect(() => s2.sendUserActivity()).toThrow(/closed/);
  });
});

describe('client tools', () => {
  const call = (name: string, id: string, parameters: object = {}, expects_response?: boolean) => ({
    type: 'client_tool_call' as const,
    client_tool_call: {
      tool_name: name,
      tool_call_id: id,
      parameters,
      event_id: 4,
      ...(expects_response === undefined ? {} : { expects_response }),
    },
  });
  const resultFor = (conn: Awaited<ReturnType<typeof open>>['conn'], id: string) =>
    conn.next<ClientToolResultMessage>(
      (m) => 'type' in m && m.type === 'client_tool_result' && m.tool_call_id === id,
    );

  it('runs the handler and answers with a string result; errors become is_error', async () => {
    const seen: unknown[] = [];
    const { session, conn } = await open({
      clientTools: {
        open_shop: async (params) => {
          seen.push(params);
          return { opened: params.category };
        },
        say_done: () => undefined,
        refuse: () => {
          throw new ClientToolError('The player said no', 'user_rejected');
        },
        broken: () => Promise.reject(new Error('shop is closed')),
      },
    });
    const events = recordEvents(session, ['tool']);
    conn.burst([
      call('open_shop', 'a', { category: 'weapons' }),
      call('say_done', 'b'),
      call('refuse', 'c'),
      call('broken', 'd'),
    ]);
    expect(await resultFor(conn, 'a')).toEqual({
      type: 'client_tool_result',
      tool_call_id: 'a',
      result: '{"opened":"weapons"}',
      is_error: false,
    });
    expect(await resultFor(conn, 'b')).toMatchObject({ result: DEFAULT_TOOL_RESULT, is_error: false });
    expect(await resultFor(conn, 'c')).toEqual({
      type: 'client_tool_result',
      tool_call_id: 'c',
      result: 'The player said no',
      is_error: true,
      error_type: 'user_rejected',
    });
    expect(await resultFor(conn, 'd')).toMatchObject({ result: 'shop is closed', is_error: true });
    expect(seen).toEqual([{ category: 'weapons' }]);
    expect(events.of('tool')[0]).toEqual({
      name: 'open_shop',
      id: 'a',
      parameters: { category: 'weapons' },
      eventId: 4,
      expectsResponse: true,
      handled: true,
    });
    expect(conn.rejected).toEqual([]);
  });

  it('answers an unknown tool with an error result naming it', async () => {
    const { session, conn } = await open();
    const toolCall = waitForEvent(session, 'tool');
    conn.send(call('summon_dragon', 'x'));
    expect(await resultFor(conn, 'x')).toEqual({
      type: 'client_tool_result',
      tool_call_id: 'x',
      result: 'Client tool with name summon_dragon is not defined on client',
      is_error: true,
    });
    expect(await toolCall).toMatchObject({ name: 'summon_dragon', handled: false });
  });

  it('runs fire-and-forget tools (expects_response: false) without replying', async () => {
    let ran = 0;
    const { session, conn } = await open();
    const off = session.registerTool('wave', () => void ran++);
    conn.send(call('wave', 'w', {}, false));
    await until(() => ran === 1);
    await sync(conn);
    off();
    conn.send(call('wave', 'w2'));
    expect(await resultFor(conn, 'w2')).toMatchObject({ is_error: true });
    expect(conn.received.filter((m) => 'type' in m && m.type === 'client_tool_result')).toHaveLength(1);
    expect(ran).toBe(1);
  });

  it('a result ready only after a reconnect is sent nowhere: the new conversation did not ask', async () => {
    let finish!: (result: string) => void;
    const { session, conn } = await open({
      clientTools: { slow: () => new Promise<string>((resolve) => (finish = resolve)) },
    });
    const asked = waitForEvent(session, 'tool');
    conn.send(call('slow', 's'));
    await asked;
    conn.drop();
    const second = await server().connection(1);
    await second.nextOfType('conversation_initiation_client_data');
    second.sendMetadata();
    await waitForEvent(session, 'conversation:start');
    finish('late');
    // Once the pong of a later ping is back the result has been handled: it would have gone first.
    await sync(second);
    session.sendText('after');
    await second.nextOfType('user_message');
    expect(second.received.filter((m) => 'type' in m && m.type === 'client_tool_result')).toEqual([]);
  });
});

describe('listeners', () => {
  it('on() returns an unsubscribe, and a throwing listener does not break the session', async () => {
    const { session, conn } = await open();
    const got: string[] = [];
    const off = session.on('response', (e) => got.push(e.text));
    const errors: unknown[] = [];
    const onUncaught = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onUncaught);
    const offThrow = session.on('response', () => {
      throw new Error('game bug');
    });
    try {
      conn.send({ type: 'agent_response', agent_response_event: { agent_response: 'one', event_id: 1 } });
      await sync(conn);
      off();
      offThrow();
      conn.send({ type: 'agent_response', agent_response_event: { agent_response: 'two', event_id: 2 } });
      await sync(conn);
      await until(() => errors.length === 1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(got).toEqual(['one']);
    expect(String(errors[0])).toContain('game bug');
  });

  it('leaves no listener on the socket once closed', async () => {
    const { session } = await open();
    const ws = TrackedWebSocket.instances.at(-1)!;
    expect(ws.sessionListenerCount()).toBe(4);
    await session.close();
    expect(ws.sessionListenerCount()).toBe(0);
  });
});

describe('a network that cannot keep up', () => {
  it('drops microphone audio beyond the backlog limit, says so once, and sends the newest again once it drains', async () => {
    const { session, conn } = await open({ maxAudioBacklogMs: 500 });
    const dropped = recordEvents(session, ['audioDropped']);
    // The server stops reading: the client's kernel buffer fills, then the socket's own queue grows.
    const tcp = (conn.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const chunk = new Int16Array(320); // 20 ms at 16 kHz
    let sent = 0;
    while (session.sendAudio(chunk)) {
      sent++;
      if (sent > 200_000) throw new Error('the backlog never exceeded the limit');
      // Let the socket hand what it can to the kernel, as a game's frames would.
      if (sent % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    // Refused from here on, and only one event for the whole stall.
    expect(session.sendAudio(chunk)).toBe(false);
    expect(session.sendAudio(chunk)).toBe(false);
    const events = dropped.of('audioDropped');
    expect(events).toHaveLength(1);
    expect(events[0]!.backlogMs).toBeGreaterThan(500);
    expect(session.droppedAudioMs).toBeCloseTo(60, 5); // the chunk that tripped it and two more
    expect(session.state).toBe('open');
    // The network recovers: the queue drains and the newest audio goes out again.
    tcp.resume();
    const marked = Int16Array.from({ length: 320 }, (_, i) => i + 1);
    await until(() => session.sendAudio(marked), { timeout: 10_000, interval: 20 });
    await conn.next(
      (m) => 'user_audio_chunk' in m && base64ToInt16((m as UserAudioChunk).user_audio_chunk)![319] === 320,
      10_000,
    );
    expect(conn.received.filter((m) => 'user_audio_chunk' in m).length).toBeLessThanOrEqual(sent + 1);
  }, 30_000);

  it('close() is closing at once but starts the handshake in a task of its own (a game frame does not wait on the network)', async () => {
    const { session, conn } = await open();
    const ws = TrackedWebSocket.instances.at(-1)!;
    const calls: string[] = [];
    let inClose = false;
    const wsClose = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string) => {
      calls.push(inClose ? 'inside close()' : 'after close()');
      wsClose(code, reason);
    };
    expect(session.sendAudio(new Int16Array(320))).toBe(true); // open: audio goes out
    inClose = true;
    const closed = session.close();
    inClose = false;
    expect(session.state).toBe('closing');
    // Nothing leaves any more, as after WebSocket.close() itself.
    expect(session.sendAudio(new Int16Array(320))).toBe(false);
    expect(calls).toEqual([]);
    await closed;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c === 'after close()')).toBe(true);
    expect(await conn.closed).toEqual({ code: 1000, reason: 'User ended conversation' });
  });
});
