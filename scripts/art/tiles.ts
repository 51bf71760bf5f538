/**
 * The village tileset (16x16 tiles). Tiles are registered by name; the map generator places them by
 * name, so reordering the sheet never breaks the map. Big things (trees, stall, well) are drawn once
 * on a larger canvas and cut into tiles.
 */
import { Canvas, hash2, hex, mix, type RGBA } from './canvas.js';
import { P, ROOFS } from './palette.js';
import {
  paintBigTree,
  paintPine,
  paintBush,
  paintFlowers,
  paintTuft,
  paintRock,
  paintFence,
  paintStall,
  paintWell,
  paintSign,
  paintBarrel,
  paintCrate,
  paintCauldron,
  paintLamp,
  paintBench,
  paintStump,
  paintMoonwell,
  paintTowerRoof,
  paintCrops,
  paintLily,
  paintNoticeBoard,
} from './props.js';

export const TILE = 16;
export const COLUMNS = 16;

export interface TileDef {
  name: string;
  canvas: Canvas;
  collides: boolean;
}

export class TilesetBuilder {
  readonly tiles: TileDef[] = [];
  readonly #index = new Map<string, number>();

  add(name: string, draw: (c: Canvas) => void, collides = false): void {
    const c = new Canvas(TILE, TILE);
    draw(c);
    this.#push(name, c, collides);
  }

  /** Draws a w x h tile object once and registers `${name}_${col}_${row}` pieces. */
  addBig(
    name: string,
    w: number,
    h: number,
    draw: (c: Canvas) => void,
    collides: (col: number, row: number) => boolean,
  ): void {
    const big = new Canvas(w * TILE, h * TILE);
    draw(big);
    for (let row = 0; row < h; row++)
      for (let col = 0; col < w; col++) {
        const c = new Canvas(TILE, TILE);
        c.blit(big, 0, 0, col * TILE, row * TILE, TILE, TILE);
        this.#push(`${name}_${col}_${row}`, c, collides(col, row));
      }
  }

  #push(name: string, c: Canvas, collides: boolean): void {
    if (this.#index.has(name)) throw new Error(`duplicate tile ${name}`);
    this.#index.set(name, this.tiles.length);
    this.tiles.push({ name, canvas: c, collides });
  }

  has(name: string): boolean {
    return this.#index.has(name);
  }

  id(name: string): number {
    const i = this.#index.get(name);
    if (i === undefined) throw new Error(`unknown tile ${name}`);
    return i;
  }

  image(): Canvas {
    const rows = Math.ceil(this.tiles.length / COLUMNS);
    const img = new Canvas(COLUMNS * TILE, rows * TILE);
    this.tiles.forEach((t, i) => img.blit(t.canvas, (i % COLUMNS) * TILE, Math.floor(i / COLUMNS) * TILE));
    return img;
  }
}

// ---------------------------------------------------------------- ground

/** Grass pixel at tile-local (x, y) for a variant seed: used by grass tiles and by grass edges. */
function grassAt(x: number, y: number, seed: number): RGBA {
  const n = hash2(x, y, seed);
  if (n < 0.07) return P.grassDark;
  if (n < 0.11) return P.grassLight;
  return P.grass;
}

function paintGrass(c: Canvas, seed: number, blades = 5): void {
  for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) c.set(x, y, grassAt(x, y, seed));
  for (let k = 0; k < blades; k++) {
    const bx = 1 + Math.floor(hash2(k, 1, seed + 11) * 13);
    const by = 2 + Math.floor(hash2(k, 2, seed + 11) * 12);
    c.set(bx, by, P.grassBlade);
    c.set(bx - 1, by - 1, P.grassBlade);
    c.set(bx + 1, by - 1, P.grassBlade);
    c.set(bx, by - 1, P.grassTip);
  }
}

const N = 1;
const E = 2;
const S = 4;
const W = 8;

/**
 * Which pixels of an edge tile belong to the neighbour (grass or land) given a 4-bit mask of the
 * sides whose neighbour differs. Edges are wavy (position hash) and outer corners are rounded.
 */
