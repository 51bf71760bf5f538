// Who the player is talking to: radii with hysteresis, dwell, priority, line of sight, prewarm and a
// concurrency cap. Pure (no DOM, Node or Phaser), so it is unit-tested with ASCII-map fixtures.
export { ProximityTracker } from './tracker.js';
export { PROXIMITY_DEFAULTS } from './types.js';
export type {
  ProximityConfig,
  ProximityOptions,
  ProximityChange,
  ProximityInspection,
  LineOfSight,
} from './types.js';
export { SpatialGrid } from './grid.js';
