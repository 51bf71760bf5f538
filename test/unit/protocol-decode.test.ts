import { describe, it, expect } from 'vitest';
import {
  decodeServerFrame,
  decodeClientFrame,
  describeServerError,
  encodeClientMessage,
  encodeUserAudioChunk,
  InterruptionGate,
  classifyClose,
  isRetryable,
  type ServerMessage,
  type ClientMessage,
} from '../../plugin/protocol/index.js';

/** One valid example of every server message in convai-protocol.md §2.3 (taken from the reference). */
const SERVER_EXAMPLES: ServerMessage[] = [
  {
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: {
      conversation_id: 'conv_1',
      agent_output_audio_format: 'pcm_16000',
      user_input_audio_format: 'pcm_16000',
    },
  },
  {
    type: 'audio',
    audio_event: {
      audio_base_64: 'AAB4AKz+AAKz/wAEAPgsAQ==',
      event_id: 3,
      alignment: { chars: ['H', 'm'], char_start_times_ms: [0, 70], char_durations_ms: [70, 60] },
    },
  },
  { type: 'agent_response', agent_response_event: { agent_response: 'Hmph.', event_id: 3 } },
  {
    type: 'agent_response_correction',
    agent_response_correction_event: {
      original_agent_response: 'Let me tell you the whole history',
      corrected_agent_response: 'Let me tell you',
      event_id: 3,
    },
  },
  { type: 'agent_response_complete', agent_response_complete_event: { event_id: 3 } },
  { type: 'agent_chat_response_part', text_response_part: { text: 'Hm', type: 'delta', event_id: 3 } },
  {
    type: 'agent_reasoning_response_part',
    reasoning_response_part: { text: '', type: 'start', event_id: 'r_1' },
  },
  {
    type: 'user_transcript',
    user_transcription_event: { user_transcript: 'Can you repair my sword?', event_id: 5 },
  },
  {
    type: 'tentative_user_transcript',
    tentative_user_transcription_event: { user_transcript: 'Can you rep', event_id: 5 },
  },
  { type: 'interruption', interruption_event: { event_id: 4 } },
  { type: 'ping', ping_event: { event_id: 7, ping_ms: 48 } },
  { type: 'ping', ping_event: { event_id: 8, ping_ms: null } },
  { type: 'vad_score', vad_score_event: { vad_score: 0.92 } },
  {
    type: 'client_tool_call',
    client_tool_call: {
      tool_name: 'open_shop_menu',
      tool_call_id: 'toolu_01',
      parameters: { category: 'weapons' },
      event_id: 6,
      expects_response: true,
    },
  },
  {
    type: 'agent_tool_request',
    agent_tool_request: { tool_name: 'lookup_price', tool_call_id: 't2', tool_type: 'webhook', event_id: 8 },
  },
  {
    type: 'agent_tool_response',
    agent_tool_response: {
      tool_name: 'end_call',
      tool_call_id: 'end_call_1',
      tool_type: 'system',
      is_error: false,
      is_called: true,
      event_id: 9,
    },
  },
  {
    type: 'agent_tool_response_full_payload',
    agent_tool_response_full_payload: {
      tool_name: 'lookup_price',
      tool_call_id: 't2',
      tool_type: 'webhook',
      is_error: false,
      is_blocked: false,
      is_called: true,
      event_id: 8,
      full_tool_result: '{"price":40}',
      truncated: false,
    },
  },
  {
    type: 'mcp_tool_call',
    mcp_tool_call: {
      service_id: 'svc_1',
      tool_call_id: 'call_9',
      tool_name: 'search_wiki',
      tool_description: null,
      parameters: { q: 'dragons' },
      timestamp: '2026-08-01T12:00:00Z',
      state: 'awaiting_approval',
      approval_timeout_secs: 300,
    },
  },
  {
    type: 'mcp_connection_status',
    mcp_connection_status: {
      integrations: [
        { integration_id: 'i1', integration_type: 'mcp_server', is_connected: true, tool_count: 4 },
      ],
    },
  },
  {
    type: 'internal_tentative_agent_response',
    tentative_agent_response_internal_event: { tentative_agent_response: 'Hmph. Another adv' },
  },
  { type: 'internal_turn_probability', turn_probability_internal_event: { turn_probability: 0.81 } },
  {
    type: 'context_usage',
    context_usage_event: {
      event_id: 9,
      model: 'gemini-2.5-flash',
      context_tokens: 5231,
      context_limit_tokens: 1048576,
    },
  },
  { type: 'asr_initiation_metadata', asr_initiation_metadata_event: {} },
  { type: 'guardrail_triggered' },
  { type: 'agent_typing', agent_typing_event: { is_typing: true, duration_ms: 3000 } },
  { type: 'external_agent_connected', external_agent_connected_event: {} },
  { type: 'external_agent_disconnected' },
  {
    type: 'rich_content',
    rich_content: { rich_content_id: 'rc_1', component: 'item_card', props: { a: 1 }, event_id: 10 },
  },
  {
    type: 'error',
    error_event: {
      code: 1008,
      message: "Override for field 'voice_id' is not allowed by config.",
      error_type: 'override_error',
      reason: 'invalid override',
      debug_message: null,
      details: null,
    },
  },
  { type: 'error', message: 'received 1002 (protocol error) This request exceeds your quota limit.' },
];

