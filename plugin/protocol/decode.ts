/**
 * The boundary: the only place a frame's JSON is parsed and its shape checked. Both decoders never
 * throw; every problem comes back as a typed {@link DecodeError} the caller can act on. Unknown
 * `type`s are their own kind so callers can ignore them like the official clients do (new event types
 * must never break a client).
 */
import type { ClientMessage, ClientMessageType, UserMessage } from './client-messages.js';
import type { ServerMessage, ServerMessageOf, ServerMessageType } from './messages.js';
import { checkShape, describe, ev, fields, isObject, top, type Checked, type Shape } from './shape.js';

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

// --- the tables: one field spec per message type (the spec language is in shape.ts) -------------

const TOOL_RESPONSE = 'tool_name:s tool_call_id:s tool_type:s is_error:b is_called:b event_id:n';

const SERVER_SHAPES: { [K in ServerMessageType]: Shape<K> } = {
  conversation_initiation_metadata: ev<'conversation_initiation_metadata'>()(
    'conversation_initiation_metadata_event',
    'conversation_id:s agent_output_audio_format:F user_input_audio_format:F?',
  ),
  audio: ev<'audio'>()(
    'audio_event',
    'audio_base_64:s event_id:n alignment:o? alignment.chars:S alignment.char_start_times_ms:N alignment.char_durations_ms:N is_final:b?',
  ),
  agent_response: ev<'agent_response'>()('agent_response_event', 'agent_response:s event_id:n'),
  agent_response_correction: ev<'agent_response_correction'>()(
    'agent_response_correction_event',
    'original_agent_response:s corrected_agent_response:s event_id:n',
  ),
  agent_response_complete: ev<'agent_response_complete'>()('agent_response_complete_event', 'event_id:n'),
  agent_chat_response_part: ev<'agent_chat_response_part'>()(
    'text_response_part',
    'text:s type:part event_id:n',
  ),
  agent_reasoning_response_part: ev<'agent_reasoning_response_part'>()(
    'reasoning_response_part',
    'text:s type:part event_id:s',
  ),
  user_transcript: ev<'user_transcript'>()('user_transcription_event', 'user_transcript:s event_id:n'),
  tentative_user_transcript: ev<'tentative_user_transcript'>()(
    'tentative_user_transcription_event',
    'user_transcript:s event_id:n',
  ),
  interruption: ev<'interruption'>()('interruption_event', 'event_id:n'),
  ping: ev<'ping'>()('ping_event', 'event_id:n ping_ms:n?'),
  vad_score: ev<'vad_score'>()('vad_score_event', 'vad_score:n'),
  queue_status: ev<'queue_status'>()('queue_status_event', 'status:s'),
  client_tool_call: ev<'client_tool_call'>()(
    'client_tool_call',
    'tool_name:s tool_call_id:s parameters:o event_id:n expects_response:b?',
  ),
  agent_tool_request: ev<'agent_tool_request'>()(
    'agent_tool_request',
    'tool_name:s tool_call_id:s tool_type:s event_id:n',
  ),
  agent_tool_response: ev<'agent_tool_response'>()('agent_tool_response', TOOL_RESPONSE),
  agent_tool_response_full_payload: ev<'agent_tool_response_full_payload'>()(
    'agent_tool_response_full_payload',
    `${TOOL_RESPONSE} full_tool_result:s`,
  ),
  mcp_tool_call: ev<'mcp_tool_call'>()('mcp_tool_call', 'tool_call_id:s tool_name:s state:mcp'),
  mcp_connection_status: ev<'mcp_connection_status'>()('mcp_connection_status', 'integrations:a'),
  internal_tentative_agent_response: ev<'internal_tentative_agent_response'>()(
    'tentative_agent_response_internal_event',
    'tentative_agent_response:s',
  ),
  internal_turn_probability: ev<'internal_turn_probability'>()(
    'turn_probability_internal_event',
    'turn_probability:n',
  ),
  context_usage: ev<'context_usage'>()('context_usage_event'),
  asr_initiation_metadata: ev<'asr_initiation_metadata'>()('asr_initiation_metadata_event'),
  guardrail_triggered: {},
  agent_typing: ev<'agent_typing'>()('agent_typing_event', 'is_typing:b'),
  external_agent_connected: ev<'external_agent_connected'>()('external_agent_connected_event', '', 'o?'),
  external_agent_disconnected: ev<'external_agent_disconnected'>()(
    'external_agent_disconnected_event',
    '',
    'o?',
  ),
  rich_content: ev<'rich_content'>()('rich_content', 'rich_content_id:s component:s event_id:n'),
  // The error frame is checked by hand below: either `error_event` or a flat `message`.
  error: {
    ...ev<'error'>()('error_event', 'code:n? message:s?', 'o?'),
    ...fields('message:s?' satisfies Checked<'message:s?', ServerMessageOf<'error'>>),
  },
};

// Built on first use: a browser bundle that never decodes client frames drops the table entirely.
let clientShapes: { [K in ClientMessageType]: Shape<K> } | undefined;
const CLIENT_SHAPES = (): { [K in ClientMessageType]: Shape<K> } =>
  (clientShapes ??= {
    conversation_initiation_client_data: top<'conversation_initiation_client_data'>()(
      'conversation_config_override:o? custom_llm_extra_body:o? dynamic_variables:o? user_id:s? source_info:o?',
    ),
    pong: top<'pong'>()('event_id:n'),
    user_message: top<'user_message'>()('text:s? rich_content_id:s?'),
    contextual_update: top<'contextual_update'>()('text:s context_id:s?'),
    user_activity: {},
    client_tool_result: top<'client_tool_result'>()(
      'tool_call_id:s result:s is_error:b error_type:tool_error?',
    ),
    feedback: top<'feedback'>()('score:score event_id:n'),
    mcp_tool_approval_result: top<'mcp_tool_approval_result'>()('tool_call_id:s is_approved:b'),
    multimodal_message: top<'multimodal_message'>()('text:o? file:o? files:a?'),
    enclave_setup_config: top<'enclave_setup_config'>()('agent_config_dict:o'),
  });

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
  shapes: Record<string, Shape<unknown>>,
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
  return decodeTyped<ClientMessage>(raw as string, obj, CLIENT_SHAPES(), 'client');
}
