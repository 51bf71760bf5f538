/** A minimal RGBA pixel canvas for procedural pixel art. Everything is integer and seeded: no Math.random. */

export type RGBA = readonly [number, number, number, number];

export function hex(s: string, alpha = 255): RGBA {
  const v = s.replace('#', '');
  return [parseInt(v.slice(0, 2), 16), parseInt(v.slice(2, 4), 16), parseInt(v.slice(4, 6), 16), alpha];
}

export function mix(a: RGBA, b: RGBA, t: number): RGBA {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
    Math.round(a[3] + (b[3] - a[3]) * t),
  ];
}

/** mulberry32: small, fast, and the same sequence everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hash of integer coordinates to [0,1): position-stable noise, independent of drawing order. */
export function hash2(x: number, y: number, seed = 0): number {
  let h = (Math.imul(x, 374761393) + Math.imul(y, 668265263) + Math.imul(seed, 2147483647)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  get(x: number, y: number): RGBA {
    const i = (y * this.width + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!, this.data[i + 3]!];
  }

  /** Source-over blend; alpha 255 replaces. Out-of-bounds writes are ignored. */
  set(x: number, y: number, c: RGBA): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const a = c[3] / 255;
    if (a >= 1) {
      this.data[i] = c[0];
      this.data[i + 1] = c[1];
      this.data[i + 2] = c[2];
      this.data[i + 3] = 255;
      return;
    }
    if (a <= 0) return;
    const da = this.data[i + 3]! / 255;
    const oa = a + da * (1 - a);
    for (let k = 0; k < 3; k++)
      this.data[i + k] = Math.round((c[k]! * a + this.data[i + k]! * da * (1 - a)) / (oa || 1));
    this.data[i + 3] = Math.round(oa * 255);
  }

  clear(x: number, y: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.data.fill(0, (y * this.width + x) * 4, (y * this.width + x) * 4 + 4);
  }

  rect(x: number, y: number, w: number, h: number, c: RGBA): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, c);
  }

  hline(x0: number, x1: number, y: number, c: RGBA): void {
    for (let x = x0; x <= x1; x++) this.set(x, y, c);
  }

  vline(x: number, y0: number, y1: number, c: RGBA): void {
    for (let y = y0; y <= y1; y++) this.set(x, y, c);
  }

  /** Filled ellipse inside the box (x, y, w, h). */
  ellipse(x: number, y: number, w: number, h: number, c: RGBA): void {
    const cx = x + w / 2 - 0.5;
    const cy = y + h / 2 - 0.5;
    const rx = w / 2;
    const ry = h / 2;
    for (let j = y; j < y + h; j++)
      for (let i = x; i < x + w; i++) {
        const dx = (i - cx) / rx;
        const dy = (j - cy) / ry;
        if (dx * dx + dy * dy <= 1.0) this.set(i, j, c);
      }
  }

  /**
   * Stamps ASCII art: each character maps to a colour through `pal`; '.' and ' ' are transparent,
   * characters missing from `pal` are an error (catches typos in templates).
   */
  stamp(x: number, y: number, rows: readonly string[], pal: Record<string, RGBA | null>, flip = false): void {
    rows.forEach((row, j) => {
      for (let i = 0; i < row.length; i++) {
        const ch = row[flip ? row.length - 1 - i : i]!;
        if (ch === '.' || ch === ' ') continue;
        const c = pal[ch];
        if (c === undefined) throw new Error(`stamp: no colour for '${ch}' in row "${row}"`);
        if (c === null) this.clear(x + i, y + j);
        else this.set(x + i, y + j, c);
      }
    });
  }

  /** Copies another canvas (or a region of it) onto this one, blending alpha. */
  blit(
    src: Canvas,
    dx: number,
    dy: number,
    sx = 0,
    sy = 0,
    w = src.width,
    h = src.height,
    flip = false,
  ): void {
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const c = src.get(sx + (flip ? w - 1 - i : i), sy + j);
        if (c[3] > 0) this.set(dx + i, dy + j, c);
      }
  }

  /** Adds a 1px outline of colour `c` around every opaque pixel, on transparent neighbours only. */
  outline(c: RGBA, x0 = 0, y0 = 0, w = this.width, h = this.height): void {
    const marks: [number, number][] = [];
    for (let y = y0; y < y0 + h; y++)
      for (let x = x0; x < x0 + w; x++) {
        if (this.get(x, y)[3] !== 0) continue;
        const n = [
          [x - 1, y],
          [x + 1, y],
          [x, y - 1],
          [x, y + 1],
        ].some(([a, b]) => a! >= x0 && b! >= y0 && a! < x0 + w && b! < y0 + h && this.get(a!, b!)[3] > 0);
        if (n) marks.push([x, y]);
      }
    for (const [x, y] of marks) this.set(x, y, c);
  }
}
