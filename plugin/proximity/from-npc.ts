import type { NpcProximity } from '../npc/types.js';
import type { ProximityConfig } from './tracker.js';

/** The NPC file's `proximity` section (snake_case, possibly partial) as tracker settings. */
export function proximityFromNpc(p: Partial<NpcProximity> | undefined): ProximityConfig {
  const radius = p?.radius ?? 96;
  return {
    radius,
    exitRadius: p?.exit_radius ?? Math.round(radius * 1.33),
    prewarmRadius: p?.prewarm_radius ?? 0,
    priority: p?.priority ?? 0,
    dwellMs: p?.dwell_ms ?? 0,
  };
}
