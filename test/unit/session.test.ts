/**
 * AgentSession against a scripted ConvAI server: connecting (sub-protocol, initiation, refusals) and
 * every server → client message. session-traffic.test.ts has audio, client messages, tools and
 * listeners; session-close.test.ts how conversations end; session-queue.test.ts the wait for a slot.
 */
import { describe, it, expect } from 'vitest';
import { recordEvents } from '../helpers/events.js';
import { audio, ping, scriptedSessions, sync } from './session-setup.js';
import { SERVER_EXAMPLES } from '../helpers/protocol-examples.js';
import { mergeInitiation, SessionError } from '../../plugin/session/index.js';
import { npcAgentToInitiation } from '../../plugin/phaser/overrides.js';
import type { ConversationInitiationClientData, PongMessage } from '../../plugin/protocol/index.js';

const { server, make, open } = scriptedSessions();

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
    const conn = await server().connection(0);
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
    const conn = await server().connection(0);
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
      endpoint: { kind: 'agent', agentId: 'agent 7/x', origin: `ws://127.0.0.1:${server().port}` },
    });
    expect(conn.url).toBe('/v1/convai/conversation?agent_id=agent%207%2Fx');
  });

  it('skips frames before the metadata instead of failing, and times out when none comes', async () => {
    const session = make({ metadataTimeoutMs: 150 });
    const ends = recordEvents(session, ['conversation:end']);
    const connected = session.connect();
    const conn = await server().connection(0);
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
    const conn = await server().connection(0);
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
    expect(server().connections).toHaveLength(1);
  });

  it('fails clearly when nothing listens at the URL, and when no WebSocket implementation exists', async () => {
    const url = server().url;
    await server().close();
    const session = make({ endpoint: { kind: 'url', url } });
    await expect(session.connect()).rejects.toMatchObject({ endReason: { error: 'connection', code: 1006 } });
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
    const conn = await server().connection(0);
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
