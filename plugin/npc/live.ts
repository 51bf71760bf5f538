/**
 * Hot reload of NPC files in a running game, browser side: the one registry. The Vite plugin's
 * generated modules (vite/codegen.ts) import this file and publish through the functions at the end;
 * the game subscribes here. The state lives on globalThis under a global Symbol because a dev server
 * can load two copies of this module (the game's pre-bundled package and the file the generated code
 * imports), and both must see one registry. Pure: no DOM, no Vite; outside a page built by the Vite
 * plugin nothing is ever published.
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
  /** true: no good version of this file was seen, so the NPC is silent (else it keeps the last good one). */
  silent?: boolean;
}

/**
 * Where the server that serves the game answers, as paths on the page's own origin: what the Vite
 * plugin mounted (dev server, `vite preview`) or what a build expects its server to mount
 * (`voice-agents serve`). null: not served.
 */
export interface ServedEndpoints {
  /** The signed-URL broker (for NPCs with an agent_id). */
  broker: string | null;
  /** The local agent's WebSocket path (for NPCs without one). */
  localAgent: string | null;
}

interface LiveRegistry {
  update: Set<(npc: NpcDefinition) => void>;
  error: Set<(e: NpcErrorEvent) => void>;
  latest: Map<string, NpcDefinition>;
  /** Set by every module the Vite plugin generates, so a game needs no URL in its code. */
  endpoints?: ServedEndpoints;
  /** NPC files broken right now, by NPC id (a good save removes its entry). */
  errors: Map<string, NpcErrorEvent>;
}

const NPC_LIVE_KEY = 'phaser-voice-agents.npc-live';

function registry(): LiveRegistry {
  const g = globalThis as unknown as Record<symbol, LiveRegistry | undefined>;
  const r = (g[Symbol.for(NPC_LIVE_KEY)] ??= {
    update: new Set(),
    error: new Set(),
    latest: new Map(),
    errors: new Map(),
  });
  // An older copy of the package on the page may have made the registry before `errors` existed.
  r.errors ??= new Map();
  return r;
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

/**
 * Calls `cb` when a saved NPC file has errors; the NPC keeps its last good definition meanwhile
 * (or, broken since the page loaded, stays silent). Files broken when it subscribes are reported
 * to it at once, so a game that starts with a broken file still hears of it.
 */
export function onNpcError(cb: (e: NpcErrorEvent) => void): () => void {
  const r = registry();
  r.error.add(cb);
  for (const e of [...r.errors.values()]) safely(() => cb(e));
  return () => void r.error.delete(cb);
}

/** The latest definition of an NPC loaded through the Vite plugin, if any. */
export function getLiveNpc(id: string): NpcDefinition | undefined {
  return registry().latest.get(id);
}

/** The endpoints of the server the Vite plugin built this page for, if the page came through it. */
export function getServedEndpoints(): ServedEndpoints | undefined {
  return registry().endpoints;
}

// Called only by the modules the Vite plugin generates (vite/codegen.ts), not by games.

/** Where the server that built this page answers (every generated module says so). */
export function setServedEndpoints(endpoints: ServedEndpoints): void {
  registry().endpoints = endpoints;
}

/**
 * An NPC module ran: `npc` is the definition the game holds. `updated`: a hot update replaced the
 * contents of an object the game already had, so its listeners hear of it; on first load they do not.
 */
export function publishNpc(npc: NpcDefinition, updated: boolean): void {
  const r = registry();
  r.latest.set(npc.id, npc);
  if (updated) for (const cb of [...r.update]) safely(() => cb(npc));
}

/** An NPC file is broken: remembered for later subscribers, told to the current ones. */
export function publishNpcError(e: NpcErrorEvent): void {
  const r = registry();
  r.errors.set(e.id, e);
  for (const cb of [...r.error]) safely(() => cb(e));
}

/** The NPC's file compiles again. */
export function clearNpcError(id: string): void {
  registry().errors.delete(id);
}

/** One throwing listener must not stop the others; its error still surfaces as an unhandled rejection. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    void Promise.reject(err);
  }
}
