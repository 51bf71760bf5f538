// Pure bubble placement: above the speaker, no overlap with other bubbles or with areas the game
// keeps clear (HUD panels), clamped inside the camera view; the tail points at the speaker, or
// toward it when the speaker is off-screen.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BubbleBox {
  /** Point the tail should point at (the speaker's head), in the same space as the view. */
  anchorX: number;
  anchorY: number;
  width: number;
  height: number;
  /** Higher is placed first and so keeps its natural spot (the active speaker). */
  priority?: number;
}

export interface Placement {
  /** Top-left corner of the bubble body. */
  x: number;
  y: number;
  /** Where the tail meets the body, and where its tip is. */
  baseX: number;
  baseY: number;
  tipX: number;
  tipY: number;
  /** The speaker is outside the view: the tail points toward the edge it is behind. */
  offscreen: boolean;
}

export interface LayoutOptions {
  /** Distance kept from the view edge. */
  margin?: number;
  /** Space between stacked bubbles. */
  gap?: number;
  /** Tail length. */
  tail?: number;
  /** Corner radius (the tail base stays clear of the corners). */
  radius?: number;
  /** Areas no bubble may cover (HUD panels drawn over the world), in the view's space. */
  avoid?: readonly Rect[];
}

const clamp = (v: number, lo: number, hi: number) => (hi < lo ? lo : v < lo ? lo : v > hi ? hi : v);

/**
 * How far the view may move (same size, same boxes, same kept-clear areas) before a layout's result
 * changes: the camera scrolling while the player walks need not lay the bubbles out again. The
 * layout reads the view only in comparisons and clamps against its edges; each comparison holds for
 * a range of view offsets (dx, dy), and the result stands while every one holds. A clamp that acts
 * (a bubble or tail pinned to an edge) makes that value follow the view along its axis, so that
 * axis's range is empty (min +Infinity, max -Infinity). Use viewStands to read it: a move along the
 * other axis only still keeps the result, so a bubble pinned to the top edge stands while the camera
 * scrolls sideways.
 */
export interface ViewSlack {
  /** The result stands for view offsets dxMin < dx < dxMax (or dx = 0), and the same for y. */
  dxMin: number;
  dxMax: number;
  dyMin: number;
  dyMax: number;
}

/**
 * Whether a layout with `slack` still stands after the view moved by (dx, dy). Sound because only an
 * acting clamp makes a value follow the view, and no x value is ever computed from a y value or the
 * other way round: along an axis the view did not move, every value is unchanged; along one it
 * moved, nothing was clamped, so every value is fixed in the world and each of its comparisons with
 * the view's edges is recorded. Comparisons that mix the axes (a spot's cost, an overlap) then come
 * out the same too. A new candidate spot or bound that derives one axis from the other breaks this.
 */
export const viewStands = (s: ViewSlack, dx: number, dy: number): boolean =>
  (dx === 0 || (s.dxMin < dx && dx < s.dxMax)) && (dy === 0 || (s.dyMin < dy && dy < s.dyMax));

// The slack of the layout running now (layoutBubbles copies it out at the end).
const sl: ViewSlack = { dxMin: -Infinity, dxMax: Infinity, dyMin: -Infinity, dyMax: Infinity };

const pinX = () => {
  sl.dxMin = Infinity;
  sl.dxMax = -Infinity;
};
const pinY = () => {
  sl.dyMin = Infinity;
  sl.dyMax = -Infinity;
};

// `bound` is a view-relative x (it moves by dx with the view): v >= bound + dx holds while dx <= v - bound.
const atLeastX = (v: number, bound: number) => {
  const d = v - bound;
  if (d >= 0) {
    if (d < sl.dxMax) sl.dxMax = d;
    return true;
  }
  if (d > sl.dxMin) sl.dxMin = d;
  return false;
};
const atMostX = (v: number, bound: number) => {
  const d = v - bound;
  if (d <= 0) {
    if (d > sl.dxMin) sl.dxMin = d;
    return true;
  }
  if (d < sl.dxMax) sl.dxMax = d;
  return false;
};
const atLeastY = (v: number, bound: number) => {
  const d = v - bound;
  if (d >= 0) {
    if (d < sl.dyMax) sl.dyMax = d;
    return true;
  }
  if (d > sl.dyMin) sl.dyMin = d;
  return false;
};
const atMostY = (v: number, bound: number) => {
  const d = v - bound;
  if (d <= 0) {
    if (d > sl.dyMin) sl.dyMin = d;
    return true;
  }
  if (d < sl.dyMax) sl.dyMax = d;
  return false;
};
/** clamp() against view-relative x bounds, recording the slack (none along x once it clamps). */
const clampX = (v: number, lo: number, hi: number) => {
  if (hi < lo || v < lo || v > hi) {
    pinX();
    return clamp(v, lo, hi);
  }
  atLeastX(v, lo);
  atMostX(v, hi);
  return v;
};
/** clamp() against view-relative y bounds, recording the slack (none along y once it clamps). */
const clampY = (v: number, lo: number, hi: number) => {
  if (hi < lo || v < lo || v > hi) {
    pinY();
    return clamp(v, lo, hi);
  }
  atLeastY(v, lo);
  atMostY(v, hi);
  return v;
};

