/**
 * Every ConvAI WebSocket message, both directions, as discriminated unions on `type`
 * (the ConvAI WebSocket protocol of the official clients): the server -> client half here, the
 * client -> server half in client-messages.ts. Field names are the wire's, byte for byte, so a
 * decoded frame is the wire object itself and an encoded message is `JSON.stringify` of it.
 *
 * Direction of strictness: server messages are typed as loosely as the published contract allows
 * (anything the official contract says the server sends must be accepted), client messages as tightly
 * (anything we send must be acceptable to the official contract). test/types/ checks both directions
 * against @elevenlabs/types.
 */
import type { AudioFormat } from './format.js';

/** Per-character timing of one audio chunk (ms, relative to the chunk start). */
export interface AudioAlignment {
  chars: string[];
  char_start_times_ms: number[];
  char_durations_ms: number[];
}

export interface ConversationInitiationMetadataMessage {
  type: 'conversation_initiation_metadata';
  conversation_initiation_metadata_event: {
    conversation_id: string;
    agent_output_audio_format: AudioFormat;
    /** Required by the contract, but older agents omit it: clients fall back to pcm_16000. */
    user_input_audio_format?: AudioFormat;
  };
}

export interface AudioMessage {
  type: 'audio';
  audio_event: {
    audio_base_64: string;
    event_id: number;
    alignment?: AudioAlignment;
    /** contract-srv: last chunk of the current agent response. */
    is_final?: boolean;
  };
}

export interface AgentResponseMessage {
  type: 'agent_response';
  agent_response_event: {
    agent_response: string;
    event_id: number;
    attachments?: { url: string; name: string; mime_type?: string | null }[];
  };
}

export interface AgentResponseCorrectionMessage {
  type: 'agent_response_correction';
  agent_response_correction_event: {
    original_agent_response: string;
    corrected_agent_response: string;
    event_id: number;
  };
}

export interface AgentResponseCompleteMessage {
  type: 'agent_response_complete';
  agent_response_complete_event: { event_id: number };
}

export type ResponsePartType = 'start' | 'delta' | 'stop';

export interface AgentChatResponsePartMessage {
  type: 'agent_chat_response_part';
  text_response_part: { text: string; type: ResponsePartType; event_id: number };
}

export interface AgentReasoningResponsePartMessage {
  type: 'agent_reasoning_response_part';
  /** `event_id` is a string here, unlike everywhere else. */
  reasoning_response_part: { text: string; type: ResponsePartType; event_id: string };
}

export interface UserTranscriptMessage {
  type: 'user_transcript';
  user_transcription_event: { user_transcript: string; event_id: number };
}

export interface TentativeUserTranscriptMessage {
  type: 'tentative_user_transcript';
  tentative_user_transcription_event: { user_transcript: string; event_id: number };
}

export interface InterruptionMessage {
  type: 'interruption';
  interruption_event: { event_id: number; reason?: string };
}

export interface PingMessage {
  type: 'ping';
  ping_event: { event_id: number; ping_ms?: number | null };
}

/**
 * Sent when the agent's concurrency is full (not yet in the protocol notes; seen from the service and
 * reported in issue 14): `waiting` (messages sent meanwhile are dropped), then `admitted`, or
 * `timed_out` just before an error close. Other status words are passed through as they come.
 */
export interface QueueStatusMessage {
  type: 'queue_status';
  queue_status_event: { status: 'waiting' | 'admitted' | 'timed_out' | (string & {}) };
}

export interface VadScoreMessage {
  type: 'vad_score';
  vad_score_event: { vad_score: number };
}

export interface ClientToolCallMessage {
  type: 'client_tool_call';
  client_tool_call: {
    tool_name: string;
    tool_call_id: string;
    parameters: Record<string, any>;
    event_id: number;
    /** contract-srv only: the tool's "wait for response" setting. Absent means "reply". */
    expects_response?: boolean;
  };
}

export interface AgentToolRequestMessage {
  type: 'agent_tool_request';
  agent_tool_request: { tool_name: string; tool_call_id: string; tool_type: string; event_id: number };
}

export interface AgentToolResponseMessage {
  type: 'agent_tool_response';
  agent_tool_response: {
    tool_name: string;
    tool_call_id: string;
    tool_type: string;
    is_error: boolean;
    is_called: boolean;
    event_id: number;
  };
}

export interface AgentToolResponseFullPayloadMessage {
  type: 'agent_tool_response_full_payload';
  agent_tool_response_full_payload: {
    tool_name: string;
    tool_call_id: string;
    tool_type: string;
    is_error: boolean;
    is_blocked?: boolean;
    is_called: boolean;
    event_id: number;
    full_tool_result: string;
    truncated?: boolean;
  };
}

export type McpToolCallState = 'loading' | 'awaiting_approval' | 'success' | 'failure';