/** One valid example of every client message in §2.2. */
const CLIENT_EXAMPLES: ClientMessage[] = [
  { user_audio_chunk: 'AAB4AKz+AAKz/wAEAPgsAQ==' },
  {
    type: 'conversation_initiation_client_data',
    conversation_config_override: {
      agent: { first_message: 'Hi {{name}}', language: 'en' },
      tts: { voice_id: 'abc' },
    },
    dynamic_variables: { name: 'Ann', level: 3, vip: true },
    user_id: 'u1',
    source_info: { source: 'js_sdk', version: '1.25.0' },
  },
  { type: 'pong', event_id: 7 },
  { type: 'user_message', text: 'hi there' },
  { type: 'contextual_update', text: 'Player picked up the Rusty Sword.', context_id: 'inventory' },
  { type: 'user_activity' },
  { type: 'client_tool_result', tool_call_id: 'toolu_01', result: '{"gold":120}', is_error: false },
  {
    type: 'client_tool_result',
    tool_call_id: 'toolu_02',
    result: 'no',
    is_error: true,
    error_type: 'user_rejected',
  },
  { type: 'feedback', score: 'like', event_id: 6 },
  { type: 'feedback', score: null, event_id: 6 },
  { type: 'mcp_tool_approval_result', tool_call_id: 'call_9', is_approved: true },
  {
    type: 'multimodal_message',
    text: { type: 'user_message', text: 'look' },
    file: { type: 'file_input', file_id: 'f1' },
  },
  { type: 'enclave_setup_config', agent_config_dict: {} },
];