function edgeMask(mask: number, seed: number, base = 2, radius = 6): (x: number, y: number) => boolean {
  const wob = (i: number, side: number) => base + (hash2(i >> 1, side, seed) < 0.45 ? 1 : 0);
  // Distance from a pixel centre to a tile corner (cx, cy in {0, 16}).
  const dist = (x: number, y: number, cx: number, cy: number) => Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  const R = radius;
  return (x, y) => {
    if (mask & N && y < wob(x, 1)) return true;
    if (mask & S && y > 15 - wob(x, 3)) return true;
    if (mask & W && x < wob(y, 4)) return true;
    if (mask & E && x > 15 - wob(y, 2)) return true;
    // inner corners: both sides match but the diagonal differs (bits 16 NE, 32 SE, 64 SW, 128 NW)
    const k = base + 1.5;
    if (mask & 16 && dist(x, y, 16, 0) < k) return true;
    if (mask & 32 && dist(x, y, 16, 16) < k) return true;
    if (mask & 64 && dist(x, y, 0, 16) < k) return true;
    if (mask & 128 && dist(x, y, 0, 0) < k) return true;
    // outer corners: rounded with radius R around a centre R px inside the corner
    const round = (cx: number, cy: number) =>
      Math.abs(x + 0.5 - cx) < R && Math.abs(y + 0.5 - cy) < R && dist(x, y, cx, cy) > R - base;
    if (mask & N && mask & W && x < R && y < R && round(R, R)) return true;
    if (mask & N && mask & E && x >= 16 - R && y < R && round(16 - R, R)) return true;
    if (mask & S && mask & W && x < R && y >= 16 - R && round(R, 16 - R)) return true;
    if (mask & S && mask & E && x >= 16 - R && y >= 16 - R && round(16 - R, 16 - R)) return true;
    return false;
  };
}

/** The path or water tile for an 8-bit edge mask, drawn on first use (most combinations never occur). */
export function edgeTile(b: TilesetBuilder, kind: 'path' | 'water', mask: number): string {
  const name = `${kind}${mask}`;
  if (!b.has(name))
    b.add(name, (c) => (kind === 'path' ? paintPath(c, mask) : paintWater(c, mask)), kind === 'water');
  return name;
}

function paintPath(c: Canvas, mask: number): void {
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      const n = hash2(x, y, 77);
      c.set(x, y, n < 0.08 ? P.dirtDark : n < 0.14 ? P.dirtLight : P.dirt);
    }
  for (let k = 0; k < 3; k++) {
    const px = 2 + Math.floor(hash2(k, mask & 15, 5) * 12);
    const py = 2 + Math.floor(hash2(k, mask & 15, 6) * 12);
    c.set(px, py, P.pebble);
    c.set(px + 1, py, P.dirtLight);
  }
  const inGrass = edgeMask(mask, 31);
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      if (inGrass(x, y)) c.set(x, y, grassAt(x, y, 1));
      else if (inGrass(x, y - 1) || inGrass(x - 1, y) || inGrass(x + 1, y)) c.set(x, y, P.dirtRim);
    }
}

function paintWater(c: Canvas, mask: number): void {
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      const n = hash2(x, y, 91);
      c.set(x, y, n < 0.1 ? P.waterDeep : P.water);
    }
  // little wave marks
  for (let k = 0; k < 3; k++) {
    const wx = 2 + Math.floor(hash2(k, mask & 15, 13) * 10);
    const wy = 3 + Math.floor(hash2(k, mask & 15, 14) * 10);
    c.hline(wx, wx + 2, wy, P.waterLight);
  }
  const land = edgeMask(mask, 53, 2, 9);
  const bank = edgeMask(mask, 53, 3, 9);
  const foam = edgeMask(mask, 53, 4, 9);
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      if (land(x, y)) c.set(x, y, grassAt(x, y, 2));
      else if (bank(x, y)) c.set(x, y, y < 8 && mask & N ? P.bankDark : P.bank);
      else if (foam(x, y)) c.set(x, y, P.foam);
    }
}

