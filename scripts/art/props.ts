/**
 * Painters for nature and props (trees, fences, flowers, the market stall, the well, lamps,
 * benches, barrels, Aldric's tower roof, the Moonwell...). Each draws on a canvas of its own size;
 * tiles.ts registers them in the tileset.
 */
import { type Canvas, hash2, type RGBA } from './canvas.js';
import { P, ROOFS } from './palette.js';

export function paintBigTree(c: Canvas): void {
  c.ellipse(4, 26, 24, 6, P.shadow);
  // trunk
  c.rect(13, 19, 6, 10, P.trunk);
  c.vline(13, 19, 28, P.trunkDark);
  c.vline(18, 19, 28, P.trunkDark);
  c.set(12, 28, P.trunk);
  c.set(19, 28, P.trunk);
  c.rect(15, 22, 1, 3, P.trunkDark);
  // canopy: overlapping clusters, light from the top-left
  const clusters: [number, number, number, number][] = [
    [4, 8, 12, 11],
    [16, 8, 12, 11],
    [8, 2, 16, 12],
    [6, 12, 20, 10],
  ];
  for (const [x, y, w, h] of clusters) c.ellipse(x - 1, y - 1, w + 2, h + 2, P.outline);
  for (const [x, y, w, h] of clusters) c.ellipse(x, y, w, h, P.leafDark);
  for (const [x, y, w, h] of clusters) c.ellipse(x + 1, y, w - 3, h - 3, P.leaf);
  for (const [x, y, w, h] of clusters) c.ellipse(x + 2, y + 1, w - 7, h - 6, P.leafLight);
  c.ellipse(10, 4, 6, 3, P.leafTop);
  for (let k = 0; k < 18; k++) {
    const x = 6 + Math.floor(hash2(k, 0, 404) * 20);
    const y = 4 + Math.floor(hash2(k, 1, 404) * 16);
    if (c.get(x, y)[3] > 0 && c.get(x, y)[1] !== P.outline[1]) c.set(x, y, P.leafDeep);
  }
}

export function paintPine(c: Canvas): void {
  c.ellipse(2, 27, 12, 4, P.shadow);
  c.rect(6, 24, 4, 6, P.outline);
  c.rect(7, 24, 2, 5, P.trunk);
  const tiers: [number, number, number][] = [
    [14, 9, 7],
    [8, 8, 6],
    [2, 7, 4],
  ];
  for (const [top, h, half] of tiers)
    for (let y = 0; y < h; y++) {
      const w = Math.max(1, Math.round(((y + 1) / h) * half));
      for (let x = 8 - w; x < 8 + w; x++) {
        const edge = x === 8 - w || x === 7 + w || y === h - 1;
        let k = x < 8 ? P.leaf : P.leafDark;
        if (x === 8 - w + 1 && y > 0) k = P.leafLight;
        c.set(x, top + y, edge ? P.outline : k);
      }
    }
  c.set(7, 1, P.outline);
  c.set(8, 1, P.outline);
}

export function paintBush(c: Canvas): void {
  c.ellipse(2, 11, 12, 4, P.shadow);
  c.ellipse(1, 3, 14, 11, P.outline);
  c.ellipse(2, 4, 12, 9, P.leafDark);
  c.ellipse(3, 4, 9, 6, P.leaf);
  c.ellipse(4, 5, 4, 3, P.leafLight);
  c.set(10, 7, P.red);
  c.set(6, 9, P.red);
  c.set(11, 10, P.red);
}

export function paintFlowers(c: Canvas, petal: RGBA, seed: number): void {
  for (let k = 0; k < 4; k++) {
    const x = 2 + Math.floor(hash2(k, 0, seed) * 11);
    const y = 3 + Math.floor(hash2(k, 1, seed) * 10);
    c.set(x, y + 1, P.grassBlade);
    c.set(x, y + 2, P.grassBlade);
    c.set(x - 1, y, petal);
    c.set(x + 1, y, petal);
    c.set(x, y - 1, petal);
    c.set(x, y + 1, petal);
    c.set(x, y, P.gold);
  }
}

export function paintTuft(c: Canvas): void {
  for (const [x, y] of [
    [5, 9],
    [9, 11],
  ] as const) {
    c.vline(x, y - 3, y, P.grassBlade);
    c.set(x - 1, y - 2, P.grassBlade);
    c.set(x + 1, y - 1, P.grassBlade);
    c.set(x + 2, y - 2, P.grassTip);
    c.set(x - 2, y - 3, P.grassTip);
    c.set(x, y - 4, P.grassTip);
  }
}

