/**
 * Type-level proof that our wire types agree with the published contract, `@elevenlabs/types`
 * (generated from the official AsyncAPI). Compiled by `npm run typecheck` (tsconfig.json includes
 * test/); a disagreement is a compile error, so this file never runs.
 *
 * Directions:
 * - server -> client: every message the contract says the server may send is accepted by our type;
 * - client -> server: every message we may send is valid for the contract.
 * Where both must match exactly (formats, simple client messages) both directions are checked.
 *
 * Not covered because @elevenlabs/types 0.23 has no shape for them (they come from the server's own
 * contract, docs/convai-protocol.md §2): `agent_response_complete`, `enclave_setup_config`,
 * `client_tool_call.expects_response`, `audio_event.is_final`, `client_tool_result.error_type`,
 * `interruption_event.reason`, and the flat `{"type":"error","message":…}` frame.
 */
import type * as EL from '@elevenlabs/types';
import type * as P from '../../plugin/protocol/index.js';

type Assignable<From, To> = [From] extends [To] ? true : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

// --- server -> client: the contract's messages are accepted -----------------------------------
export type ServerAccepts = [
  Expect<Assignable<EL.ConversationMetadata, P.ConversationInitiationMetadataMessage>>,
  Expect<Assignable<EL.Audio, P.AudioMessage>>,
  Expect<Assignable<EL.AgentResponse, P.AgentResponseMessage>>,
  Expect<Assignable<EL.AgentResponseCorrection, P.AgentResponseCorrectionMessage>>,
  Expect<Assignable<EL.AgentChatResponsePart, P.AgentChatResponsePartMessage>>,
  Expect<Assignable<EL.AgentReasoningResponsePart, P.AgentReasoningResponsePartMessage>>,
  Expect<Assignable<EL.UserTranscript, P.UserTranscriptMessage>>,
  Expect<Assignable<EL.TentativeUserTranscript, P.TentativeUserTranscriptMessage>>,
  Expect<Assignable<EL.Interruption, P.InterruptionMessage>>,
  Expect<Assignable<EL.Ping, P.PingMessage>>,
  Expect<Assignable<EL.VadScore, P.VadScoreMessage>>,
  Expect<Assignable<EL.ClientToolCallMessage, P.ClientToolCallMessage>>,
  Expect<Assignable<EL.AgentToolRequestMessage, P.AgentToolRequestMessage>>,
  Expect<Assignable<EL.AgentToolResponseMessage, P.AgentToolResponseMessage>>,
  Expect<Assignable<EL.AgentToolResponseFullPayloadMessage, P.AgentToolResponseFullPayloadMessage>>,
  Expect<Assignable<EL.McpToolCall, P.McpToolCallMessage>>,
  Expect<Assignable<EL.McpConnectionStatusMessage, P.McpConnectionStatusMessage>>,
  Expect<Assignable<EL.InternalTentativeAgentResponse, P.InternalTentativeAgentResponseMessage>>,
  Expect<Assignable<EL.InternalTurnProbability, P.InternalTurnProbabilityMessage>>,
  Expect<Assignable<EL.ContextUsage, P.ContextUsageMessage>>,
  Expect<Assignable<EL.AsrInitiationMetadata, P.AsrInitiationMetadataMessage>>,
  Expect<Assignable<EL.GuardrailTriggered, P.GuardrailTriggeredMessage>>,
  Expect<Assignable<EL.AgentTyping, P.AgentTypingMessage>>,
  Expect<Assignable<EL.ExternalAgentConnected, P.ExternalAgentConnectedMessage>>,
  Expect<Assignable<EL.ExternalAgentDisconnected, P.ExternalAgentDisconnectedMessage>>,
  Expect<Assignable<EL.RichContentMessage, P.RichContentMessage>>,
  Expect<Assignable<EL.ErrorMessage, P.ErrorMessage>>,
  // The barrel the official client dispatches on.
  Expect<Assignable<EL.Incoming.AudioClientEvent, P.ServerMessage>>,
  Expect<Assignable<EL.Incoming.ErrorClientEvent, P.ServerMessage>>,
];

/** Every event type the contract lets an agent send has a member in our ServerMessage union. */
export type EveryContractEventIsTyped = Expect<
  Assignable<EL.ConversationConfigOverrideConversationClientEventsItem, P.ServerMessageType>
>;

// --- client -> server: what we send is valid ----------------------------------------------------
export type ClientValid = [
  Expect<Assignable<P.UserAudioChunk, EL.UserAudio>>,
  Expect<Assignable<P.ConversationInitiationClientData, EL.ConversationInitiation>>,
  Expect<Assignable<P.ConversationConfigOverride, EL.ConversationConfigOverride>>,
  Expect<Assignable<P.PongMessage, EL.Pong>>,
  Expect<Assignable<P.UserMessage, EL.UserMessage>>,
  Expect<Assignable<P.ContextualUpdateMessage, EL.ContextualUpdate>>,
  Expect<Assignable<P.UserActivityMessage, EL.UserActivity>>,
  Expect<Assignable<P.ClientToolResultMessage, EL.ClientToolResult>>,
  Expect<Assignable<P.FeedbackMessage, EL.UserFeedback>>,
  Expect<Assignable<P.McpToolApprovalResultMessage, EL.McpToolApprovalResult>>,
  Expect<Assignable<P.MultimodalMessage, EL.MultimodalMessage>>,
];

// --- exact agreement ------------------------------------------------------------------------------
export type Exact = [
  Expect<Same<P.AudioFormat, EL.ConversationInitiationMetadataEventAgentOutputAudioFormat>>,
  Expect<Same<P.AudioFormat, EL.ConversationInitiationMetadataEventUserInputAudioFormat>>,
  Expect<Same<P.AgentLanguage, EL.ConversationConfigOverrideAgentLanguage>>,
  Expect<Same<P.FeedbackScore, EL.ScoreOneOf_0>>,
  Expect<Same<P.PongMessage, EL.Pong>>,
  Expect<Same<P.UserActivityMessage, EL.UserActivity>>,
  Expect<Same<P.ContextualUpdateMessage, EL.ContextualUpdate>>,
  Expect<Same<P.FeedbackMessage, EL.UserFeedback>>,
  Expect<Same<P.AudioAlignment, EL.AudioEventAlignment>>,
];

// --- the checks can fail ------------------------------------------------------------------------
// A client message with a wrong field type is rejected by the contract…
export type _NegativeClient = Expect<
  Assignable<{ type: 'pong'; event_id: string }, EL.Pong> extends false ? true : false
>;
// …and a server message we would not accept is caught.
export type _NegativeServer = Expect<
  Assignable<{ type: 'audio'; audio_event: { event_id: number } }, P.AudioMessage> extends false
    ? true
    : false
>;
