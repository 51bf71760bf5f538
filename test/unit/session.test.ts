import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';
import { waitForEvent, recordEvents, until } from '../helpers/events.js';
import { sessionFactory, TrackedWebSocket } from './session-setup.js';
import { SERVER_EXAMPLES } from '../helpers/protocol-examples.js';
import {
  ClientToolError,
  DEFAULT_TOOL_RESULT,
  mergeInitiation,
  SessionError,
} from '../../plugin/session/index.js';
import { npcAgentToInitiation } from '../../plugin/phaser/overrides.js';
import {
  int16ToBase64,
  base64ToInt16,
  base64ToBytes,
  bytesToBase64,
  int16ToUlaw,
  ulawToInt16,
  type ClientMessage,
  type ClientToolResultMessage,
  type ConversationInitiationClientData,
  type PongMessage,
  type UserAudioChunk,
} from '../../plugin/protocol/index.js';

let server: ScriptedServer;
const { make, open, closeAll } = sessionFactory(() => server);

beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await closeAll();
  await server.close();
});

const audio = (eventId: number, samples: number[], extra: object = {}) => ({
  type: 'audio' as const,
  audio_event: { audio_base_64: int16ToBase64(Int16Array.from(samples)), event_id: eventId, ...extra },
});
const ping = (eventId: number, pingMs: number | null = null) => ({
  type: 'ping' as const,
  ping_event: { event_id: eventId, ping_ms: pingMs },
});
/** A ping round trip: once its pong is back, every frame the server sent before it has been handled. */
async function sync(
  conn: Awaited<ReturnType<typeof open>>['conn'],
  id = 900 + Math.floor(Math.random() * 1e6),
) {
  conn.send(ping(id));
  await conn.next((m) => 'type' in m && m.type === 'pong' && m.event_id === id);
}

describe('connecting', () => {
  it('requests the convai sub-protocol, sends the NPC initiation first, and exposes the conversation', async () => {
    const { type: _t, ...fromNpc } = npcAgentToInitiation({
      prompt: { text: 'You are Mira.' },
      first_message: 'Welcome!',
      voice: { voice_id: 'v1', voice_settings: { stability: 0.4 } },
      dynamic_variables: { shop_name: 'Wares' },
    });
    const session = make({
      initiation: mergeInitiation(fromNpc, {
        user_id: 'player-1',
        conversation_config_override: { agent: { language: 'en' } },
      }),
    });
    const states = recordEvents(session, ['state']);
    const connected = session.connect();
    const conn = await server.connection(0);
    expect(conn.offeredProtocols).toEqual(['convai']);
    expect(conn.protocol).toBe('convai');
    const init = await conn.nextOfType<ConversationInitiationClientData>(
      'conversation_initiation_client_data',
    );
    expect(conn.received[0]).toBe(init);
    expect(init).toEqual({
      type: 'conversation_initiation_client_data',
      conversation_config_override: {
        agent: { prompt: { prompt: 'You are Mira.' }, first_message: 'Welcome!', language: 'en' },
        tts: { voice_id: 'v1', stability: 0.4 },
      },
      dynamic_variables: { shop_name: 'Wares' },
      user_id: 'player-1',
    });
    expect(session.state).toBe('connecting');
    conn.sendMetadata({ conversationId: 'conv_abc', input: 'ulaw_8000', output: 'pcm_24000' });
    const info = await connected;
    expect(info).toMatchObject({
      conversationId: 'conv_abc',
      inputFormat: { format: 'ulaw_8000', encoding: 'ulaw', sampleRate: 8000 },
      outputFormat: { format: 'pcm_24000', sampleRate: 24000 },
      reconnectAttempt: 0,
    });
    expect(session.conversationId).toBe('conv_abc');
    expect(session.state).toBe('open');
    expect(states.all.map((r) => r.args)).toEqual([
      ['connecting', 'idle'],
      ['open', 'connecting'],
    ]);
  });

  it('falls back to pcm_16000 input when older agents omit the input format', async () => {
    const session = make();
    const connected = session.connect();
    const conn = await server.connection(0);
    conn.send({
      type: 'conversation_initiation_metadata',
      conversation_initiation_metadata_event: {
        conversation_id: 'c',
        agent_output_audio_format: 'pcm_16000',
      },
    });
    expect((await connected).inputFormat.format).toBe('pcm_16000');
  });

  it('connects to a public agent id on the chosen host', async () => {
    const { conn } = await open({
      endpoint: { kind: 'agent', agentId: 'agent 7/x', origin: `ws://127.0.0.1:${server.port}` },
    });
    expect(conn.url).toBe('/v1/convai/conversation?agent_id=agent%207%2Fx');
  });

  it('skips frames before the metadata instead of failing, and times out when none comes', async () => {
    const session = make({ metadataTimeoutMs: 150 });
    const ends = recordEvents(session, ['conversation:end']);
    const connected = session.connect();
    const conn = await server.connection(0);
    conn.send(ping(1));
    const error = await connected.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({
      kind: 'connect_failed',
      endReason: { kind: 'error', error: 'metadata_timeout' },
    });
    expect(session.state).toBe('closed');
    expect(ends.all).toHaveLength(1);
    expect(conn.received.some((m) => 'type' in m && m.type === 'pong')).toBe(false);
  });

  it('rejects with the server reason when the agent refuses an override (error frame, then 1008)', async () => {
    const session = make({ initiation: { conversation_config_override: { tts: { voice_id: 'nope' } } } });
    const errors = recordEvents(session, ['error']);
    const connected = session.connect();
    const conn = await server.connection(0);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.send({
      type: 'error',
      error_event: {
        code: 1008,
        message: "Override for field 'voice_id' is not allowed by config.",
        error_type: 'override_error',
      },
    });
    conn.close(1008, "Override for field 'voice_id' is not allowed by config.");
    await expect(connected).rejects.toMatchObject({
      kind: 'connect_failed',
      message: "Override for field 'voice_id' is not allowed by config.",
      endReason: { kind: 'error', error: 'override', code: 1008, errorType: 'override_error' },
    });
    expect(errors.of('error')[0]).toMatchObject({
      kind: 'server',
      serverError: { errorType: 'override_error' },
    });
    // A refused first connection is not retried.
    expect(server.connections).toHaveLength(1);
  });

  it('fails clearly when nothing listens at the URL, and when no WebSocket implementation exists', async () => {
    const url = server.url;
    await server.close();
    const session = make({ endpoint: { kind: 'url', url } });
    await expect(session.connect()).rejects.toMatchObject({ endReason: { error: 'connection', code: 1006 } });
    server = await startScriptedServer();
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    delete g.WebSocket;
    try {
      expect(() => make({ WebSocket: undefined })).toThrow(/No WebSocket implementation/);
    } finally {
      if (saved) g.WebSocket = saved;
    }
  });

  it('connect() twice is an invalid_state error', async () => {
    const { session } = await open();
    await expect(session.connect()).rejects.toMatchObject({ kind: 'invalid_state' });
  });
});