export function paintRock(c: Canvas): void {
  c.ellipse(2, 10, 12, 4, P.shadow);
  c.ellipse(2, 4, 12, 9, P.outline);
  c.ellipse(3, 5, 10, 7, P.stoneDark);
  c.ellipse(3, 5, 8, 5, P.stone);
  c.hline(5, 7, 6, P.stoneLight);
}

export function paintFence(c: Canvas, kind: 'h' | 'v' | 'post'): void {
  const post = (x: number) => {
    c.rect(x, 3, 4, 12, P.outline);
    c.rect(x + 1, 4, 2, 10, P.wood);
    c.vline(x + 1, 4, 13, P.woodLight);
    c.hline(x + 1, x + 2, 4, P.woodLight);
  };
  if (kind === 'h') {
    for (const y of [5, 10]) {
      c.rect(0, y - 1, 16, 4, P.outline);
      c.rect(0, y, 16, 2, P.wood);
      c.hline(0, 15, y, P.woodLight);
    }
    post(6);
  } else if (kind === 'v') {
    c.rect(6, 0, 4, 16, P.outline);
    c.rect(7, 0, 2, 16, P.wood);
    c.vline(7, 0, 15, P.woodLight);
  } else post(6);
  c.hline(4, 12, 15, P.shadow);
}

export function paintStall(c: Canvas): void {
  // 48x32: striped awning on posts, a counter with fruit, bread and potions
  c.ellipse(2, 27, 44, 5, P.shadow);
  c.rect(3, 8, 3, 22, P.outline);
  c.rect(42, 8, 3, 22, P.outline);
  c.vline(4, 8, 28, P.woodDark);
  c.vline(43, 8, 28, P.woodDark);
  // counter
  c.rect(1, 19, 46, 11, P.outline);
  c.rect(2, 20, 44, 9, P.wood);
  c.hline(2, 45, 20, P.woodLight);
  for (let x = 8; x < 46; x += 9) c.vline(x, 21, 28, P.woodDark);
  c.hline(2, 45, 28, P.woodDark);
  // goods on the counter
  const apples: [number, number][] = [
    [6, 17],
    [9, 17],
    [7, 15],
    [12, 17],
  ];
  for (const [x, y] of apples) {
    c.rect(x, y, 3, 3, P.red);
    c.set(x, y, P.white);
    c.set(x + 1, y - 1, P.grassBlade);
  }
  c.rect(17, 15, 8, 5, P.woodDark);
  c.rect(18, 15, 6, 3, P.gold);
  c.hline(18, 23, 15, P.dirtLight);
  for (const [x, k] of [
    [29, P.red],
    [33, hex2('#5ab3e6')],
    [37, hex2('#7fd06a')],
  ] as const) {
    c.rect(x, 14, 3, 6, P.outline);
    c.rect(x + 1, 16, 1, 3, k);
    c.set(x + 1, 14, P.woodLight);
  }
  // awning with scalloped edge
  c.rect(0, 2, 48, 9, P.outline);
  for (let x = 1; x < 47; x++) {
    const stripe = Math.floor((x - 1) / 6) % 2 === 0;
    for (let y = 3; y < 10; y++) c.set(x, y, stripe ? P.red : P.white);
    c.set(x, 3, stripe ? hex2('#e86a5c') : hex2('#ffffff'));
  }
  for (let x0 = 1; x0 < 47; x0 += 6) {
    const stripe = Math.floor((x0 - 1) / 6) % 2 === 0;
    c.hline(x0 + 1, x0 + 4, 10, stripe ? P.redDark : P.cloth);
    c.hline(x0 + 2, x0 + 3, 11, P.outline);
    c.set(x0 + 1, 11, P.outline);
    c.set(x0 + 4, 11, P.outline);
  }
}

function hex2(s: string): RGBA {
  return [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16), 255];
}

