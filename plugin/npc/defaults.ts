// One source for the values an NPC file gets when it leaves a field out: the schema (schema-def.ts,
// schema-local.ts) fills them in, completeProximity (proximity-defaults.ts) applies them to NPCs built
// in code, and the docs and tests quote them from here.

/**
 * The largest radius a file may give (world px): far beyond any game world, and small enough that
 * the radii derived from it stay finite (a radius of 1e308 once left the exit radius at Infinity).
 */
export const MAX_RADIUS = 1_000_000;

/** Defaults that the schema fills in. Exported so documentation and tests quote the same numbers. */
export const NPC_DEFAULTS = {
  radius: 96,
  exit_radius: 128,
  prewarm_radius: 192,
  dwell_ms: 250,
  priority: 0,
  max_width: 220,
  engine_voice: 'en-us',
  rate: 175,
  pitch: 50,
  fallback: "Hmm, I'm not sure I can help with that.",
} as const;
