// The proximity tests' walks (not a test file itself): ASCII maps, a line of sight through them, and
// a player walking a tracker across them frame by frame.
import {
  ProximityTracker,
  type ProximityChange,
  type ProximityConfig,
  type ProximityOptions,
} from '../../plugin/proximity/index.js';

/**
 * ASCII-map fixtures: one character is one 10 px cell. Capital letters are NPCs, digits are player
 * waypoints, '#' is a wall (used by the line-of-sight predicate), anything else is floor.
 */
const CELL = 10;
export interface MapFixture {
  npcs: Map<string, { x: number; y: number }>;
  points: Map<string, { x: number; y: number }>;
  walls: Set<string>;
}
export function parseMap(src: string): MapFixture {
  const rows = src
    .split('\n')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const npcs = new Map<string, { x: number; y: number }>();
  const points = new Map<string, { x: number; y: number }>();
  const walls = new Set<string>();
  rows.forEach((row, cy) =>
    [...row].forEach((ch, cx) => {
      const at = { x: cx * CELL + CELL / 2, y: cy * CELL + CELL / 2 };
      if (/[A-Z]/.test(ch)) npcs.set(ch, at);
      else if (/[0-9]/.test(ch)) points.set(ch, at);
      else if (ch === '#') walls.add(`${cx},${cy}`);
    }),
  );
  return { npcs, points, walls };
}

/** A line of sight that marches along the segment and fails on any wall cell. */
export function losFor(map: MapFixture) {
  return (_id: string, nx: number, ny: number, px: number, py: number) => {
    const steps = Math.ceil(Math.hypot(nx - px, ny - py) / 2);
    for (let i = 0; i <= steps; i++) {
      const t = steps ? i / steps : 0;
      const cx = Math.floor((px + (nx - px) * t) / CELL),
        cy = Math.floor((py + (ny - py) * t) / CELL);
      if (map.walls.has(`${cx},${cy}`)) return false;
    }
    return true;
  };
}

export const cfg = (over: Partial<ProximityConfig> = {}): ProximityConfig => ({
  radius: 30,
  exitRadius: 45,
  prewarmRadius: 0,
  priority: 0,
  dwellMs: 0,
  ...over,
});

/** Drives a tracker over a map, recording every change as "type:id" strings with the time. */
export class Walk {
  readonly tracker: ProximityTracker;
  readonly log: string[] = [];
  t = 0;
  px = 0;
  py = 0;
  constructor(
    readonly map: MapFixture,
    configs: Record<string, Partial<ProximityConfig>> = {},
    opts: ProximityOptions = {},
  ) {
    this.tracker = new ProximityTracker(opts);
    for (const [id, at] of map.npcs) this.tracker.add(id, at.x, at.y, cfg(configs[id]));
  }
  #record(changes: readonly ProximityChange[]) {
    for (const c of changes) this.log.push(`${c.type}:${c.id}`);
  }
  at(point: string, dtMs = 16): this {
    const p = this.map.points.get(point);
    if (!p) throw new Error(`no waypoint ${point}`);
    return this.pos(p.x, p.y, dtMs);
  }
  pos(x: number, y: number, dtMs = 16): this {
    this.px = x;
    this.py = y;
    this.t += dtMs;
    this.#record(this.tracker.update(x, y, this.t));
    return this;
  }
  /** Walk in 16 ms frames from the current position to a waypoint at `speed` px per frame. */
  walkTo(point: string, speed = 2): this {
    const p = this.map.points.get(point)!;
    const n = Math.max(1, Math.ceil(Math.hypot(p.x - this.px, p.y - this.py) / speed));
    const x0 = this.px,
      y0 = this.py;
    for (let i = 1; i <= n; i++) this.pos(x0 + ((p.x - x0) * i) / n, y0 + ((p.y - y0) * i) / n);
    return this;
  }
  /** Stand still for `ms` in 16 ms frames. */
  wait(ms: number): this {
    for (let e = 0; e < ms; e += 16) this.pos(this.px, this.py);
    return this;
  }
  take(): string[] {
    return this.log.splice(0);
  }
}
