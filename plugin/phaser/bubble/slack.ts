// How far the camera may scroll before a bubble layout must run again. Pure: no DOM, no Phaser.
//
// Every value the layout computes either stays put in the world (follows 0: a bubble above its
// speaker) or moves with the view (follows 1: a bubble held at the view's edge, which the clamp
// made view-relative). When only the view moves by (dx, dy), a comparison between two values that
// follow alike gives the same answer; one between values that follow differently gives the same
// answer only for a range of dx (or dy). The layout records those ranges as it compares, so while
// the view stays inside them every branch it took is taken again, and its result is the old one
// with each following value moved by (dx, dy). A clear-spot search also compares distances, each a
// sum of an x and a y difference: those move by cx·dx + cy·dy (leBoth).

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
 * round, so along the axis the view did not move every value is unchanged, and a distance (which
 * sums both axes) moves only by its share along the other.
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
  keep(axis, ka - kb, b - a, ok);
  return ok;
}

/** Records that c·d <= e keeps its answer (ok) on `axis`, for a move by d along it. */
function keep(axis: number, c: number, e: number, ok: boolean): void {
  if (c === 0) return;
  const edge = e / c;
  // c > 0: true while d <= edge; c < 0: true while d >= edge (false on the other side).
  if (ok === c > 0) {
    if (edge < hi[axis]!) hi[axis] = edge;
  } else if (edge > lo[axis]!) lo[axis] = edge;
}

/**
 * a <= b for two values that move by cx·dx + cy·dy when the view moves (a search's distances: a sum
 * of an x and a y difference). A move along both axes at once keeps the answer if each axis keeps
 * its share of the margin, so each is given half of it.
 */
export function leBoth(a: number, ax: number, ay: number, b: number, bx: number, by: number): boolean {
  const ok = a <= b;
  const cx = ax - bx,
    cy = ay - by;
  const e = (b - a) / (cx && cy ? 2 : 1);
  keep(X, cx, e, ok);
  keep(Y, cy, e, ok);
  return ok;
}

/** Whether the last clampTo returned a value that follows the view. */
export let clamped = 0;

/**
 * Math's clamp (min wins when max < min) on `axis`, of v (following the view or not: kv) between
 * bounds that both follow it or both do not (k), recording the slack.
 */
export function clampTo(axis: number, v: number, kv: number, min: number, max: number, k: number) {
  if (max < min || !le(axis, min, k, v, kv)) return ((clamped = k), min);
  if (!le(axis, v, kv, max, k)) return ((clamped = k), max);
  return ((clamped = kv), v);
}
