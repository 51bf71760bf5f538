/**
 * Uniform spatial hash for NPC positions. Cells are keyed by an integer pair packed into one number,
 * so a query touches only the handful of cells around the player instead of every NPC; moving an
 * NPC within its cell costs a comparison, across cells a splice.
 */
export class SpatialGrid {
  readonly #cells = new Map<number, number[]>();
  readonly #cellOf: number[] = [];

  constructor(readonly cellSize: number) {
    if (!(cellSize > 0)) throw new RangeError(`cellSize must be > 0, got ${cellSize}`);
  }

  #key(cx: number, cy: number): number {
    // 2^21 cells per axis either side of the origin is far beyond any game world.
    return (cx + 1048576) * 2097152 + (cy + 1048576);
  }

  #keyFor(x: number, y: number): number {
    return this.#key(Math.floor(x / this.cellSize), Math.floor(y / this.cellSize));
  }

  /** Insert or move item `index` (a dense small integer owned by the caller). */
  set(index: number, x: number, y: number): void {
    const k = this.#keyFor(x, y);
    const old = this.#cellOf[index];
    if (old === k) return;
    if (old !== undefined && old >= 0) this.#removeFromCell(old, index);
    this.#cellOf[index] = k;
    let list = this.#cells.get(k);
    if (!list) this.#cells.set(k, (list = []));
    list.push(index);
  }

  delete(index: number): void {
    const old = this.#cellOf[index];
    if (old === undefined || old < 0) return;
    this.#removeFromCell(old, index);
    this.#cellOf[index] = -1;
  }

  #removeFromCell(k: number, index: number): void {
    const list = this.#cells.get(k);
    if (!list) return;
    const i = list.indexOf(index);
    if (i >= 0) {
      list[i] = list[list.length - 1]!;
      list.pop();
    }
    if (list.length === 0) this.#cells.delete(k);
  }

  /** Calls `fn` for every item whose cell intersects the square of half-size `r` around (x, y). */
  query(x: number, y: number, r: number, fn: (index: number) => void): void {
    const s = this.cellSize;
    const x0 = Math.floor((x - r) / s),
      x1 = Math.floor((x + r) / s);
    const y0 = Math.floor((y - r) / s),
      y1 = Math.floor((y + r) / s);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const list = this.#cells.get(this.#key(cx, cy));
        if (!list) continue;
        for (let i = 0; i < list.length; i++) fn(list[i]!);
      }
    }
  }
}
