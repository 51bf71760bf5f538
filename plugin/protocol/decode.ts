/**
 * The boundary: the only place a frame's JSON is parsed and its shape checked. Both decoders never
 * throw; every problem comes back as a typed {@link DecodeError} the caller can act on. Unknown
 * `type`s are their own kind so callers can ignore them like the official clients do (new event types
 * must never break a client).
 */
import { isAudioFormat } from './format.js';
import type {
  ClientMessage,
  ClientMessageType,
  ServerMessage,
  ServerMessageType,
  UserMessage,
} from './messages.js';

export type DecodeErrorKind =
  /** A binary frame (ArrayBuffer, Buffer, Blob …): the protocol is text-only. */
  | 'not_text'
  | 'malformed_json'
  /** Valid JSON but not an object (array, string, number, null). */
  | 'not_an_object'
  /** An object without a string `type` (and, for client frames, not a `user_audio_chunk`). */
  | 'missing_type'
  /** A `type` this protocol version does not define; safe to ignore. */
  | 'unknown_type'
  /** A required field is absent. */
  | 'missing_field'
  /** A field is present but has the wrong type or value. */
  | 'invalid_field';

export interface DecodeError {
  kind: DecodeErrorKind;
  /** One line saying what is wrong, e.g. `audio_event.event_id: expected number, got string`. */
  detail: string;
  /** The frame as received (binary frames: empty). */
  raw: string;
  /** The frame's `type`, when it had one. */
  type?: string;
  /** Dotted path of the offending field, for `missing_field` / `invalid_field`. */
  field?: string;
}

export type DecodeResult<M> = { ok: true; message: M } | { ok: false; error: DecodeError };

// --- shape checks -----------------------------------------------------------------------------

interface Check {
  /** What the field must be, for the error detail. */
  expect: string;
  test: (value: unknown) => boolean;
  optional?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const base: Record<string, Check> = {
  s: { expect: 'string', test: (v) => typeof v === 'string' },
  n: { expect: 'number', test: (v) => typeof v === 'number' && Number.isFinite(v) },
  b: { expect: 'boolean', test: (v) => typeof v === 'boolean' },
  o: { expect: 'object', test: isObject },
  a: { expect: 'array', test: Array.isArray },
};

/** `'s' | 'n' | 'b' | 'o' | 'a'`, with a `?` suffix when the field may be absent or null. */
function c(spec: string): Check {
  const optional = spec.endsWith('?');
  const check = base[optional ? spec.slice(0, -1) : spec];
  if (!check) throw new Error(`bad spec ${spec}`); // module-load time only: a typo in the tables below
  return optional ? { ...check, optional } : check;
}
const oneOf = (values: readonly unknown[], optional = false): Check => ({
  expect: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  test: (v) => values.includes(v),
  optional,
});
const audioFormat = (optional = false): Check => ({
  expect: 'an audio format (pcm_8000 … pcm_48000, ulaw_8000)',
  test: isAudioFormat,
  optional,
});
const numberArray: Check = {
  expect: 'array of numbers',
  test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'number'),
};
const stringArray: Check = {
  expect: 'array of strings',
  test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
};

/** Dotted paths in parent-before-child order; a child is only checked when its parent is present. */
type Shape = Record<string, Check>;

const RESPONSE_PART = oneOf(['start', 'delta', 'stop']);

