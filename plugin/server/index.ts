// Node entry (phaser-voice-agents/server): the local agent and the signed-URL broker.
export * from './agent/index.js';
export * from './broker/index.js';
// The NPC-file compiler for tools and build steps (kept out of the browser entry: it carries the YAML parser).
export {
  compileNpcFile,
  findDuplicateNpcIds,
  formatNpcError,
  npcIdFromFileName,
  npcJsonSchema,
  NPC_DEFAULTS,
  npcPlacementsFromTiled,
} from '../npc/index.js';
export type { NpcPlacement, TiledPlacementOptions } from '../npc/index.js';
export { loadNpcDir } from './npc-files.js';
// The server side of the wire protocol (what an agent decodes and sends); the browser entry ships only the client side.
export { decodeClientFrame, encodeServerMessage } from '../protocol/index.js';