function paintCobble(c: Canvas, seed: number): void {
  c.rect(0, 0, 16, 16, P.mortar);
  // two staggered rows of rounded stones per tile
  const rows = [
    { y: 0, h: 5, off: 0 },
    { y: 5, h: 5, off: 3 },
    { y: 10, h: 6, off: 0 },
  ];
  for (const r of rows) {
    for (let x0 = -6 + r.off; x0 < 16; x0 += 6) {
      const w = 5;
      const tint = hash2(x0 + 10, r.y, seed);
      const base = tint < 0.3 ? P.stoneDark : tint < 0.8 ? P.stone : P.stoneLight;
      for (let y = r.y; y < r.y + r.h - 1; y++)
        for (let x = x0; x < x0 + w; x++) {
          const corner = (x === x0 || x === x0 + w - 1) && (y === r.y || y === r.y + r.h - 2);
          if (corner || x < 0 || x > 15) continue;
          c.set(x, y, y === r.y ? mix(base, P.white, 0.25) : base);
        }
    }
  }
}

// ---------------------------------------------------------------- buildings

type Roof = (typeof ROOFS)['red'];

/** A roof part: col/row in {0: first, 1: middle, 2: last}. Shingles, ridge, eave shadow, side trim. */
function paintRoof(c: Canvas, roof: Roof, col: number, row: number): void {
  // Overlapping shingles, 4 px wide and 4 px tall, each row offset by half a shingle.
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      const off = Math.floor(y / 4) % 2 ? 2 : 0;
      const sx = (x + off) % 4;
      const sy = y % 4;
      let k = roof.base;
      if (sy === 3) k = roof.dark;
      else if (sx === 3) k = roof.dark;
      else if (sy === 0 && sx < 2) k = roof.light;
      if (sy === 3 && sx === 3) k = roof.deep;
      c.set(x, y, k);
    }
  if (row === 0) {
    c.rect(0, 0, 16, 3, roof.deep);
    c.hline(0, 15, 1, roof.dark);
    c.hline(0, 15, 3, roof.light);
  }
  if (row === 2) {
    c.rect(0, 13, 16, 3, roof.deep);
    c.hline(0, 15, 12, roof.dark);
  }
  if (col === 0) {
    c.vline(0, 0, 15, P.outline);
    c.vline(1, 0, 15, roof.deep);
  }
  if (col === 2) {
    c.vline(15, 0, 15, P.outline);
    c.vline(14, 0, 15, roof.deep);
  }
  if (row === 0) c.hline(0, 15, 0, P.outline);
  if (row === 2) c.hline(0, 15, 15, P.outline);
}

type WallKind = 'wood' | 'stone';

function paintWallBase(c: Canvas, kind: WallKind, col: number, bottom: boolean): void {
  if (kind === 'wood') {
    for (let y = 0; y < TILE; y++)
      for (let x = 0; x < TILE; x++) {
        let k = y % 4 === 3 ? P.woodDark : P.wood;
        if (y % 4 === 0) k = P.woodLight;
        if (y % 4 !== 3 && (x + (Math.floor(y / 4) % 2) * 7) % 13 === 0) k = P.woodDark;
        c.set(x, y, k);
      }
  } else {
    c.rect(0, 0, 16, 16, P.mortar);
    for (let by = 0; by < 4; by++) {
      const off = by % 2 ? 4 : 0;
      for (let bx = -8 + off; bx < 16; bx += 8) {
        const t = hash2(bx + 20, by, 3);
        const base = t < 0.3 ? P.stoneDark : P.stone;
        c.rect(Math.max(0, bx), by * 4, Math.min(7, 16 - bx, bx + 7), 3, base);
        c.hline(Math.max(0, bx), Math.min(15, bx + 6), by * 4, P.stoneLight);
      }
    }
  }
  // shadow under the eave
  c.hline(0, 15, 0, mix(kind === 'wood' ? P.woodDeep : P.mortar, P.outline, 0.4));
  if (bottom) {
    c.rect(0, 13, 16, 3, P.stoneDark);
    c.hline(0, 15, 13, P.stone);
    c.hline(0, 15, 15, P.outline);
    for (let x = 3; x < 16; x += 6) c.set(x, 14, P.mortar);
  }
  if (col === 0) c.vline(0, 0, 15, P.outline);
  if (col === 2) c.vline(15, 0, 15, P.outline);
}

