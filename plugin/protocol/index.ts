// Public surface of the wire protocol (pure: usable in the browser, in Node, and in workers): the
// client side, plus what an agent decodes and sends (for the local agent and phaser-voice-agents/server).
export * from './client.js';
export { decodeClientFrame } from './decode.js';
export { encodeServerMessage } from './encode.js';