const SERVER_SHAPES: Record<ServerMessageType, Shape> = {
  conversation_initiation_metadata: {
    conversation_initiation_metadata_event: c('o'),
    'conversation_initiation_metadata_event.conversation_id': c('s'),
    'conversation_initiation_metadata_event.agent_output_audio_format': audioFormat(),
    'conversation_initiation_metadata_event.user_input_audio_format': audioFormat(true),
  },
  audio: {
    audio_event: c('o'),
    'audio_event.audio_base_64': c('s'),
    'audio_event.event_id': c('n'),
    'audio_event.alignment': c('o?'),
    'audio_event.alignment.chars': stringArray,
    'audio_event.alignment.char_start_times_ms': numberArray,
    'audio_event.alignment.char_durations_ms': numberArray,
    'audio_event.is_final': c('b?'),
  },
  agent_response: {
    agent_response_event: c('o'),
    'agent_response_event.agent_response': c('s'),
    'agent_response_event.event_id': c('n'),
  },
  agent_response_correction: {
    agent_response_correction_event: c('o'),
    'agent_response_correction_event.original_agent_response': c('s'),
    'agent_response_correction_event.corrected_agent_response': c('s'),
    'agent_response_correction_event.event_id': c('n'),
  },
  agent_response_complete: {
    agent_response_complete_event: c('o'),
    'agent_response_complete_event.event_id': c('n'),
  },
  agent_chat_response_part: {
    text_response_part: c('o'),
    'text_response_part.text': c('s'),
    'text_response_part.type': RESPONSE_PART,
    'text_response_part.event_id': c('n'),
  },
  agent_reasoning_response_part: {
    reasoning_response_part: c('o'),
    'reasoning_response_part.text': c('s'),
    'reasoning_response_part.type': RESPONSE_PART,
    'reasoning_response_part.event_id': c('s'),
  },
  user_transcript: {
    user_transcription_event: c('o'),
    'user_transcription_event.user_transcript': c('s'),
    'user_transcription_event.event_id': c('n'),
  },
  tentative_user_transcript: {
    tentative_user_transcription_event: c('o'),
    'tentative_user_transcription_event.user_transcript': c('s'),
    'tentative_user_transcription_event.event_id': c('n'),
  },
  interruption: { interruption_event: c('o'), 'interruption_event.event_id': c('n') },
  ping: { ping_event: c('o'), 'ping_event.event_id': c('n'), 'ping_event.ping_ms': c('n?') },
  vad_score: { vad_score_event: c('o'), 'vad_score_event.vad_score': c('n') },
  client_tool_call: {
    client_tool_call: c('o'),
    'client_tool_call.tool_name': c('s'),
    'client_tool_call.tool_call_id': c('s'),
    'client_tool_call.parameters': c('o'),
    'client_tool_call.event_id': c('n'),
    'client_tool_call.expects_response': c('b?'),
  },
  agent_tool_request: {
    agent_tool_request: c('o'),
    'agent_tool_request.tool_name': c('s'),
    'agent_tool_request.tool_call_id': c('s'),
    'agent_tool_request.tool_type': c('s'),
    'agent_tool_request.event_id': c('n'),
  },
  agent_tool_response: {
    agent_tool_response: c('o'),
    'agent_tool_response.tool_name': c('s'),
    'agent_tool_response.tool_call_id': c('s'),
    'agent_tool_response.tool_type': c('s'),
    'agent_tool_response.is_error': c('b'),
    'agent_tool_response.is_called': c('b'),
    'agent_tool_response.event_id': c('n'),
  },
  agent_tool_response_full_payload: {
    agent_tool_response_full_payload: c('o'),
    'agent_tool_response_full_payload.tool_name': c('s'),
    'agent_tool_response_full_payload.tool_call_id': c('s'),
    'agent_tool_response_full_payload.tool_type': c('s'),
    'agent_tool_response_full_payload.is_error': c('b'),
    'agent_tool_response_full_payload.is_called': c('b'),
    'agent_tool_response_full_payload.event_id': c('n'),
    'agent_tool_response_full_payload.full_tool_result': c('s'),
  },
  mcp_tool_call: {
    mcp_tool_call: c('o'),
    'mcp_tool_call.tool_call_id': c('s'),
    'mcp_tool_call.tool_name': c('s'),
    'mcp_tool_call.state': oneOf(['loading', 'awaiting_approval', 'success', 'failure']),
  },
  mcp_connection_status: {
    mcp_connection_status: c('o'),
    'mcp_connection_status.integrations': c('a'),
  },
  internal_tentative_agent_response: {
    tentative_agent_response_internal_event: c('o'),
    'tentative_agent_response_internal_event.tentative_agent_response': c('s'),
  },
  internal_turn_probability: {
    turn_probability_internal_event: c('o'),
    'turn_probability_internal_event.turn_probability': c('n'),
  },
  context_usage: { context_usage_event: c('o') },
  asr_initiation_metadata: { asr_initiation_metadata_event: c('o') },
  guardrail_triggered: {},
  agent_typing: { agent_typing_event: c('o'), 'agent_typing_event.is_typing': c('b') },
  external_agent_connected: { external_agent_connected_event: c('o?') },
  external_agent_disconnected: { external_agent_disconnected_event: c('o?') },
  rich_content: {
    rich_content: c('o'),
    'rich_content.rich_content_id': c('s'),
    'rich_content.component': c('s'),
    'rich_content.event_id': c('n'),
  },
  // The error frame is checked by hand below: either `error_event` or a flat `message`.
  error: {
    error_event: c('o?'),
    'error_event.code': c('n?'),
    'error_event.message': c('s?'),
    message: c('s?'),
  },
};

const CLIENT_SHAPES: Record<ClientMessageType, Shape> = {
  conversation_initiation_client_data: {
    conversation_config_override: c('o?'),
    custom_llm_extra_body: c('o?'),
    dynamic_variables: c('o?'),
    user_id: c('s?'),
    source_info: c('o?'),
  },
  pong: { event_id: c('n') },
  user_message: { text: c('s?'), rich_content_id: c('s?') },
  contextual_update: { text: c('s'), context_id: c('s?') },
  user_activity: {},
  client_tool_result: {
    tool_call_id: c('s'),
    result: c('s'),
    is_error: c('b'),
    error_type: oneOf(
      ['user_rejected', 'external_server', 'external_client', 'customer_auth', 'client_timeout', 'unknown'],
      true,
    ),
  },
  feedback: { score: oneOf(['like', 'dislike', null]), event_id: c('n') },
  mcp_tool_approval_result: { tool_call_id: c('s'), is_approved: c('b') },
  multimodal_message: { text: c('o?'), file: c('o?'), files: c('a?') },
  enclave_setup_config: { agent_config_dict: c('o') },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'string'
    ? `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`
    : typeof v;
}

