// Public surface of the session: one conversation over one WebSocket (browser or Node).
export { AgentSession } from './AgentSession.js';
export type {
  AgentSessionOptions,
  AgentSessionEvents,
  AgentAudioChunk,
  AgentToolMessage,
  ConversationInfo,
  InterruptionEvent,
  ReconnectingEvent,
  SessionState,
  ToolCallEvent,
} from './types.js';
export { SessionError } from './errors.js';
export type { SessionErrorKind } from './errors.js';
export type { Unsubscribe } from '../common/emitter.js';
export { REGION_ORIGINS, publicAgentUrl } from './endpoint.js';
export type { FetchLike, Region, SessionEndpoint } from './endpoint.js';
export type { ReconnectOptions } from './reconnect.js';
export { CONVAI_SUBPROTOCOL } from './socket.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { ClientToolError, DEFAULT_TOOL_RESULT } from './tools.js';
export type { ClientToolHandler, ToolCall } from './tools.js';
export { mergeInitiation } from './initiation.js';
