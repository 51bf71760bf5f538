// The offline local agent (ConvAI-compatible): standalone or mounted on another http server.
export { createLocalAgent, type CreateLocalAgentOptions, type LocalAgent } from './server.js';
export { createLocalAgentHandler, CONVERSATION_PATH, HEALTH_PATH } from './handler.js';
export type { LocalAgentEndpoint, LocalAgentHealth, LocalAgentOptions } from './options.js';
export { ASR_UNAVAILABLE_NOTICE } from './conversation.js';
export { DEFAULT_PERSONA } from './persona.js';
export type { AgentLimits, AgentMetrics } from './runtime.js';
export { llmConfigFromEnv, type LlmConfig } from './llm.js';
export type {
  Recognition,
  RecognitionDeclined,
  Recognizer,
  RecognizerHints,
  RecognizerStream,
  Transcript,
} from '../speech/recognizer.js';
export { createPocketsphinxRecognizer } from '../speech/pocketsphinx.js';
