/**
 * An NPC's proximity with every default filled the way the compiler fills a file's: radius 96,
 * exit radius a third further, prewarm radius twice the radius (at least the exit radius), dwell
 * 250 ms, priority 0. One rule for YAML files and for definitions a game builds in code.
 */
import { MAX_RADIUS, NPC_DEFAULTS } from './defaults.js';
import type { NpcProximity } from './types.js';

/** The exit radius of an NPC file that gives only its radius: a third further, at most MAX_RADIUS. */
export const exitRadiusFor = (radius: number): number => Math.min(MAX_RADIUS, Math.round((radius * 4) / 3));

/** The prewarm radius of a file that does not give one: twice the radius, at least the exit radius. */
export const prewarmRadiusFor = (radius: number, exitRadius: number): number =>
  Math.min(MAX_RADIUS, Math.max(exitRadius, radius * 2));

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