function paintWindow(c: Canvas): void {
  c.rect(3, 3, 10, 9, P.woodDeep);
  c.rect(4, 4, 8, 7, P.glass);
  c.vline(8, 4, 10, P.woodDeep);
  c.hline(4, 11, 7, P.woodDeep);
  c.set(5, 5, P.glassLight);
  c.set(6, 5, P.glassLight);
  c.set(5, 6, P.glassLight);
  c.set(9, 5, P.glassLight);
  // sill and flower box
  c.rect(2, 11, 12, 2, P.woodDark);
  c.hline(2, 13, 11, P.woodLight);
  c.set(4, 10, P.red);
  c.set(7, 10, P.gold);
  c.set(11, 10, P.red);
}

function paintDoor(c: Canvas): void {
  c.rect(3, 1, 10, 15, P.outline);
  c.rect(4, 2, 8, 14, P.woodDark);
  c.rect(5, 3, 6, 13, P.trunk);
  c.vline(8, 3, 15, P.woodDeep);
  c.hline(5, 10, 3, P.woodLight);
  c.set(10, 9, P.gold);
  c.rect(2, 15, 12, 1, P.stoneDark);
}

export function buildTileset(): TilesetBuilder {
  const b = new TilesetBuilder();
  for (let v = 0; v < 4; v++) b.add(`grass${v}`, (c) => paintGrass(c, 1 + v, v === 0 ? 2 : 4 + v));
  for (let m = 0; m < 16; m++) b.add(`path${m}`, (c) => paintPath(c, m));
  for (let m = 0; m < 16; m++) b.add(`water${m}`, (c) => paintWater(c, m), true);
  b.add('cobble0', (c) => paintCobble(c, 1));
  b.add('cobble1', (c) => paintCobble(c, 2));
  b.add('crops', paintCrops);
  b.add('flowers_red', (c) => paintFlowers(c, P.red, 1));
  b.add('flowers_yellow', (c) => paintFlowers(c, P.gold, 2));
  b.add('flowers_white', (c) => paintFlowers(c, P.white, 3));
  b.add('flowers_blue', (c) => paintFlowers(c, hex('#7aa7f0'), 4));
  b.add('tuft', paintTuft);
  b.add('lily', paintLily);
  for (const [name, roof] of Object.entries(ROOFS))
    for (let row = 0; row < 3; row++)
      for (let col = 0; col < 3; col++)
        b.add(`roof_${name}_${col}_${row}`, (c) => paintRoof(c, roof, col, row), true);
  for (const kind of ['wood', 'stone'] as const) {
    for (const bottom of [false, true])
      for (let col = 0; col < 3; col++)
        b.add(`wall_${kind}_${col}_${bottom ? 'b' : 't'}`, (c) => paintWallBase(c, kind, col, bottom), true);
    b.add(`window_${kind}`, (c) => (paintWallBase(c, kind, 1, false), paintWindow(c)), true);
    b.add(`window_${kind}_b`, (c) => (paintWallBase(c, kind, 1, true), paintWindow(c)), true);
    b.add(`door_${kind}`, (c) => (paintWallBase(c, kind, 1, true), paintDoor(c)), true);
  }
  b.add('fence_h', (c) => paintFence(c, 'h'), true);
  b.add('fence_v', (c) => paintFence(c, 'v'), true);
  b.add('fence_post', (c) => paintFence(c, 'post'), true);
  b.add('bush', paintBush, true);
  b.add('rock', paintRock, true);
  b.add('sign', paintSign, true);
  b.add('barrel', paintBarrel, true);
  b.add('crate', paintCrate, true);
  b.add('cauldron', paintCauldron, true);
  b.add('stump', paintStump, true);
  b.addBig('tree', 2, 2, paintBigTree, (_c, r) => r === 1);
  b.addBig('pine', 1, 2, paintPine, (_c, r) => r === 1);
  b.addBig('stall', 3, 2, paintStall, (_c, r) => r === 1);
  b.addBig('well', 2, 2, paintWell, (_c, r) => r === 1);
  b.addBig('lamp', 1, 2, paintLamp, (_c, r) => r === 1);
  b.addBig('bench', 2, 1, paintBench, () => true);
  b.addBig('towerroof', 3, 3, paintTowerRoof, (_c, r) => r === 2);
  b.addBig('moonwell', 2, 2, paintMoonwell, (_c, r) => r === 1);
  b.addBig('board', 2, 2, paintNoticeBoard, (_c, r) => r === 1);
  return b;
}