export interface McpToolCallMessage {
  type: 'mcp_tool_call';
  mcp_tool_call: {
    service_id: string;
    tool_call_id: string;
    tool_name: string;
    tool_description?: string | null;
    parameters: Record<string, any>;
    timestamp: string;
    state: McpToolCallState;
    approval_timeout_secs?: number;
    result?: Record<string, any>[];
    error_message?: string;
  };
}

export interface McpConnectionStatusMessage {
  type: 'mcp_connection_status';
  mcp_connection_status: {
    integrations: {
      integration_id: string;
      integration_type: string;
      is_connected: boolean;
      tool_count: number;
    }[];
  };
}

export interface InternalTentativeAgentResponseMessage {
  type: 'internal_tentative_agent_response';
  tentative_agent_response_internal_event: { tentative_agent_response: string };
}

export interface InternalTurnProbabilityMessage {
  type: 'internal_turn_probability';
  turn_probability_internal_event: { turn_probability: number };
}

export interface ContextUsageMessage {
  type: 'context_usage';
  context_usage_event: {
    event_id: number;
    model: string;
    context_tokens: number;
    context_limit_tokens: number;
  };
}

export interface AsrInitiationMetadataMessage {
  type: 'asr_initiation_metadata';
  asr_initiation_metadata_event: Record<string, any>;
}

export interface GuardrailTriggeredMessage {
  type: 'guardrail_triggered';
}

export interface AgentTypingMessage {
  type: 'agent_typing';
  agent_typing_event: { is_typing: boolean; duration_ms?: number };
}

export interface ExternalAgentConnectedMessage {
  type: 'external_agent_connected';
  external_agent_connected_event?: Record<string, any>;
}

export interface ExternalAgentDisconnectedMessage {
  type: 'external_agent_disconnected';
  external_agent_disconnected_event?: Record<string, any>;
}

export interface RichContentMessage {
  type: 'rich_content';
  rich_content: { rich_content_id: string; component: string; props: Record<string, any>; event_id: number };
}

/** Close codes an error frame announces (the close that follows uses the same code). */
export type ErrorEventCode = 1000 | 1002 | 1008 | 1011;

export interface ErrorEventPayload {
  code: number;
  message?: string;
  error_type?: string;
  reason?: string;
  debug_message?: string | null;
  details?: Record<string, any> | null;
}

/**
 * An error frame. The contract's shape nests everything under `error_event`; quota terminations have
 * been captured as a flat `{"type":"error","message":…}` (packages#911), so both are one message and
 * {@link describeServerError} reads either.
 */
export interface ErrorMessage {
  type: 'error';
  error_event?: ErrorEventPayload;
  message?: string;
}

export type ServerMessage =
  | ConversationInitiationMetadataMessage
  | AudioMessage
  | AgentResponseMessage
  | AgentResponseCorrectionMessage
  | AgentResponseCompleteMessage
  | AgentChatResponsePartMessage
  | AgentReasoningResponsePartMessage
  | UserTranscriptMessage
  | TentativeUserTranscriptMessage
  | InterruptionMessage
  | PingMessage
  | VadScoreMessage
  | QueueStatusMessage
  | ClientToolCallMessage
  | AgentToolRequestMessage
  | AgentToolResponseMessage
  | AgentToolResponseFullPayloadMessage
  | McpToolCallMessage
  | McpConnectionStatusMessage
  | InternalTentativeAgentResponseMessage
  | InternalTurnProbabilityMessage
  | ContextUsageMessage
  | AsrInitiationMetadataMessage
  | GuardrailTriggeredMessage
  | AgentTypingMessage
  | ExternalAgentConnectedMessage
  | ExternalAgentDisconnectedMessage
  | RichContentMessage
  | ErrorMessage;

export type ServerMessageType = ServerMessage['type'];

/** Pick one server message by its `type`. */
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;

/** What an error frame says, whichever of the two shapes it came in. */
export interface ServerErrorInfo {
  message: string;
  code?: number;
  errorType?: string;
  debugMessage?: string;
  /** True when the frame was the flat `{"type":"error","message":…}` variant. */
  flat: boolean;
}

export function describeServerError(msg: ErrorMessage): ServerErrorInfo {
  const ev = msg.error_event;
  if (ev) {
    const info: ServerErrorInfo = {
      message: ev.message || ev.reason || msg.message || 'Unknown server error',
      code: ev.code,
      flat: false,
    };
    if (ev.error_type) info.errorType = ev.error_type;
    if (ev.debug_message) info.debugMessage = ev.debug_message;
    return info;
  }
  const message = msg.message || 'Unknown server error';
  const info: ServerErrorInfo = { message, flat: true };
  // The captured flat quota frame reads "received 1002 (protocol error) …": keep the code it names.
  const m = /\breceived (\d{4})\b/.exec(message);
  if (m) info.code = Number(m[1]);
  return info;
}