export function paintWell(c: Canvas): void {
  // 32x32: stone ring with water, a little wooden roof on two posts, a bucket
  c.ellipse(3, 25, 26, 6, P.shadow);
  c.rect(5, 6, 3, 20, P.outline);
  c.rect(24, 6, 3, 20, P.outline);
  c.vline(6, 6, 24, P.woodDark);
  c.vline(25, 6, 24, P.woodDark);
  // stone ring
  c.ellipse(3, 14, 26, 14, P.outline);
  c.ellipse(4, 15, 24, 12, P.stoneDark);
  c.ellipse(4, 15, 24, 9, P.stone);
  c.ellipse(7, 16, 18, 6, P.outline);
  c.ellipse(8, 17, 16, 4, P.waterDeep);
  c.hline(11, 14, 18, P.waterLight);
  for (let x = 6; x < 27; x += 5) c.vline(x, 23, 25, P.mortar);
  // roof
  for (let y = 0; y < 7; y++) {
    const half = 6 + y * 2;
    for (let x = 16 - half; x < 16 + half; x++) {
      const edge = y === 0 || y === 6 || x === 16 - half || x === 15 + half;
      c.set(x, y + 1, edge ? P.outline : y % 2 ? ROOFS.red.dark : ROOFS.red.base);
    }
  }
  // rope and bucket
  c.vline(16, 8, 14, P.dirtLight);
  c.rect(14, 11, 5, 4, P.outline);
  c.rect(15, 12, 3, 2, P.wood);
}

export function paintSign(c: Canvas): void {
  c.ellipse(4, 13, 8, 3, P.shadow);
  c.rect(7, 6, 2, 9, P.outline);
  c.vline(7, 6, 14, P.woodDark);
  c.rect(1, 2, 14, 7, P.outline);
  c.rect(2, 3, 12, 5, P.wood);
  c.hline(2, 13, 3, P.woodLight);
  c.hline(4, 11, 5, P.woodDeep);
  c.hline(4, 9, 6, P.woodDeep);
}

export function paintBarrel(c: Canvas): void {
  c.ellipse(2, 12, 12, 4, P.shadow);
  c.rect(3, 2, 10, 12, P.outline);
  c.rect(2, 4, 12, 8, P.outline);
  c.rect(4, 3, 8, 10, P.wood);
  c.rect(3, 5, 10, 6, P.wood);
  c.vline(5, 3, 12, P.woodLight);
  c.vline(10, 3, 12, P.woodDark);
  c.hline(3, 12, 5, P.stoneDark);
  c.hline(3, 12, 10, P.stoneDark);
  c.hline(4, 11, 2, P.woodDark);
  c.hline(5, 10, 3, P.woodDeep);
}

export function paintCrate(c: Canvas): void {
  c.ellipse(1, 12, 14, 4, P.shadow);
  c.rect(2, 3, 12, 11, P.outline);
  c.rect(3, 4, 10, 9, P.wood);
  c.hline(3, 12, 4, P.woodLight);
  for (let i = 0; i < 9; i++) {
    c.set(3 + i, 4 + i, P.woodDark);
    c.set(12 - i, 4 + i, P.woodDark);
  }
  c.rect(3, 4, 10, 1, P.woodLight);
}

export function paintCauldron(c: Canvas): void {
  c.ellipse(1, 12, 14, 4, P.shadow);
  c.ellipse(1, 4, 14, 11, P.outline);
  c.ellipse(2, 5, 12, 9, hex2('#3c3548'));
  c.ellipse(3, 6, 5, 3, hex2('#5a5068'));
  c.ellipse(2, 3, 12, 4, P.outline);
  c.ellipse(3, 4, 10, 2, hex2('#7fe07a'));
  c.set(6, 2, hex2('#b8f5a8'));
  c.set(9, 1, hex2('#b8f5a8'));
  c.set(8, 3, hex2('#d8ffd0'));
  c.rect(3, 14, 2, 2, P.outline);
  c.rect(11, 14, 2, 2, P.outline);
}

export function paintLamp(c: Canvas): void {
  // 16x32 lamp post
  c.ellipse(4, 29, 8, 3, P.shadow);
  c.rect(7, 9, 2, 21, P.outline);
  c.rect(5, 29, 6, 2, P.outline);
  c.rect(4, 2, 8, 8, P.outline);
  c.rect(5, 3, 6, 6, P.gold);
  c.rect(6, 4, 2, 3, P.white);
  c.hline(3, 12, 1, P.outline);
  c.hline(5, 10, 0, P.outline);
}

export function paintBench(c: Canvas): void {
  // 32x16
  c.ellipse(2, 12, 28, 4, P.shadow);
  c.rect(1, 2, 30, 5, P.outline);
  c.rect(2, 3, 28, 3, P.wood);
  c.hline(2, 29, 3, P.woodLight);
  c.rect(1, 8, 30, 4, P.outline);
  c.rect(2, 9, 28, 2, P.woodLight);
  for (const x of [3, 27]) c.rect(x, 12, 2, 3, P.outline);
}

