// Browser entry of phaser-voice-agents. Each folder owns its public surface in its own index.ts.
export * from './protocol/index.js';
export * from './session/index.js';
export * from './audio/index.js';
export * from './proximity/index.js';
// From npc/ only what a running game needs: the YAML compiler and schema (and the yaml parser they
// pull in) stay out of the browser bundle; the Vite plugin compiles NPC files at build time and the
// compiler is exported from phaser-voice-agents/vite and phaser-voice-agents/server.
export type * from './npc/types.js';
export { onNpcUpdate, onNpcError, getLiveNpc, NPC_ERROR_EVENT } from './npc/live.js';
export type { NpcErrorEvent } from './npc/live.js';
export { npcPlacementsFromTiled } from './npc/tiled.js';
export type { NpcPlacement, TiledPlacementOptions } from './npc/tiled.js';
export * from './phaser/index.js';
