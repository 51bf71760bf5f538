export { createBroker, DEFAULT_BROKER_PATH, DEFAULT_BASE_URL } from './broker.js';
export type { Broker, BrokerOptions } from './broker.js';
export type { RateLimitOptions } from './rate-limit.js';
export { createVoiceAgentsMiddleware } from './mount.js';
export type { VoiceAgentsMount, MountOptions, LocalAgentHandler } from './mount.js';
export { envValue } from './env.js';
