/**
 * Hot reload of NPC files in a running game, browser side. The Vite plugin's generated module for
 * each `*.npc.yaml` publishes into a registry on globalThis (keyed by a global Symbol, so every copy
 * of this package on the page shares it and the generated code needs no import); the game subscribes
 * here. Pure: no DOM, no Vite; outside a Vite dev server nothing is ever published.
 */
import type { NpcDefinition, NpcFileError } from './types.js';

/** Custom HMR event the dev server sends when a saved NPC file is broken (the game keeps the last good version). */
export const NPC_ERROR_EVENT = 'voice-agents:npc-error';

export interface NpcErrorEvent {
  /** NPC id (file stem). */
  id: string;
  /** File as named in the errors (relative to the project root). */
  file: string;
  errors: NpcFileError[];
}

interface LiveRegistry {
  update: Set<(npc: NpcDefinition) => void>;
  error: Set<(e: NpcErrorEvent) => void>;
  latest: Map<string, NpcDefinition>;
}

export const NPC_LIVE_KEY = 'phaser-voice-agents.npc-live';

function registry(): LiveRegistry {
  const g = globalThis as unknown as Record<symbol, LiveRegistry | undefined>;
  const key = Symbol.for(NPC_LIVE_KEY);
  return (g[key] ??= { update: new Set(), error: new Set(), latest: new Map() });
}

/**
 * Calls `cb` each time an NPC file is saved and compiles: `npc` is the same object the module's
 * default import returned, updated in place, so code holding it already sees the new values.
 * Returns an unsubscribe function.
 */
export function onNpcUpdate(cb: (npc: NpcDefinition) => void): () => void {
  const r = registry();
  r.update.add(cb);
  return () => void r.update.delete(cb);
}

/** Calls `cb` when a saved NPC file has errors; the NPC keeps its last good definition meanwhile. */
export function onNpcError(cb: (e: NpcErrorEvent) => void): () => void {
  const r = registry();
  r.error.add(cb);
  return () => void r.error.delete(cb);
}

/** The latest definition of an NPC loaded through the Vite plugin, if any. */
export function getLiveNpc(id: string): NpcDefinition | undefined {
  return registry().latest.get(id);
}

/** Used by generated modules and tests; games do not call these. */
export function publishNpcUpdate(npc: NpcDefinition): void {
  const r = registry();
  r.latest.set(npc.id, npc);
  for (const cb of [...r.update]) safely(() => cb(npc));
}
export function publishNpcError(e: NpcErrorEvent): void {
  for (const cb of [...registry().error]) safely(() => cb(e));
}

/** One throwing listener must not stop the others; its error still surfaces as an unhandled rejection. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    void Promise.reject(err);
  }
}
