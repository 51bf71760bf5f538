export type * from './types.js';
export type { NpcFileContent, SchemaNode } from './schema-def.js';
export { npcSchema, NPC_DEFAULTS } from './schema-def.js';
export { compileNpcFile, findDuplicateNpcIds, formatNpcError, npcIdFromFileName } from './compile.js';
export { npcJsonSchema } from './json-schema.js';
export { onNpcUpdate, onNpcError, getLiveNpc, NPC_ERROR_EVENT } from './live.js';
export type { NpcErrorEvent } from './live.js';
export { npcPlacementsFromTiled } from './tiled.js';
export type { NpcPlacement, TiledPlacementOptions } from './tiled.js';
