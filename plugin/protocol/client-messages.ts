/**
 * The client -> server half of the ConvAI WebSocket messages (what our session and the official
 * clients send), typed as tightly as the contract: anything we send must be acceptable to the real
 * service. The server half, and why the two halves differ in strictness, are in messages.ts.
 */
import type { AgentLanguage } from './languages.js';

/** `dynamic_variables` values (the server contract also allows null and nested arrays). */
export type DynamicVariableValue = string | number | boolean | null;

export interface ConversationConfigOverride {
  agent?: {
    prompt?: { prompt?: string; llm?: string };
    first_message?: string;
    /** One of the contract's language codes ("en", "pt-br", …): see `isAgentLanguage`. */
    language?: AgentLanguage;
  };
  tts?: { voice_id?: string; stability?: number; speed?: number; similarity_boost?: number };
  asr?: { keywords?: string[] };
  conversation?: { text_only?: boolean };
}

/** Microphone audio: the one client frame without a `type` ("for performance"). */
export interface UserAudioChunk {
  user_audio_chunk: string;
}

export interface ConversationInitiationClientData {
  type: 'conversation_initiation_client_data';
  conversation_config_override?: ConversationConfigOverride;
  custom_llm_extra_body?: Record<string, unknown>;
  dynamic_variables?: Record<string, DynamicVariableValue>;
  user_id?: string;
  source_info?: { source?: string; version?: string };
}

export interface PongMessage {
  type: 'pong';
  event_id: number;
}

export interface UserMessage {
  type: 'user_message';
  text?: string;
  rich_content_id?: string;
}

export interface ContextualUpdateMessage {
  type: 'contextual_update';
  text: string;
  context_id?: string;
}

export interface UserActivityMessage {
  type: 'user_activity';
}

/** contract-srv error types for a tool result; setting one implies an error. */
export type ClientToolErrorType =
  'user_rejected' | 'external_server' | 'external_client' | 'customer_auth' | 'client_timeout' | 'unknown';

export interface ClientToolResultMessage {
  type: 'client_tool_result';
  tool_call_id: string;
  /** Always a string on the wire; objects are JSON-encoded by the sender. */
  result: string;
  is_error: boolean;
  error_type?: ClientToolErrorType;
}

export type FeedbackScore = 'like' | 'dislike';

export interface FeedbackMessage {
  type: 'feedback';
  score: FeedbackScore | null;
  event_id: number;
}

export interface McpToolApprovalResultMessage {
  type: 'mcp_tool_approval_result';
  tool_call_id: string;
  is_approved: boolean;
}

export interface MultimodalFile {
  type: 'file_input';
  file_id: string;
}

export interface MultimodalMessage {
  type: 'multimodal_message';
  text?: { type: 'user_message'; text?: string; rich_content_id?: string };
  file?: MultimodalFile;
  files?: MultimodalFile[];
}

/** Self-hosted orchestrator mode only; never sent to the real service by this package. */
export interface EnclaveSetupConfigMessage {
  type: 'enclave_setup_config';
  agent_config_dict: Record<string, unknown>;
  [key: string]: unknown;
}

export type TypedClientMessage =
  | ConversationInitiationClientData
  | PongMessage
  | UserMessage
  | ContextualUpdateMessage
  | UserActivityMessage
  | ClientToolResultMessage
  | FeedbackMessage
  | McpToolApprovalResultMessage
  | MultimodalMessage
  | EnclaveSetupConfigMessage;

export type ClientMessage = UserAudioChunk | TypedClientMessage;
export type ClientMessageType = TypedClientMessage['type'];

/** Pick one typed client message by its `type`. */
export type ClientMessageOf<T extends ClientMessageType> = Extract<TypedClientMessage, { type: T }>;
