import type {
  AgentToolRequestMessage,
  AgentToolResponseFullPayloadMessage,
  AgentToolResponseMessage,
  AudioAlignment,
  AudioFormat,
  AudioFormatInfo,
  ConversationInitiationClientData,
  DecodeError,
  EndReason,
  ServerMessage,
} from '../protocol/index.js';
import type { FetchLike, SessionEndpoint } from './endpoint.js';
import type { SessionError } from './errors.js';
import type { ReconnectOptions } from './reconnect.js';
import type { WebSocketConstructor } from './socket.js';
import type { ClientToolHandler, ToolCall } from './tools.js';

/** `idle` -> `connecting` -> `open` -> (`connecting` while reconnecting) -> `closing` -> `closed`. */
export type SessionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

export interface AgentSessionOptions {
  endpoint: SessionEndpoint;
  /** WebSocket implementation. Default: `globalThis.WebSocket` (browsers, Node 22+); pass `ws` on Node 20. */
  WebSocket?: WebSocketConstructor;
  /** For the broker endpoint. Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /**
   * The `conversation_initiation_client_data` to send (overrides, dynamic variables, user_id,
   * source_info…). For an NPC: `npcAgentToInitiation(npc.agent)`, merged with more of your own
   * by `mergeInitiation`.
   */
  initiation?: Omit<ConversationInitiationClientData, 'type'>;
  /** How long to wait for `conversation_initiation_metadata` after opening. Default 10000 ms. */
  metadataTimeoutMs?: number;
  /**
   * How long to wait in the agent's line (`queue_status` waiting) before the metadata, if the
   * service never says admitted or timed_out. Default 120000 ms.
   */
  queueWaitMs?: number;
  /** How long `close()` waits for the server's close answer before giving up on it. Default 2000 ms. */
  closeTimeoutMs?: number;
  /** Reconnect after abnormal closes (default on); `false` disables. */
  reconnect?: ReconnectOptions | false;
  /** Client tools by name; more can be added with `registerTool`. */
  clientTools?: Record<string, ClientToolHandler>;
  /** Clock for latency measurements. Default `performance.now`. */
  now?: () => number;
  /**
   * Microphone audio still waiting to leave (the socket's `bufferedAmount`) beyond this many
   * milliseconds is dropped instead of queued, so after a network stall the agent hears the player
   * now rather than seconds ago. Default 1000; `Infinity` never drops.
   */
  maxAudioBacklogMs?: number;
}

export interface ConversationInfo {
  conversationId: string;
  /** What `sendAudio` encodes to: send PCM16 at `inputFormat.sampleRate`. */
  inputFormat: AudioFormatInfo;
  /** What `audio` events carry (decoded to PCM16 at `outputFormat.sampleRate`). */
  outputFormat: AudioFormatInfo;
  /** 0 for the first connection, n for the conversation opened by reconnect attempt n. */
  reconnectAttempt: number;
}

export interface AgentAudioChunk {
  /** PCM16 samples (μ-law already expanded), mono, at `sampleRate`. */
  pcm: Int16Array;
  sampleRate: number;
  format: AudioFormat;
  /** The wire payload, for consumers that want to decode themselves. */
  base64: string;
  /** The agent response this chunk belongs to. */
  eventId: number;
  /** True for the first chunk of a response: the moment a new turn starts speaking. */
  firstOfResponse: boolean;
  alignment?: AudioAlignment;
  /** contract-srv: last chunk of the response, when the server says so. */
  isFinal?: boolean;
  /** Clock time (the session's `now`) the frame was received. */
  receivedAt: number;
}

export interface InterruptionEvent {
  /** `server`: the player barged in (server `interruption`); `client`: `interrupt()` was called. */
  source: 'server' | 'client';
  /** Server: the interruption's id (audio below it is dropped). Client: the response that was cut. */
  eventId: number;
}

export interface ReconnectingEvent {
  attempt: number;
  maxAttempts: number;
  /** How long the session waits before this attempt. */
  delayMs: number;
  /** Why the previous connection (or attempt) ended. */
  cause: EndReason;
}

export type ToolCallEvent = ToolCall & {
  /** False when no handler is registered: the agent was sent an error result (if it expects one). */
  handled: boolean;
};

export type AgentToolMessage =
  AgentToolRequestMessage | AgentToolResponseMessage | AgentToolResponseFullPayloadMessage;

/**
 * Every event of {@link AgentSession}. Subscribe with `session.on(name, fn)`, which returns an unsubscribe.
 * The names are the NPC handle's and the plugin's (one vocabulary; the README's API section maps
 * them to the wire's messages); a session's payloads are objects with the wire's detail.
 */
export interface AgentSessionEvents {
  /** The state changed. */
  state: (state: SessionState, previous: SessionState) => void;
  /** The conversation is open (metadata received): first connection and every successful reconnect. */
  'conversation:start': (info: ConversationInfo) => void;
  /** The connection dropped abnormally; a new conversation is attempted after `delayMs`. One per attempt. */
  reconnecting: (info: ReconnectingEvent) => void;
  /** Agent audio to play. Audio of an interrupted response never arrives here. */
  audio: (chunk: AgentAudioChunk) => void;
  /** Stop playback now and flush what is queued: a barge-in, or `interrupt()`. */
  interruption: (info: InterruptionEvent) => void;
  /** Full text of an agent turn. */
  response: (e: { text: string; eventId: number }) => void;
  /** After an interruption: the part of the agent's turn that was actually spoken. */
  correction: (e: { original: string; corrected: string; eventId: number }) => void;
  /** The player's words: `final` for the turn's transcript, else in progress (may still change). */
  transcript: (e: { text: string; eventId: number; final: boolean }) => void;
  /** Speech probability 0..1 of the player's audio (opt-in on the agent). */
  vadScore: (score: number) => void;
  /**
   * The agent is at its concurrency limit: `waiting` (what is sent meanwhile is held, microphone
   * audio dropped), then `admitted` (held messages go out in order) or `timed_out` (the conversation
   * ends with a `busy` error, not retried).
   */
  queue: (e: { status: string }) => void;
  /** The server pinged (already answered); `pingMs` is its round-trip estimate, null at first. */
  ping: (e: { eventId: number; pingMs: number | null }) => void;
  /** The agent called a client tool. Handlers run whether or not anyone listens here. */
  tool: (call: ToolCallEvent) => void;
  /** Server/system tool activity (`agent_tool_request`, `agent_tool_response`, full payload). */
  agentTool: (message: AgentToolMessage) => void;
  /** Every decoded server message, after the session handled it. */
  message: (message: ServerMessage) => void;
  /** A frame with a `type` this version does not know; ignored like the official clients do. */
  unknownMessage: (error: DecodeError) => void;
  /** Something went wrong that does not by itself end the conversation (error frame, bad frame). */
  error: (error: SessionError) => void;
  /**
   * Microphone audio is being dropped: the network cannot keep up (see `maxAudioBacklogMs`). Fires
   * once per stall; `droppedAudioMs` counts what was lost.
   */
  audioDropped: (e: { backlogMs: number }) => void;
  /** The conversation ended (state is `closed`). Fires exactly once. */
  'conversation:end': (reason: EndReason) => void;
}
