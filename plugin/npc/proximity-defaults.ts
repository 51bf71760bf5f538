/**
 * An NPC's proximity with every default filled the way the compiler fills a file's: radius 96,
 * exit radius a third further, prewarm radius twice the radius (at least the exit radius), dwell
 * 250 ms, priority 0. One rule for YAML files and for definitions a game builds in code.
 */
import { exitRadiusFor, NPC_DEFAULTS, prewarmRadiusFor } from './defaults.js';
import type { NpcProximity } from './types.js';

export function completeProximity(p: Partial<NpcProximity> | undefined): NpcProximity {
  const radius = p?.radius ?? NPC_DEFAULTS.radius;
  const exit_radius = p?.exit_radius ?? exitRadiusFor(radius);
  return {
    radius,
    exit_radius,
    prewarm_radius: p?.prewarm_radius ?? prewarmRadiusFor(radius, exit_radius),
    priority: p?.priority ?? NPC_DEFAULTS.priority,
    dwell_ms: p?.dwell_ms ?? NPC_DEFAULTS.dwell_ms,
  };
}