describe('decodeServerFrame', () => {
  it.each(SERVER_EXAMPLES.map((m) => [m.type, m] as const))(
    'decodes %s to the wire object',
    (_type, message) => {
      expect(decodeServerFrame(JSON.stringify(message))).toEqual({ ok: true, message });
    },
  );

  it('reports malformed JSON, non-objects and binary frames without throwing', () => {
    const cases: [unknown, string][] = [
      ['{"type":"audio",', 'malformed_json'],
      ['', 'malformed_json'],
      ['[1,2]', 'not_an_object'],
      ['"ping"', 'not_an_object'],
      ['null', 'not_an_object'],
      ['{}', 'missing_type'],
      ['{"type":""}', 'missing_type'],
      ['{"type":7}', 'missing_type'],
      [new Uint8Array([123, 125]), 'not_text'],
      [undefined, 'not_text'],
    ];
    for (const [raw, kind] of cases) {
      const r = decodeServerFrame(raw);
      expect(r.ok, String(raw)).toBe(false);
      if (!r.ok) expect(r.error.kind, String(raw)).toBe(kind);
    }
  });

  it('marks unknown types as unknown_type (ignorable), keeping the type and the raw frame', () => {
    const raw = '{"type":"agent_response_metadata","agent_response_metadata_event":{}}';
    expect(decodeServerFrame(raw)).toEqual({
      ok: false,
      error: { kind: 'unknown_type', type: 'agent_response_metadata', raw, detail: expect.any(String) },
    });
    // Object.prototype keys are not message types.
    expect(decodeServerFrame('{"type":"constructor"}')).toMatchObject({
      ok: false,
      error: { kind: 'unknown_type' },
    });
  });

  it('names the missing or invalid field', () => {
    expect(decodeServerFrame('{"type":"audio","audio_event":{"audio_base_64":"AAAA"}}')).toMatchObject({
      ok: false,
      error: { kind: 'missing_field', type: 'audio', field: 'audio_event.event_id' },
    });
    expect(decodeServerFrame('{"type":"audio"}')).toMatchObject({
      ok: false,
      error: { kind: 'missing_field', field: 'audio_event' },
    });
    expect(decodeServerFrame('{"type":"ping","ping_event":{"event_id":"7"}}')).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_field',
        field: 'ping_event.event_id',
        detail: 'ping_event.event_id: expected number, got string "7"',
      },
    });
    expect(
      decodeServerFrame(
        '{"type":"audio","audio_event":{"audio_base_64":"","event_id":1,"alignment":{"chars":["a"],"char_start_times_ms":["0"],"char_durations_ms":[1]}}}',
      ),
    ).toMatchObject({
      ok: false,
      error: { kind: 'invalid_field', field: 'audio_event.alignment.char_start_times_ms' },
    });
  });

  it('rejects audio formats outside the published set in the metadata, and tolerates a missing input format', () => {
    const meta = (out: string, inp?: string) =>
      JSON.stringify({
        type: 'conversation_initiation_metadata',
        conversation_initiation_metadata_event: {
          conversation_id: 'c',
          agent_output_audio_format: out,
          ...(inp ? { user_input_audio_format: inp } : {}),
        },
      });
    expect(decodeServerFrame(meta('mp3_44100', 'pcm_16000'))).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid_field',
        field: 'conversation_initiation_metadata_event.agent_output_audio_format',
      },
    });
    expect(decodeServerFrame(meta('pcm_16000', 'pcm_12345'))).toMatchObject({
      ok: false,
      error: { kind: 'invalid_field' },
    });
    expect(decodeServerFrame(meta('ulaw_8000')).ok).toBe(true);
  });

  it('surfaces the message of both error frame shapes', () => {
    const nested = decodeServerFrame(
      '{"type":"error","error_event":{"code":1002,"message":"LLM timed out","error_type":"llm_timeout"}}',
    );
    const flat = decodeServerFrame(
      '{"type":"error","message":"received 1002 (protocol error) This request exceeds your quota limit."}',
    );
    if (!nested.ok || nested.message.type !== 'error' || !flat.ok || flat.message.type !== 'error')
      throw new Error('decode');
    expect(describeServerError(nested.message)).toEqual({
      message: 'LLM timed out',
      code: 1002,
      errorType: 'llm_timeout',
      flat: false,
    });
    expect(describeServerError(flat.message)).toEqual({
      message: 'received 1002 (protocol error) This request exceeds your quota limit.',
      code: 1002,
      flat: true,
    });
    expect(decodeServerFrame('{"type":"error"}')).toMatchObject({
      ok: false,
      error: { kind: 'missing_field' },
    });
  });
});

describe('decodeClientFrame', () => {
  it.each(CLIENT_EXAMPLES.map((m) => ['type' in m ? m.type : 'user_audio_chunk', m] as const))(
    'decodes %s',
    (_t, message) => {
      expect(decodeClientFrame(encodeClientMessage(message))).toEqual({ ok: true, message });
    },
  );

  it('treats user_message text null as absent (contract-js text-only signal)', () => {
    expect(decodeClientFrame('{"type":"user_message","text":null}')).toEqual({
      ok: true,
      message: { type: 'user_message' },
    });
  });

  it('reports bad client frames with a typed error', () => {
    expect(decodeClientFrame('{"user_audio_chunk":5}')).toMatchObject({
      ok: false,
      error: { kind: 'invalid_field', field: 'user_audio_chunk' },
    });
    expect(decodeClientFrame('{"text":"hi"}')).toMatchObject({ ok: false, error: { kind: 'missing_type' } });
    expect(decodeClientFrame('{"type":"feedback","score":"meh","event_id":1}')).toMatchObject({
      ok: false,
      error: { kind: 'invalid_field', field: 'score' },
    });
    expect(decodeClientFrame('{"type":"feedback","event_id":1}')).toMatchObject({
      ok: false,
      error: { kind: 'missing_field', field: 'score' },
    });
    expect(
      decodeClientFrame('{"type":"client_tool_result","tool_call_id":"x","result":{"a":1},"is_error":false}'),
    ).toMatchObject({
      ok: false,
      error: { kind: 'invalid_field', field: 'result' },
    });
    expect(decodeClientFrame('{"type":"end_session"}')).toMatchObject({
      ok: false,
      error: { kind: 'unknown_type' },
    });
  });

  it('encodes audio chunks exactly like the generic encoder', () => {
    expect(encodeUserAudioChunk('AAB4AKz+AAKz/wAEAPgsAQ==')).toBe(
      encodeClientMessage({ user_audio_chunk: 'AAB4AKz+AAKz/wAEAPgsAQ==' }),
    );
  });
});