describe('server -> client messages', () => {
  it('answers every ping with a pong at once and reports ping_ms as latency', async () => {
    const { session, conn } = await open();
    const pings = recordEvents(session, ['ping']);
    conn.send(ping(7));
    expect(await conn.nextOfType<PongMessage>('pong')).toEqual({ type: 'pong', event_id: 7 });
    expect(session.latencyMs).toBeUndefined();
    conn.send(ping(8, 48));
    expect(await conn.next((m) => 'event_id' in m && m.event_id === 8)).toEqual({
      type: 'pong',
      event_id: 8,
    });
    expect(session.latencyMs).toBe(48);
    expect(pings.of('ping')).toEqual([
      { eventId: 7, pingMs: null },
      { eventId: 8, pingMs: 48 },
    ]);
  });

  it('turns each turn message into its typed event', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, [
      'response',
      'correction',
      'transcript',
      'vadScore',
      'agentTool',
      'message',
    ]);
    conn.burst([
      {
        type: 'tentative_user_transcript',
        tentative_user_transcription_event: { user_transcript: 'Can you', event_id: 2 },
      },
      {
        type: 'user_transcript',
        user_transcription_event: { user_transcript: 'Can you repair it?', event_id: 2 },
      },
      { type: 'vad_score', vad_score_event: { vad_score: 0.92 } },
      {
        type: 'agent_response',
        agent_response_event: { agent_response: 'Of course, let me look.', event_id: 3 },
      },
      {
        type: 'agent_response_correction',
        agent_response_correction_event: {
          original_agent_response: 'Of course, let me look.',
          corrected_agent_response: 'Of course',
          event_id: 3,
        },
      },
      {
        type: 'agent_tool_request',
        agent_tool_request: { tool_name: 'lookup', tool_call_id: 't1', tool_type: 'webhook', event_id: 4 },
      },
      {
        type: 'context_usage',
        context_usage_event: { event_id: 4, model: 'm', context_tokens: 1, context_limit_tokens: 2 },
      },
    ]);
    await sync(conn);
    expect(rec.of('transcript')).toEqual([
      { text: 'Can you', eventId: 2, final: false },
      { text: 'Can you repair it?', eventId: 2, final: true },
    ]);
    expect(rec.of('vadScore')).toEqual([0.92]);
    expect(rec.of('response')).toEqual([{ text: 'Of course, let me look.', eventId: 3 }]);
    expect(rec.of('correction')).toEqual([
      { original: 'Of course, let me look.', corrected: 'Of course', eventId: 3 },
    ]);
    expect(rec.of('agentTool')).toMatchObject([{ type: 'agent_tool_request' }]);
    expect(rec.of('message').map((m) => m.type)).toEqual([
      'tentative_user_transcript',
      'user_transcript',
      'vad_score',
      'agent_response',
      'agent_response_correction',
      'agent_tool_request',
      'context_usage',
      'ping',
    ]);
  });

  it('accepts every server message type of the protocol without a protocol error', async () => {
    const { session, conn } = await open({ clientTools: { open_shop_menu: () => 'ok' } });
    const rec = recordEvents(session, ['message', 'unknownMessage', 'error', 'conversation:end']);
    // Everything except what ends or restarts the conversation (tested on its own).
    const frames = SERVER_EXAMPLES.filter(
      (m) =>
        m.type !== 'conversation_initiation_metadata' &&
        !(m.type === 'agent_tool_response' && m.agent_tool_response.tool_name === 'end_call'),
    );
    conn.burst(frames);
    await sync(conn);
    expect(rec.of('message').map((m) => m.type)).toEqual([...frames.map((m) => m.type), 'ping']);
    expect(rec.of('unknownMessage')).toEqual([]);
    // Only the two error frames are errors, and they are server errors, not protocol errors.
    expect(rec.of('error').map((e) => e.kind)).toEqual(['server', 'server']);
    expect(rec.of('conversation:end')).toEqual([]);
    expect(await conn.nextOfType('client_tool_result')).toMatchObject({
      tool_call_id: 'toolu_01',
      result: 'ok',
    });
  });

  it('loses nothing sent in the same burst as the metadata', async () => {
    const session = make({ clientTools: { wave: () => 'waved' } });
    const rec = recordEvents(session, ['conversation:start', 'response', 'audio', 'tool', 'unknownMessage']);
    const connected = session.connect();
    const conn = await server.connection(0);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.burst([
      {
        type: 'conversation_initiation_metadata',
        conversation_initiation_metadata_event: {
          conversation_id: 'conv_burst',
          agent_output_audio_format: 'pcm_16000',
          user_input_audio_format: 'pcm_16000',
        },
      },
      { type: 'agent_response', agent_response_event: { agent_response: 'Hello!', event_id: 1 } },
      audio(1, [1, 2, 3]),
      ping(5),
      {
        type: 'client_tool_call',
        client_tool_call: {
          tool_name: 'wave',
          tool_call_id: 'tc1',
          parameters: {},
          event_id: 1,
          expects_response: true,
        },
      },
      '{"type":"brand_new_event","brand_new_event_event":{}}',
    ]);
    await connected;
    expect(await conn.nextOfType('pong')).toEqual({ type: 'pong', event_id: 5 });
    expect(await conn.nextOfType('client_tool_result')).toEqual({
      type: 'client_tool_result',
      tool_call_id: 'tc1',
      result: 'waved',
      is_error: false,
    });
    expect(rec.names()).toEqual(['conversation:start', 'response', 'audio', 'tool', 'unknownMessage']);
  });

  it('reports malformed frames and unknown types without dropping the conversation', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['error', 'unknownMessage', 'response', 'audio']);
    conn.burst([
      '{"type":"agent_response",',
      '[]',
      '{"no_type":1}',
      '{"type":"audio","audio_event":{"event_id":1}}',
      '{"type":"agent_response_metadata","x":{}}',
      // Valid frame, but three bytes of base64 cannot be PCM16.
      '{"type":"audio","audio_event":{"audio_base_64":"AAAA","event_id":2}}',
      { type: 'agent_response', agent_response_event: { agent_response: 'still here', event_id: 3 } },
    ]);
    conn.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    await sync(conn);
    const errors = rec.of('error');
    expect(errors.map((e) => e.decodeError?.kind)).toEqual([
      'malformed_json',
      'not_an_object',
      'missing_type',
      'missing_field',
      undefined, // the odd-length audio payload: decodes as a frame, fails as PCM16
      'not_text',
    ]);
    expect(errors.every((e) => e.kind === 'protocol')).toBe(true);
    expect(errors[3]!.message).toContain('audio_event.audio_base_64');
    expect(rec.of('unknownMessage')).toMatchObject([
      { kind: 'unknown_type', type: 'agent_response_metadata' },
    ]);
    expect(rec.of('response')).toEqual([{ text: 'still here', eventId: 3 }]);
    expect(rec.of('audio')).toEqual([]);
    expect(session.state).toBe('open');
  });

  it('surfaces both error frame shapes as server errors', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['error']);
    conn.burst([
      { type: 'error', error_event: { code: 1002, message: 'LLM timed out', error_type: 'llm_timeout' } },
      '{"type":"error","message":"received 1002 (protocol error) This request exceeds your quota limit."}',
    ]);
    await sync(conn);
    expect(rec.of('error').map((e) => [e.kind, e.message, e.serverError?.code])).toEqual([
      ['server', 'LLM timed out', 1002],
      ['server', 'received 1002 (protocol error) This request exceeds your quota limit.', 1002],
    ]);
  });
});

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
});
