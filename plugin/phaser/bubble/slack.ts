// How far the camera may scroll before a bubble layout must run again. Pure: no DOM, no Phaser.
//
// Every value the layout computes either stays put in the world (follows 0: a bubble above its
// speaker) or moves with the view (follows 1: a bubble held at the view's edge, which the clamp
// made view-relative). When only the view moves by (dx, dy), a comparison between two values that
// follow alike gives the same answer; one between values that follow differently gives the same
// answer only for a range of dx (or dy). The layout records those ranges as it compares, so while
// the view stays inside them every branch it took is taken again, and its result is the old one
// with each following value moved by (dx, dy).

/** View offsets from a layout's view for which its result stands, moved (see `Placement.follows`). */
export interface ViewSlack {
  /** The result stands for dxMin < dx < dxMax (or dx = 0), and the same for y. */
  dxMin: number;
  dxMax: number;
  dyMin: number;
  dyMax: number;
}

/** Axes, as the first argument of le and clampTo. */
export const X = 0,
  Y = 1;

/**
 * Whether a layout with slack `s` still stands after its view moved by (dx, dy). A move along one
 * axis only needs that axis's range: no x value is ever computed from a y value or the other way
 * round, so along the axis the view did not move every value and comparison is unchanged.
 */
export const viewStands = (s: ViewSlack, dx: number, dy: number): boolean =>
  (dx === 0 || (s.dxMin < dx && dx < s.dxMax)) && (dy === 0 || (s.dyMin < dy && dy < s.dyMax));

// The slack of the layout running now, by axis.
const lo = [0, 0],
  hi = [0, 0];

export function resetSlack(): void {
  lo[X] = lo[Y] = -Infinity;
  hi[X] = hi[Y] = Infinity;
}

/** No move stands along either axis (the layout took a branch whose range it does not record). */
export function noSlack(): void {
  lo[X] = lo[Y] = Infinity;
  hi[X] = hi[Y] = -Infinity;
}

export function copySlack(out: ViewSlack): void {
  out.dxMin = lo[X]!;
  out.dxMax = hi[X]!;
  out.dyMin = lo[Y]!;
  out.dyMax = hi[Y]!;
}

/**
 * a <= b for two values on `axis`, where ka and kb say whether each follows the view (1) or not (0).
 * After a move by d the comparison is a + ka·d <= b + kb·d, i.e. (ka - kb)·d <= b - a: for ka > kb
 * it holds while d <= b - a, for ka < kb while d >= a - b (and stays false on the other side).
 */
export function le(axis: number, a: number, ka: number, b: number, kb: number): boolean {
  const ok = a <= b;
  if (ka === kb) return ok;
  const edge = ka > kb ? b - a : a - b;
  if (ok === ka > kb) {
    if (edge < hi[axis]!) hi[axis] = edge;
  } else if (edge > lo[axis]!) lo[axis] = edge;
  return ok;
}

/** Whether the last clampTo returned a value that follows the view. */
export let clamped = 0;

/** Math's clamp (lower bound wins when hi < lo) on `axis`, with follow flags, recording the slack. */
export function clampTo(
  axis: number,
  v: number,
  kv: number,
  min: number,
  kmin: number,
  max: number,
  kmax: number,
) {
  if (!le(axis, min, kmin, max, kmax) || !le(axis, min, kmin, v, kv)) return ((clamped = kmin), min);
  if (!le(axis, v, kv, max, kmax)) return ((clamped = kmax), max);
  return ((clamped = kv), v);
}