/** Returns the first failing field, or undefined when the object matches the shape. */
function checkShape(
  obj: Record<string, unknown>,
  shape: Shape,
): Omit<DecodeError, 'raw' | 'type'> | undefined {
  for (const path in shape) {
    const check = shape[path]!;
    const keys = path.split('.');
    let parent: unknown = obj;
    for (let i = 0; i < keys.length - 1; i++) parent = isObject(parent) ? parent[keys[i]!] : undefined;
    // An optional parent that is absent: its children are not required.
    if (!isObject(parent)) continue;
    const value = parent[keys[keys.length - 1]!];
    if (value === undefined || (value === null && check.optional)) {
      if (check.optional) continue;
      // `null` is a valid value for a few enums (feedback score); let the test decide.
      if (value === null && check.test(null)) continue;
      return { kind: 'missing_field', field: path, detail: `${path}: required ${check.expect} is missing` };
    }
    if (!check.test(value)) {
      return {
        kind: 'invalid_field',
        field: path,
        detail: `${path}: expected ${check.expect}, got ${describe(value)}`,
      };
    }
  }
  return undefined;
}

type Parsed = { ok: true; obj: Record<string, unknown> } | { ok: false; error: DecodeError };

function parseObject(raw: unknown): Parsed {
  if (typeof raw !== 'string') {
    return {
      ok: false,
      error: { kind: 'not_text', detail: `expected a text frame, got ${describe(raw)}`, raw: '' },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return {
      ok: false,
      error: { kind: 'malformed_json', detail: e instanceof Error ? e.message : 'invalid JSON', raw },
    };
  }
  if (!isObject(value)) {
    return {
      ok: false,
      error: { kind: 'not_an_object', detail: `expected an object, got ${describe(value)}`, raw },
    };
  }
  return { ok: true, obj: value };
}

function fail(
  raw: string,
  type: string | undefined,
  e: Omit<DecodeError, 'raw' | 'type'>,
): { ok: false; error: DecodeError } {
  const error: DecodeError = { ...e, raw };
  if (type !== undefined) error.type = type;
  return { ok: false, error };
}

function decodeTyped<M>(
  raw: string,
  obj: Record<string, unknown>,
  shapes: Record<string, Shape>,
  side: string,
): DecodeResult<M> {
  const type = obj.type;
  if (typeof type !== 'string' || type === '') {
    return fail(raw, undefined, { kind: 'missing_type', detail: `${side} frame has no "type"` });
  }
  const shape = Object.prototype.hasOwnProperty.call(shapes, type) ? shapes[type] : undefined;
  if (!shape)
    return fail(raw, type, { kind: 'unknown_type', detail: `unknown ${side} message type "${type}"` });
  const problem = checkShape(obj, shape);
  if (problem) return fail(raw, type, problem);
  return { ok: true, message: obj as M };
}

/** Decodes one server -> client frame. Never throws. */
export function decodeServerFrame(raw: unknown): DecodeResult<ServerMessage> {
  const parsed = parseObject(raw);
  if (!parsed.ok) return parsed;
  const result = decodeTyped<ServerMessage>(raw as string, parsed.obj, SERVER_SHAPES, 'server');
  if (
    result.ok &&
    result.message.type === 'error' &&
    !result.message.error_event &&
    result.message.message === undefined
  ) {
    return fail(raw as string, 'error', {
      kind: 'missing_field',
      field: 'error_event',
      detail: 'error frame has neither error_event nor message',
    });
  }
  return result;
}

/** Decodes one client -> server frame (the local agent's side). Never throws. */
export function decodeClientFrame(raw: unknown): DecodeResult<ClientMessage> {
  const parsed = parseObject(raw);
  if (!parsed.ok) return parsed;
  const obj = parsed.obj;
  if (!('type' in obj) && 'user_audio_chunk' in obj) {
    if (typeof obj.user_audio_chunk !== 'string') {
      return fail(raw as string, undefined, {
        kind: 'invalid_field',
        field: 'user_audio_chunk',
        detail: `user_audio_chunk: expected string, got ${describe(obj.user_audio_chunk)}`,
      });
    }
    return { ok: true, message: obj as unknown as ClientMessage };
  }
  // contract-js allows `text: null` on user_message ("text-only mode signal"): same as absent.
  if (obj.type === 'user_message' && obj.text === null)
    delete (obj as Partial<UserMessage> & { text?: unknown }).text;
  return decodeTyped<ClientMessage>(raw as string, obj, CLIENT_SHAPES, 'client');
}
