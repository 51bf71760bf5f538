/**
 * What the proximity tracker works with: the settings and options a game gives it, the changes and
 * inspections it hands back, and its per-NPC record (with the settings checked once, on the way in).
 */

/** Per-NPC proximity settings in world pixels (the `proximity` section of an NPC file, camelCased). */
export interface ProximityConfig {
  /** Enter radius: the player must come this close for the NPC to take the conversation. */
  radius: number;
  /** Exit radius (>= radius): the active NPC keeps the conversation until the player is farther than this. */
  exitRadius: number;
  /** Outer radius that opens (prewarms) the conversation before the player arrives; 0 disables prewarm. */
  prewarmRadius: number;
  /** Among NPCs inside their enter radius, a higher priority wins before distance is compared. */
  priority: number;
  /** The player must stay inside the enter radius this long before the NPC takes the conversation. */
  dwellMs: number;
}

/** Game-supplied line-of-sight test (for example a tilemap ray). Only called for NPCs that could win. */
export type LineOfSight = (
  npcId: string,
  npcX: number,
  npcY: number,
  playerX: number,
  playerY: number,
) => boolean;

export interface ProximityOptions {
  /** Cap on open conversations (the service limits concurrency per plan). Default 10. */
  maxConcurrent?: number;
  /** How long a conversation stays open after it is no longer wanted. Default 1500 ms. */
  lingerMs?: number;
  /** A challenger of equal priority must be this many pixels nearer than the incumbent. Default 12. */
  switchMargin?: number;
  /** Spatial hash cell size in world pixels. Default 256. */
  cellSize?: number;
  lineOfSight?: LineOfSight | null;
}

/**
 * The tracker's settings where none are given: the one source of these numbers (the scene plugin's
 * configure() defaults are these too).
 */
export const PROXIMITY_DEFAULTS: Readonly<Required<Omit<ProximityOptions, 'lineOfSight'>>> = {
  maxConcurrent: 10,
  lingerMs: 1500,
  switchMargin: 12,
  cellSize: 256,
};

/**
 * What changed in one update, in the order the caller should apply them: the old active NPC first,
 * then closes (which free slots), then opens, then the new active NPC.
 */
export type ProximityChange =
  | { type: 'deactivate'; id: string }
  | { type: 'close'; id: string }
  | { type: 'open'; id: string; reason: 'prewarm' | 'active' }
  | { type: 'activate'; id: string };

/** One NPC as the debug overlay sees it. */
export interface ProximityInspection {
  id: string;
  x: number;
  y: number;
  config: Readonly<ProximityConfig>;
  /** Distance to the player at the last update (Infinity if it was not near enough to be measured). */
  distance: number;
  active: boolean;
  open: boolean;
  waiting: boolean;
  speaking: boolean;
  /** ms of dwell still needed before it can take the conversation; 0 when satisfied or not inside. */
  dwellRemainingMs: number;
  /** ms before a lingering conversation closes; null when not lingering. */
  closesInMs: number | null;
}

/** The tracker's state for one NPC. */
export interface Rec {
  id: string;
  index: number;
  x: number;
  y: number;
  cfg: ProximityConfig;
  d2: number;
  /** When the player entered the enter radius; -1 when outside. */
  enteredAt: number;
  open: boolean;
  lingerSince: number;
  speaking: boolean;
  stamp: number;
  waiting: boolean;
}

/** Nearest first. */
export const nearer = (a: Rec, b: Rec): number => a.d2 - b.d2;

/** The settings as the tracker uses them; throws a RangeError naming the NPC and field that is wrong. */
export function validateConfig(id: string, c: ProximityConfig): ProximityConfig {
  const num = (v: number, name: string) => {
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`NPC ${id}: proximity.${name} must be a finite number >= 0, got ${v}`);
    return v;
  };
  const radius = num(c.radius, 'radius');
  // An exit radius smaller than the enter radius would flap every frame; treat it as equal.
  const exitRadius = Math.max(radius, num(c.exitRadius, 'exitRadius'));
  return {
    radius,
    exitRadius,
    prewarmRadius: num(c.prewarmRadius, 'prewarmRadius'),
    priority: Number.isFinite(c.priority) ? c.priority : 0,
    dwellMs: num(c.dwellMs, 'dwellMs'),
  };
}
