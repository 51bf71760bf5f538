import { completeProximity } from '../npc/proximity-defaults.js';
import type { NpcProximity } from '../npc/types.js';
import type { ProximityConfig } from '../proximity/index.js';

/**
 * The NPC file's `proximity` section (snake_case, possibly partial) as tracker settings, with the
 * same defaults the compiler gives a file: a hand-built NPC behaves like a YAML one.
 */
export function proximityFromNpc(p: Partial<NpcProximity> | undefined): ProximityConfig {
  const c = completeProximity(p);
  return {
    radius: c.radius,
    exitRadius: c.exit_radius,
    prewarmRadius: c.prewarm_radius,
    priority: c.priority,
    dwellMs: c.dwell_ms,
  };
}
