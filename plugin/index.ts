// Browser entry of phaser-voice-agents. Each folder owns its public surface in its own index.ts.
// From protocol/ only the client side (protocol/client.ts): the server-side halves (decodeClientFrame,
// encodeServerMessage) exist for the local agent, which imports plugin/protocol/index.ts directly
// (and re-exports them from phaser-voice-agents/server), so they stay out of the browser bundle.
export * from './protocol/client.js';
export * from './session/index.js';
export * from './audio/index.js';
export * from './proximity/index.js';
// From npc/ only what a running game needs: the YAML compiler and schema (and the yaml parser they
// pull in) stay out of the browser bundle; the Vite plugin compiles NPC files at build time and the
// compiler is exported from phaser-voice-agents/vite and phaser-voice-agents/server. Tiled placement
// (optional, not every game uses Tiled) has its own browser-safe entry: phaser-voice-agents/tiled.
export type * from './npc/types.js';
export { onNpcUpdate, onNpcError, getLiveNpc, NPC_ERROR_EVENT } from './npc/live.js';
export type { NpcErrorEvent } from './npc/live.js';
export * from './phaser/index.js';
