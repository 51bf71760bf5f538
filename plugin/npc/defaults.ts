// One source for the values an NPC file gets when it leaves a field out: the schema (schema-def.ts,
// schema-local.ts) fills them in, completeProximity (proximity-defaults.ts) applies them to NPCs built
// in code, and the docs and tests quote them from here.

/**
 * The largest radius a file may give (world px): far beyond any game world, and small enough that
 * the radii derived from it stay finite (a radius of 1e308 once left the exit radius at Infinity).
 */
export const MAX_RADIUS = 1_000_000;

/** The exit radius of an NPC file that gives only its radius: a third further, at most MAX_RADIUS. */
export const exitRadiusFor = (radius: number): number => Math.min(MAX_RADIUS, Math.round((radius * 4) / 3));

/** The prewarm radius of a file that does not give one: twice the radius, at least the exit radius. */
export const prewarmRadiusFor = (radius: number, exitRadius: number): number =>
  Math.min(MAX_RADIUS, Math.max(exitRadius, radius * 2));

const RADIUS = 96;

/** Defaults that the schema fills in. Exported so documentation and tests quote the same numbers. */
export const NPC_DEFAULTS = {
  radius: RADIUS,
  // Derived by the same rule a file that gives only its radius gets (128 and 192).
  exit_radius: exitRadiusFor(RADIUS),
  prewarm_radius: prewarmRadiusFor(RADIUS, exitRadiusFor(RADIUS)),
  dwell_ms: 250,
  priority: 0,
  max_width: 220,
  engine_voice: 'en-us',
  rate: 175,
  pitch: 50,
  fallback: "Hmm, I'm not sure I can help with that.",
} as const;
