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

const oneOf = (values: readonly unknown[]): Check => ({
  expect: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  test: (v) => values.includes(v),
});
const arrayOf = (type: string): Check => ({
  expect: `array of ${type}s`,
  test: (v) => Array.isArray(v) && v.every((x) => typeof x === type),
});

// The tables below name their checks with these codes: written out as objects they were the biggest
// part of the browser bundle (every field path spelled in full, once per field).
const base = {
  s: { expect: 'string', test: (v) => typeof v === 'string' },
  n: { expect: 'number', test: (v) => typeof v === 'number' && Number.isFinite(v) },
  b: { expect: 'boolean', test: (v) => typeof v === 'boolean' },
  o: { expect: 'object', test: isObject },
  a: { expect: 'array', test: Array.isArray },
  S: arrayOf('string'),
  N: arrayOf('number'),
  F: { expect: 'an audio format (pcm_8000 … pcm_48000, ulaw_8000)', test: isAudioFormat },
  part: oneOf(['start', 'delta', 'stop']),
  mcp: oneOf(['loading', 'awaiting_approval', 'success', 'failure']),
  tool_error: oneOf([
    'user_rejected',
    'external_server',
    'external_client',
    'customer_auth',
    'client_timeout',
    'unknown',
  ]),
  score: oneOf(['like', 'dislike', null]),
} satisfies Record<string, Check>;

/** A code from `base`, with a `?` suffix when the field may be absent or null. */
function c(spec: string): Check {
  const optional = spec.endsWith('?');
  const check = (base as Record<string, Check>)[optional ? spec.slice(0, -1) : spec];
  if (!check) throw new Error(`bad spec ${spec}`); // module-load time only: a typo in the tables below
  return optional ? { ...check, optional } : check;
}

/**
 * Dotted paths in parent-before-child order; a child is only checked when its parent is present.
 * `M` names the message the shape is for (type-level only), so a table entry cannot be filed
 * under another message's type.
 */
type Shape<M = never> = Record<string, Check> & { readonly __for?: M };

// --- the tables' field specs, checked against the message types at compile time ----------------
// A spec is `'path:code path.child:code? …'`. Each path must name a field of the message type in
// messages.ts and each code a check in `base`, so renaming a field there fails to compile here,
// with the error naming the field (e.g. `no field "agent_respons"`).

type Code = keyof typeof base;
type ServerMsg<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
type ClientMsg<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
type SubPath<T, K extends keyof T & string> =
  NonNullable<T[K]> extends readonly unknown[]
    ? never
    : NonNullable<T[K]> extends object
      ? `${K}.${keyof NonNullable<T[K]> & string}`
      : never;
/** The fields of T and of its object fields, as dotted paths (the tables go two levels deep). */
type Paths<T> = { [K in keyof T & string]: K | SubPath<T, K> }[keyof T & string];
type FieldOk<F extends string, T> = F extends `${infer P}:${infer C}`
  ? P extends Paths<T>
    ? C extends Code | `${Code}?`
      ? true
      : `unknown check "${C}" on ${P}`
    : `no field "${P}"`
  : `not path:code: "${F}"`;
/** `S` when every field of the spec is right for T; otherwise what is wrong with the first bad one. */
type Spec<S extends string, T> = S extends ''
  ? S
  : S extends `${infer F} ${infer R}`
    ? FieldOk<F, T> extends true
      ? Spec<R, T> extends R
        ? S
        : Spec<R, T>
      : FieldOk<F, T>
    : FieldOk<S, T> extends true
      ? S
      : FieldOk<S, T>;
type Checked<S extends string, T> = S extends Spec<S, T> ? S : Spec<S, T>;

/** `'field:code other.child:code?'` -> a Shape, each path prefixed with `prefix`. */
function fields(spec: string, prefix = ''): Shape {
  const shape: Shape = {};
  for (const field of spec.split(' ')) {
    if (!field) continue;
    const [path, code] = field.split(':');
    shape[prefix + path!] = c(code!);
  }
  return shape;
}

/**
 * A server event of message type M: the object `root` (required unless rootCode says `o?`) and its
 * fields. Called as `ev<'audio'>()('audio_event', 'event_id:n …')`: the type argument says which
 * message, and the second call infers and checks the root and the spec against it.
 */
const ev =
  <M extends ServerMessageType>() =>
  <R extends keyof ServerMsg<M> & string, S extends string = ''>(
    root: R,
    spec?: S extends Spec<S, NonNullable<ServerMsg<M>[R]>> ? S : Spec<S, NonNullable<ServerMsg<M>[R]>>,
    rootCode: 'o' | 'o?' = 'o',
  ): Shape<M> => ({
    [root]: c(rootCode),
    ...fields(spec ?? '', root + '.'),
  });

/** A client message's top-level fields, checked like `ev`'s. */
const top =
  <M extends ClientMessageType>() =>
  <S extends string>(spec: Checked<S, ClientMsg<M>>): Shape<M> =>
    fields(spec);

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
    ...fields('message:s?' satisfies Checked<'message:s?', ServerMsg<'error'>>),
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
  shape: Shape<unknown>,
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