describe('interruption event-id rule', () => {
  it('drops audio older than the interruption and plays later responses', () => {
    const gate = new InterruptionGate();
    expect(gate.accepts(1)).toBe(true);
    gate.serverInterruption(4);
    expect([1, 3, 4, 5].map((id) => gate.accepts(id))).toEqual([false, false, true, true]);
    // A late, lower interruption never lets stale audio back in.
    gate.serverInterruption(2);
    expect(gate.accepts(3)).toBe(false);
  });

  it('a local cut drops the cut response itself but not the next one', () => {
    const gate = new InterruptionGate();
    expect(gate.cutResponse(6)).toBe(true);
    expect(gate.accepts(6)).toBe(false);
    expect(gate.accepts(7)).toBe(true);
    expect(gate.cutResponse(6)).toBe(false);
  });
});

describe('close codes', () => {
  it('maps each close to a typed end reason', () => {
    expect(classifyClose({ code: 1000, reason: 'Agent ended the call' })).toEqual({
      kind: 'agent',
      code: 1000,
      reason: 'Agent ended the call',
      via: 'close',
    });
    expect(
      classifyClose({ code: 1008, reason: "Override for field 'voice_id' is not allowed by config." }),
    ).toMatchObject({
      kind: 'error',
      error: 'override',
      message: "Override for field 'voice_id' is not allowed by config.",
    });
    expect(
      classifyClose({
        code: 1008,
        reason: '',
        lastError: { message: 'Missing x', errorType: 'missing_dynamic_variable', flat: false },
      }),
    ).toMatchObject({
      error: 'dynamic_variable',
      message: 'Missing x',
      errorType: 'missing_dynamic_variable',
    });
    expect(classifyClose({ code: 1008, reason: 'Could not authorize the conversation' })).toMatchObject({
      error: 'config',
    });
    expect(classifyClose({ code: 1002, reason: 'This request exceeds your quota limit.' })).toMatchObject({
      error: 'quota',
    });
    expect(classifyClose({ code: 1002, reason: 'LLM timed out' })).toMatchObject({ error: 'operational' });
    expect(
      classifyClose({
        code: 1000,
        reason: '',
        lastError: { message: 'too long', errorType: 'max_duration_exceeded', flat: false },
      }),
    ).toMatchObject({ kind: 'error', error: 'max_duration', code: 1000 });
    expect(classifyClose({ code: 1011, reason: '' })).toMatchObject({
      error: 'internal',
      message: expect.stringMatching(/internal/),
    });
    expect(classifyClose({ code: 3000, reason: 'Request error' })).toMatchObject({ error: 'config' });
    expect(classifyClose({ code: 1006, reason: '' })).toMatchObject({ error: 'connection' });
    expect(classifyClose({ code: 1013, reason: '' })).toMatchObject({ error: 'rate_limited' });
    expect(classifyClose({ code: 4321, reason: 'custom' })).toMatchObject({
      error: 'unknown',
      message: 'custom',
    });
  });

  it('retries only network drops and rate limits', () => {
    const retry = (code: number) => isRetryable(classifyClose({ code, reason: '' }));
    expect([1006, 1001, 1012, 1013, 1014].every(retry)).toBe(true);
    expect([1000, 1002, 1005, 1008, 1011, 3000].some(retry)).toBe(false);
  });
});
