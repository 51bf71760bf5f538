/**
 * The frame-cost bench's world and player path, shared by its Node part and its Chromium page.
 *
 * World: one NPC per 200 × 200 px cell, row by row, so the density is the same whatever N is.
 * Path: the player walks the rows in a serpentine, `offset` px below each row of NPCs (inside their
 * 96 px radius), so it passes every NPC of a row in turn, then steps down to the next row; at the end
 * it walks back. Game speed: a fixed number of px per frame (≤ 4).
 */
export const CELL = 200;

export interface Grid {
  side: number;
  rows: number;
  size: number;
}

export function grid(n: number): Grid {
  const side = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { side, rows: Math.max(1, Math.ceil(n / side)), size: side * CELL };
}

/** Centre of NPC `i` in the grid. */
export function npcAt(i: number, g: Grid, out: { x: number; y: number }): void {
  out.x = (i % g.side) * CELL + CELL / 2;
  out.y = Math.floor(i / g.side) * CELL + CELL / 2;
}

export interface Walk {
  /** Length of one pass along the path (px). */
  length: number;
  /** Position after walking `s` px (back and forth along the path). */
  at(s: number, out: { x: number; y: number }): void;
}

export function serpentine(g: Grid, offset = 40): Walk {
  const pts: number[] = [];
  const x0 = CELL / 2 - 60,
    x1 = (g.side - 1) * CELL + CELL / 2 + 60;
  for (let r = 0; r < g.rows; r++) {
    const y = r * CELL + CELL / 2 + offset;
    if (r % 2 === 0) pts.push(x0, y, x1, y);
    else pts.push(x1, y, x0, y);
  }
  const cum = [0];
  for (let i = 2; i < pts.length; i += 2)
    cum.push(cum[cum.length - 1]! + Math.hypot(pts[i]! - pts[i - 2]!, pts[i + 1]! - pts[i - 1]!));
  const length = cum[cum.length - 1]!;
  return {
    length,
    at(s, out) {
      const period = 2 * length;
      let d = ((s % period) + period) % period;
      if (d > length) d = period - d;
      let k = 1;
      while (k < cum.length - 1 && cum[k]! < d) k++;
      const seg = cum[k]! - cum[k - 1]! || 1;
      const f = (d - cum[k - 1]!) / seg;
      out.x = pts[2 * (k - 1)]! + (pts[2 * k]! - pts[2 * (k - 1)]!) * f;
      out.y = pts[2 * (k - 1) + 1]! + (pts[2 * k + 1]! - pts[2 * (k - 1) + 1]!) * f;
    },
  };
}

/** Game walking speed of the bench player, px per frame (60 fps: 180 px/s). */
export const SPEED_PX_PER_FRAME = 3;