const hits = (r: Rect, x: number, y: number, w: number, h: number, gap: number) =>
  x < r.x + r.width + gap && r.x < x + w + gap && y < r.y + r.height + gap && r.y < y + h + gap;

interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

// Scratch for the layout, reused by every call (it runs every frame while bubbles move; it is not
// re-entrant and needs not be): search frontiers, the placement order, the rectangles taken.
let frontier: number[] = [];
let next: number[] = [];
const order: number[] = [];
const taken: Rect[] = [];
const takenPool: Rect[] = [];
const bounds: Bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
const spot = { x: 0, y: 0 };
const NO_RECTS: readonly Rect[] = [];

const hitsAny = (rects: readonly Rect[], x: number, y: number, w: number, h: number, gap: number) => {
  for (let i = 0; i < rects.length; i++) if (hits(rects[i]!, x, y, w, h, gap)) return rects[i]!;
  return undefined;
};

/**
 * A spot for a w×h bubble clear of every blocker (HUD panels and bubbles already placed): from the
 * natural spot and from beside the speaker (the seeds already in `frontier`), step off whatever is
 * in the way (above, below, right or left of it, up to three steps) and keep the nearest clear spot
 * that does not cover the speaker (its head at ax, ay and everything below it), written to `spot`.
 * False when there is none. Few blockers, so a small search per bubble.
 */
function clearSpot(
  w: number,
  h: number,
  ax: number,
  ay: number,
  blockers: readonly Rect[],
  gap: number,
  b: Bounds,
): boolean {
  // Runs every frame while bubbles crowd and move: flat x,y pairs in reused arrays, no strings or
  // closures, and a spot no nearer than the best clear one so far is not explored further.
  const ox = frontier[0]!,
    oy = frontier[1]!;
  let bestX = 0,
    bestY = 0,
    bestCost = Infinity;
  for (let depth = 0; depth <= 3 && frontier.length; depth++) {
    next.length = 0;
    for (let k = 0; k < frontier.length; k += 2) {
      const x = frontier[k]!,
        y = frontier[k + 1]!;
      const dist = Math.abs(x - ox) + Math.abs(y - oy);
      if (dist >= bestCost) continue;
      const r = hitsAny(blockers, x, y, w, h, gap);
      if (!r) {
        const cost = dist + (ax > x && ax < x + w && y + h > ay ? 1e6 : 0);
        if (cost < bestCost) {
          bestX = x;
          bestY = y;
          bestCost = cost;
        }
        continue;
      }
      const above = r.y - gap - h,
        below = r.y + r.height + gap,
        right = r.x + r.width + gap,
        left = r.x - gap - w;
      if (atLeastY(above, b.minY)) next.push(x, above);
      if (atMostY(below, b.maxY)) next.push(x, below);
      if (atMostX(right, b.maxX) && atLeastY(y, b.minY) && atMostY(y, b.maxY)) next.push(right, y);
      if (atLeastX(left, b.minX) && atLeastY(y, b.minY) && atMostY(y, b.maxY)) next.push(left, y);
    }
    const t = frontier;
    frontier = next;
    next = t;
  }
  if (bestCost === Infinity) return false;
  spot.x = bestX;
  spot.y = bestY;
  return true;
}

/**
 * Place every bubble. Greedy: by priority, then lowest anchor first (the bubble nearest the ground
 * keeps its spot); each later one that would overlap a placed bubble or a kept-clear area takes the
 * nearest clear spot (usually stacked above, else beside or below) that leaves its speaker visible.
 * Bubbles on screen are few, so the small search per bubble is cheap. `out`: placements to reuse
 * (the per-frame caller passes the same array every frame, so a layout allocates nothing).
 */
