// The e2e tests walk the player along fixed waypoints (test/e2e/helpers/player.ts ROUTES). walkTo
// stops anywhere within a waypoint's tolerance, so a route is only sound if the player's body clears
// every wall from anywhere in that band: a busy CI run once stopped 5 px short on Meiling's route
// and scraped a bush for the rest of the test. This checks each leg against the generated map.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ROUTES, type Waypoint } from '../e2e/helpers/player.js';

interface TiledLayer {
  name: string;
  type: string;
  data?: number[];
  objects?: { name: string; type: string; x: number; y: number }[];
}
const map = JSON.parse(readFileSync(new URL('../../assets/maps/village.json', import.meta.url), 'utf8')) as {
  width: number;
  tilewidth: number;
  layers: TiledLayer[];
  tilesets: { firstgid: number; tiles?: { id: number; properties?: { name: string; value: unknown }[] }[] }[];
};
const T = map.tilewidth;
const ts = map.tilesets[0]!;
const collides = new Set(
  (ts.tiles ?? [])
    .filter((t) => t.properties?.some((p) => p.name === 'collides' && p.value === true))
    .map((t) => t.id + ts.firstgid),
);
const layer = (name: string) => map.layers.find((l) => l.name === name)!;

type Rect = { x0: number; y0: number; x1: number; y1: number };
/** What the player collides with in the village (sample-game/scenes/VillageScene.ts; the gate aside). */
const solid: Rect[] = [];
for (const name of ['walls', 'ground'])
  layer(name).data!.forEach((gid, i) => {
    if (!collides.has(gid)) return;
    const x = (i % map.width) * T,
      y = Math.floor(i / map.width) * T;
    solid.push({ x0: x, y0: y, x1: x + T, y1: y + T });
  });
// Each NPC's blocker: a 12 x 6 zone at its feet (sample-game/game/actors.ts).
for (const o of layer('npcs').objects!) solid.push({ x0: o.x - 6, y0: o.y - 6, x1: o.x + 6, y1: o.y });
const spawn = layer('objects').objects!.find((o) => o.type === 'spawn')!;

/** The player's body (sample-game/game/actors.ts): 10 x 6 px at the feet, feet at the sprite's y. */
const body = (xlo: number, xhi: number, ylo: number, yhi: number): Rect => ({
  x0: xlo - 5,
  x1: xhi + 5,
  y0: ylo - 6,
  y1: yhi,
});
const hits = (a: Rect) => solid.filter((s) => a.x0 < s.x1 && s.x0 < a.x1 && a.y0 < s.y1 && s.y0 < a.y1);

/** Where each route starts: the spawn, or the end of the route the tests walk before it. */
const STARTS: Record<string, string | null> = {
  mira: null,
  aldric: null,
  meiling: null,
  away: 'mira',
  aldricToBrenna: 'aldric',
  moonwell: 'aldricToBrenna',
};

describe('the e2e walking routes', () => {
  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: the player's body clears every wall from anywhere walkTo may stop`, () => {
      const from = STARTS[name];
      expect(from, `say where route ${name} starts`).not.toBeUndefined();
      const prev: Waypoint = from ? ROUTES[from]!.at(-1)! : [spawn.x, spawn.y, 0];
      // The band the player may be in: [lo, hi] per axis.
      let [xlo, xhi] = [prev[0] - (prev[2] ?? 6), prev[0] + (prev[2] ?? 6)];
      let [ylo, yhi] = [prev[1] - (prev[2] ?? 6), prev[1] + (prev[2] ?? 6)];
      for (const [x, y, tol = 6] of route) {
        // walkTo: vertical first, then horizontal, each ending within tol of the target.
        const down = body(xlo, xhi, Math.min(ylo, y - tol), Math.max(yhi, y + tol));
        expect(hits(down), `${name}: walking to y ${y} from x ${xlo}..${xhi}`).toEqual([]);
        [ylo, yhi] = [y - tol, y + tol];
        const across = body(Math.min(xlo, x - tol), Math.max(xhi, x + tol), ylo, yhi);
        expect(hits(across), `${name}: walking to x ${x} at y ${ylo}..${yhi}`).toEqual([]);
        [xlo, xhi] = [x - tol, x + tol];
      }
    });
  }
});
