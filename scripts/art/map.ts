/**
 * The village map, generated as Tiled JSON (orthogonal, 16x16, CSV-free plain arrays) so it opens in
 * Tiled for hand editing. Layers: ground, decor, walls (collision: every tile there has the
 * `collides` property), above (drawn over characters: tree crowns, upper roofs), and two object
 * layers: "npcs" (object name = NPC id from assets/npcs/<id>.npc.yaml) and "objects" (spawn, gate,
 * chest, signs). How that is written out in Tiled's format is tiled.ts.
 */
import { hash2 } from './canvas.js';
import { TILE, edgeTile, type TilesetBuilder } from './tiles.js';
import { tiledMap, tiledObject, type PlacedObject, type TileLayer } from './tiled.js';

export const MAP_W = 48;
export const MAP_H = 36;

export interface VillagePlaces {
  npcs: { name: string; x: number; y: number; facing: string }[];
}

export function buildMap(ts: TilesetBuilder): { json: unknown } {
  const size = MAP_W * MAP_H;
  const ground: TileLayer = new Int32Array(size);
  const decor: TileLayer = new Int32Array(size);
  const walls: TileLayer = new Int32Array(size);
  const above: TileLayer = new Int32Array(size);
  const blocked = new Uint8Array(size); // anything placed: keeps decorations off structures
  const path = new Uint8Array(size);
  const water = new Uint8Array(size);
  const cobble = new Uint8Array(size);
  const at = (x: number, y: number) => y * MAP_W + x;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < MAP_W && y < MAP_H;
  const gid = (name: string) => ts.id(name) + 1;
  const put = (layer: TileLayer, x: number, y: number, name: string) => {
    if (!inside(x, y)) return;
    layer[at(x, y)] = gid(name);
    blocked[at(x, y)] = 1;
  };
  const fill = (grid: Uint8Array, x0: number, y0: number, x1: number, y1: number) => {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (inside(x, y)) grid[at(x, y)] = 1;
  };
  /** A big object: the bottom row collides in `walls`, the rows above go to `above`. */
  const big = (name: string, x: number, y: number, w: number, h: number) => {
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) put(r === h - 1 ? walls : above, x + c, y + r, `${name}_${c}_${r}`);
  };

  // ---- ground features: paths, plaza, pond
  fill(path, 23, 11, 24, MAP_H - 1); // main street: south entrance to the grove gate
  fill(path, 9, 17, 22, 18); // to the shop door
  fill(path, 25, 17, 36, 18); // to the town hall
  fill(path, 25, 27, 41, 28); // to the wizard's hut
  fill(path, 40, 25, 41, 26);
  fill(path, 23, 8, 24, 9); // trail from the gate to the Moonwell clearing
  for (let y = 1; y < 9; y++)
    for (let x = 18; x < 30; x++)
      if (((x - 23.5) / 4.8) ** 2 + ((y - 4.8) / 3.2) ** 2 <= 1) path[at(x, y)] = 1;
  fill(cobble, 19, 15, 28, 21);
  // the pond: hand-shaped rows so its outline has no one-tile spikes
  const pond: [number, number, number][] = [
    [29, 31, 36],
    [30, 30, 37],
    [31, 29, 38],
    [32, 30, 37],
    [33, 31, 36],
  ];
  for (const [y, x0, x1] of pond) for (let x = x0; x <= x1; x++) water[at(x, y)] = 1;
  for (let y = 0; y < MAP_H; y++)
    for (let x = 0; x < MAP_W; x++) {
      const i = at(x, y);
      /** 4 bits for differing sides, plus 4 bits for differing diagonals whose two sides match. */
      const mask = (same: (nx: number, ny: number) => boolean) => {
        const n = !same(x, y - 1);
        const e = !same(x + 1, y);
        const s = !same(x, y + 1);
        const w = !same(x - 1, y);
        let m = (n ? 1 : 0) | (e ? 2 : 0) | (s ? 4 : 0) | (w ? 8 : 0);
        if (!n && !e && !same(x + 1, y - 1)) m |= 16;
        if (!s && !e && !same(x + 1, y + 1)) m |= 32;
        if (!s && !w && !same(x - 1, y + 1)) m |= 64;
        if (!n && !w && !same(x - 1, y - 1)) m |= 128;
        return m;
      };
      if (cobble[i]) ground[i] = gid(`cobble${hash2(x, y, 8) < 0.5 ? 0 : 1}`);
      else if (water[i]) {
        ground[i] = gid(
          edgeTile(
            ts,
            'water',
            mask((nx, ny) => !inside(nx, ny) || water[at(nx, ny)] === 1),
          ),
        );
        blocked[i] = 1;
      } else if (path[i]) {
        // paths meeting the plaza blend into it rather than growing a grass rim
        const m = mask((nx, ny) => !inside(nx, ny) || path[at(nx, ny)] === 1 || cobble[at(nx, ny)] === 1);
        ground[i] = gid(edgeTile(ts, 'path', m));
      } else {
        const n = hash2(x, y, 4);
        ground[i] = gid(n < 0.55 ? 'grass0' : n < 0.75 ? 'grass1' : n < 0.9 ? 'grass2' : 'grass3');
      }
      if (path[i] || cobble[i]) blocked[i] = 1;
    }

  // ---- buildings: roof rows (top ones drawn above characters), then two wall rows
  const building = (
    x: number,
    y: number,
    w: number,
    roof: 'red' | 'blue' | 'purple',
    wall: 'wood' | 'stone',
    door: number,
    windows: number[],
  ) => {
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < w; c++) {
        const col = c === 0 ? 0 : c === w - 1 ? 2 : 1;
        put(r < 2 ? above : walls, x + c, y + r, `roof_${roof}_${col}_${r}`);
      }
    for (let c = 0; c < w; c++) {
      const col = c === 0 ? 0 : c === w - 1 ? 2 : 1;
      put(walls, x + c, y + 3, windows.includes(c) ? `window_${wall}` : `wall_${wall}_${col}_t`);
      const bottom =
        c === door
          ? `door_${wall}`
          : windows.includes(c) && col === 1
            ? `window_${wall}_b`
            : `wall_${wall}_${col}_b`;
      put(walls, x + c, y + 4, bottom);
    }
  };
  building(6, 12, 7, 'red', 'wood', 3, [1, 5]); // Mira's shop, door at (9,16)
  building(33, 12, 7, 'blue', 'stone', 3, [1, 5]); // town hall, door at (36,16)
  // Aldric's crooked tower: a cone roof over four storeys of stone, door at (40,24)
  big('towerroof', 39, 18, 3, 3);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 3; c++) {
      const col = c === 0 ? 0 : c === 2 ? 2 : 1;
      const name =
        r === 3
          ? c === 1
            ? 'door_stone'
            : `wall_stone_${col}_b`
          : c === 1 && r !== 1
            ? 'window_stone'
            : `wall_stone_${col}_t`;
      put(walls, 39 + c, 21 + r, name);
    }

  // ---- the grove fence with its gate gap (x 23..24), and the grove itself
  for (let x = 2; x < MAP_W - 2; x++) {
    if (x === 23 || x === 24) continue;
    put(walls, x, 10, x === 22 || x === 25 ? 'fence_post' : 'fence_h');
  }
  big('moonwell', 23, 3, 2, 2);

  // ---- props
  big('stall', 11, 19, 3, 2);
  big('well', 23, 17, 2, 2);
  big('board', 30, 13, 2, 2);
  put(walls, 5, 16, 'barrel');
  put(walls, 13, 16, 'barrel');
  put(walls, 13, 15, 'crate');
  put(walls, 5, 15, 'crate');
  put(walls, 37, 24, 'cauldron');
  put(walls, 33, 20, 'barrel');
  big('bench', 20, 20, 2, 1);
  big('bench', 26, 20, 2, 1);
  big('lamp', 22, 13, 1, 2);
  big('lamp', 25, 13, 1, 2);
  big('lamp', 22, 22, 1, 2);
  big('lamp', 27, 23, 1, 2);
  put(walls, 26, 31, 'sign');
  put(walls, 21, 9, 'sign');

  // crop field in the south-west with a little fence
  for (let y = 25; y <= 29; y++) for (let x = 6; x <= 12; x++) put(decor, x, y, 'crops');
  for (let x = 5; x <= 13; x++) {
    put(walls, x, 24, x === 5 || x === 13 ? 'fence_post' : 'fence_h');
    put(walls, x, 30, x === 5 || x === 13 || x === 9 ? 'fence_post' : 'fence_h');
  }
  for (let y = 25; y <= 29; y++) {
    put(walls, 5, y, 'fence_v');
    if (y !== 27) put(walls, 13, y, 'fence_v');
  }
  fill(blocked, 14, 26, 16, 28);

  // ---- NPC spots stay clear of decoration
  const npcs: VillagePlaces['npcs'] = [
    { name: 'mira', x: 15 * TILE, y: 20 * TILE + 6, facing: 'down' },
    { name: 'pip', x: 32 * TILE, y: 16 * TILE + 10, facing: 'down' },
    { name: 'aldric', x: 36 * TILE, y: 25 * TILE + 8, facing: 'down' },
    { name: 'brenna', x: 27 * TILE, y: 12 * TILE + 4, facing: 'left' },
    // The traveller from afar rests south of the farm, off the roads the quest uses.
    { name: 'meiling', x: 10 * TILE, y: 32 * TILE + 6, facing: 'right' },
  ];
  for (const n of npcs)
    fill(
      blocked,
      Math.floor(n.x / TILE) - 1,
      Math.floor(n.y / TILE) - 1,
      Math.floor(n.x / TILE),
      Math.floor(n.y / TILE),
    );
  fill(blocked, 22, 29, 25, 35); // spawn area

  // ---- trees: a thick border (2x2 crowns), a few pines and trees inside
  const treeAt = (x: number, y: number, kind: 'tree' | 'pine') => {
    const w = kind === 'tree' ? 2 : 1;
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < w; c++) if (!inside(x + c, y + r) || blocked[at(x + c, y + r)]) return;
    big(kind, x, y, w, 2);
  };
  for (let y = -1; y < MAP_H; y += 2)
    for (let x = -1; x < MAP_W; x += 2) {
      const edge = Math.min(x + 1, y + 1, MAP_W - 1 - x, MAP_H - 1 - y);
      const southGap = y >= MAP_H - 4 && x >= 20 && x <= 27;
      if (southGap) continue;
      const jitter = hash2(x, y, 12);
      if (edge <= 1 || (edge <= 3 && jitter < 0.45)) {
        const ox = x + (hash2(x, y, 13) < 0.5 ? 0 : 1);
        if (edge <= 1) {
          // the outer ring is always closed: pieces may hang off the map
          for (let r = 0; r < 2; r++)
            for (let c = 0; c < 2; c++)
              if (inside(x + c, y + r) && !blocked[at(x + c, y + r)])
                put(r === 1 ? walls : above, x + c, y + r, `tree_${c}_${r}`);
        } else treeAt(ox, y, jitter < 0.15 ? 'pine' : 'tree');
      }
    }
  // the Whispering Woods: dense trees north of the fence, a clearing around the Moonwell
  for (let y = 1; y <= 7; y += 2)
    for (let x = 2; x < MAP_W - 3; x += 2) {
      if (x >= 18 && x <= 28) continue;
      if (hash2(x, y, 31) < 0.6)
        treeAt(x + (hash2(x, y, 32) < 0.5 ? 0 : 1), y, hash2(x, y, 33) < 0.35 ? 'pine' : 'tree');
    }
  for (const [x, y] of [
    [17, 3],
    [19, 6],
    [29, 4],
    [31, 7],
    [13, 5],
    [35, 3],
    [9, 6],
    [39, 6],
  ] as const)
    treeAt(x, y, 'pine');
  for (const [x, y] of [
    [15, 23],
    [3, 19],
    [43, 17],
    [31, 22],
    [16, 31],
  ] as const)
    treeAt(x, y, 'tree');

  // ---- small decoration on free grass: flowers (denser in the grove), tufts, bushes, rocks
  for (let y = 1; y < MAP_H - 1; y++)
    for (let x = 1; x < MAP_W - 1; x++) {
      const i = at(x, y);
      if (blocked[i]) continue;
      const n = hash2(x, y, 21);
      const grove = y < 10;
      const flowerRate = grove ? 0.22 : 0.06;
      if (n < flowerRate) {
        const kinds = ['flowers_red', 'flowers_yellow', 'flowers_white', 'flowers_blue'];
        put(decor, x, y, kinds[Math.floor(hash2(x, y, 22) * 4)]!);
      } else if (n < flowerRate + 0.05) put(decor, x, y, 'tuft');
      else if (n > 0.985) put(walls, x, y, hash2(x, y, 23) < 0.6 ? 'bush' : 'rock');
    }
  for (const [x, y] of [
    [31, 31],
    [35, 32],
    [33, 30],
  ] as const)
    if (water[at(x, y)]) decor[at(x, y)] = gid('lily');

  // ---- object layers
  const npcObjects = npcs.map((n) =>
    tiledObject(n.name, 'npc', n.x, n.y, 0, 0, {
      point: true,
      properties: [{ name: 'facing', type: 'string', value: n.facing }],
    }),
  );
  const objects = [
    tiledObject('spawn', 'spawn', 24 * TILE, 33 * TILE, 0, 0, { point: true }),
    tiledObject('gate', 'gate', 23 * TILE, 10 * TILE, 2 * TILE, TILE),
    tiledObject('chest', 'chest', 26 * TILE, 5 * TILE, TILE, TILE),
    sign(26, 31, 'North: the Whispering Woods. East: Aldric\u2019s tower. West: Mira\u2019s Wares.'),
    sign(21, 9, 'The Moonwell. Ordinary light fails here.'),
  ];
  const json = tiledMap({
    width: MAP_W,
    height: MAP_H,
    title: 'Thornbury',
    layers: { ground, decor, walls, above },
    npcs: npcObjects,
    objects,
    tileset: ts,
  });
  return { json };
}

function sign(x: number, y: number, text: string): PlacedObject {
  return tiledObject('sign', 'sign', x * TILE, y * TILE, TILE, TILE, {
    properties: [{ name: 'text', type: 'string', value: text }],
  });
}