export function layoutBubbles(
  boxes: readonly BubbleBox[],
  view: Rect,
  opts: LayoutOptions = {},
  out: Placement[] = [],
  slack?: ViewSlack,
): Placement[] {
  sl.dxMin = sl.dyMin = -Infinity;
  sl.dxMax = sl.dyMax = Infinity;
  const margin = opts.margin ?? 4;
  const gap = opts.gap ?? 4;
  const tail = opts.tail ?? 10;
  const radius = opts.radius ?? 6;
  // Insertion sort (few bubbles; stable, like the Array sort it replaces, without a closure).
  order.length = 0;
  for (let i = 0; i < boxes.length; i++) {
    let k = order.length;
    order.push(i);
    for (; k > 0 && before(boxes[i]!, boxes[order[k - 1]!]!); k--) order[k] = order[k - 1]!;
    order[k] = i;
  }
  out.length = boxes.length;
  const minX = view.x + margin,
    minY = view.y + margin;
  taken.length = 0;
  const avoid = opts.avoid ?? NO_RECTS;
  for (let i = 0; i < avoid.length; i++) taken.push(avoid[i]!);
  let pooled = 0;
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const b = boxes[i]!;
    const maxX = view.x + view.width - margin - b.width;
    const maxY = view.y + view.height - margin - b.height;
    const p = (out[i] ??= { x: 0, y: 0, baseX: 0, baseY: 0, tipX: 0, tipY: 0, offscreen: false });
    p.x = clampX(b.anchorX - b.width / 2, minX, maxX);
    p.y = clampY(b.anchorY - tail - b.height, minY, maxY);
    // Taken: a bubble placed before it, or a kept-clear area. Search for the nearest clear spot.
    if (hitsAny(taken, p.x, p.y, b.width, b.height, gap)) {
      frontier.length = 0;
      frontier.push(
        p.x,
        p.y,
        // Beside the head, the tail leaving from the bubble's side.
        clampX(b.anchorX + tail, minX, maxX),
        clampY(b.anchorY - b.height / 2, minY, maxY),
        clampX(b.anchorX - tail - b.width, minX, maxX),
        clampY(b.anchorY - b.height / 2, minY, maxY),
      );
      bounds.minX = minX;
      bounds.minY = minY;
      bounds.maxX = maxX;
      bounds.maxY = maxY;
      // Nowhere clear (a crowd in a tiny view, a panel as big as the view): overlapping beats vanishing.
      if (clearSpot(b.width, b.height, b.anchorX, b.anchorY, taken, gap, bounds)) {
        p.x = spot.x;
        p.y = spot.y;
      }
    }
    const r = (takenPool[pooled++] ??= { x: 0, y: 0, width: 0, height: 0 });
    r.x = p.x;
    r.y = p.y;
    r.width = b.width;
    r.height = b.height;
    taken.push(r);
    // Tail: tip at the speaker, or at the view edge in its direction when it is off-screen.
    const inView =
      atLeastX(b.anchorX, view.x) &&
      atMostX(b.anchorX, view.x + view.width) &&
      atLeastY(b.anchorY, view.y) &&
      atMostY(b.anchorY, view.y + view.height);
    p.offscreen = !inView;
    p.tipX = clampX(b.anchorX, minX, view.x + view.width - margin);
    p.tipY = clampY(b.anchorY, minY, view.y + view.height - margin);
    const below = p.tipY >= p.y + b.height;
    const aboveTip = p.tipY <= p.y;
    if (below || aboveTip) {
      p.baseY = below ? p.y + b.height : p.y;
      p.baseX = clamp(p.tipX, p.x + radius + tail / 2, p.x + b.width - radius - tail / 2);
    } else {
      // Tip level with the body: the tail leaves from the side nearest the speaker.
      p.baseX = p.tipX < p.x + b.width / 2 ? p.x : p.x + b.width;
      p.baseY = clamp(p.tipY, p.y + radius + tail / 2, p.y + b.height - radius - tail / 2);
    }
  }
  if (slack) {
    slack.dxMin = sl.dxMin;
    slack.dxMax = sl.dxMax;
    slack.dyMin = sl.dyMin;
    slack.dyMax = sl.dyMax;
  }
  return out;
}

/** Placement order: higher priority first, then the lower anchor (larger y). */
const before = (a: BubbleBox, b: BubbleBox) =>
  (a.priority ?? 0) > (b.priority ?? 0) || ((a.priority ?? 0) === (b.priority ?? 0) && a.anchorY > b.anchorY);