export function paintStump(c: Canvas): void {
  c.ellipse(2, 11, 12, 4, P.shadow);
  c.rect(3, 5, 10, 8, P.outline);
  c.rect(4, 6, 8, 6, P.trunk);
  c.ellipse(3, 2, 10, 6, P.outline);
  c.ellipse(4, 3, 8, 4, P.dirtLight);
  c.ellipse(6, 4, 4, 2, P.dirtDark);
}

export function paintMoonwell(c: Canvas): void {
  // 32x32: an old stone basin full of pale glowing water, the end of the quest
  const glow = hex2('#bff6ff');
  const moon = hex2('#7ee8ff');
  c.ellipse(1, 22, 30, 8, P.shadow);
  c.ellipse(2, 9, 28, 20, P.outline);
  c.ellipse(3, 10, 26, 18, P.stoneDark);
  c.ellipse(3, 10, 26, 14, P.stone);
  c.ellipse(6, 12, 20, 10, P.outline);
  c.ellipse(7, 13, 18, 8, moon);
  c.ellipse(10, 14, 10, 4, glow);
  for (let x = 5; x < 28; x += 5) c.vline(x, 24, 26, P.mortar);
  // a crescent standing stone behind it
  c.rect(13, 0, 6, 12, P.outline);
  c.rect(14, 1, 4, 10, P.stoneLight);
  c.rect(15, 3, 2, 4, moon);
  c.set(16, 3, glow);
  for (const [x, y] of [
    [8, 6],
    [25, 8],
    [5, 12],
    [27, 14],
  ] as const)
    c.set(x, y, glow);
}

export function paintTowerRoof(c: Canvas): void {
  // 48x48 cone roof for Aldric's crooked tower, with a little star pennant
  const r = ROOFS.purple;
  for (let y = 6; y < 44; y++) {
    const half = Math.round(2 + ((y - 6) / 38) * 22);
    const lean = Math.round(((44 - y) / 38) * 3); // crooked: the tip leans right
    for (let x = 24 - half + lean; x < 24 + half + lean; x++) {
      const edge = x === 24 - half + lean || x === 23 + half + lean;
      let k = y % 5 === 4 ? r.dark : x < 24 + lean ? r.base : r.dark;
      if (y % 5 === 0 && x < 24 + lean) k = r.light;
      c.set(x, y, edge ? P.outline : k);
    }
  }
  c.rect(0, 43, 48, 4, P.outline);
  c.rect(1, 44, 46, 2, r.deep);
  c.vline(27, 0, 7, P.outline);
  c.rect(28, 0, 6, 4, P.gold);
  c.set(30, 1, P.white);
}

export function paintCrops(c: Canvas): void {
  c.rect(0, 0, 16, 16, P.bank);
  for (let y = 1; y < 16; y += 5) {
    c.hline(0, 15, y + 3, P.bankDark);
    for (let x = 2; x < 16; x += 5) {
      c.vline(x, y, y + 2, P.leaf);
      c.set(x - 1, y, P.leafLight);
      c.set(x + 1, y + 1, P.leafLight);
    }
  }
}

export function paintLily(c: Canvas): void {
  c.ellipse(3, 6, 8, 5, P.leafDark);
  c.ellipse(3, 5, 8, 5, P.leafLight);
  c.set(7, 5, P.water);
  c.set(7, 6, P.water);
  c.set(11, 10, P.white);
  c.set(12, 10, hex2('#f2a6c8'));
  c.set(11, 11, hex2('#f2a6c8'));
}

export function paintNoticeBoard(c: Canvas): void {
  // 32x32: a board on two legs with pinned notes (the assistant's calendar)
  c.ellipse(3, 27, 26, 5, P.shadow);
  c.rect(5, 14, 3, 16, P.outline);
  c.rect(24, 14, 3, 16, P.outline);
  c.vline(6, 14, 29, P.woodDark);
  c.vline(25, 14, 29, P.woodDark);
  c.rect(1, 4, 30, 17, P.outline);
  c.rect(2, 5, 28, 15, P.woodDark);
  c.rect(3, 6, 26, 13, hex2('#c9a46c'));
  const notes: [number, number, RGBA][] = [
    [5, 8, P.white],
    [13, 7, hex2('#fff3a8')],
    [21, 9, P.white],
    [8, 13, hex2('#cfe8ff')],
    [17, 13, P.white],
  ];
  for (const [x, y, k] of notes) {
    c.rect(x, y, 6, 5, k);
    c.hline(x + 1, x + 4, y + 2, P.stoneDark);
    c.set(x + 2, y, P.red);
  }
  c.rect(0, 2, 32, 3, P.outline);
  c.rect(1, 2, 30, 2, ROOFS.blue.base);
}
