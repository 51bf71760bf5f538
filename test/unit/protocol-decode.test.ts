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
} from '../../plugin/protocol/index.js';
import { SERVER_EXAMPLES, CLIENT_EXAMPLES } from '../helpers/protocol-examples.js';

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
