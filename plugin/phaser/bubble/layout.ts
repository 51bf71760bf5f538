// Pure bubble placement: above the speaker, no overlap with other bubbles or with areas the game
// keeps clear (HUD panels), clamped inside the camera view; the tail points at the speaker, or
// toward it when the speaker is off-screen.
import { X, Y, clampTo, clamped, copySlack, le, noSlack, resetSlack, type ViewSlack } from './slack.js';

export { viewStands, type ViewSlack } from './slack.js';

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
  /** Which values move with the view (held at its edge) rather than stay in the world: FOLLOWS_* bits. */
  follows: number;
}

export const FOLLOWS_X = 1,
  FOLLOWS_BASE_X = 2,
  FOLLOWS_TIP_X = 4,
  FOLLOWS_Y = 8,
  FOLLOWS_BASE_Y = 16,
  FOLLOWS_TIP_Y = 32;

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
/** Whether each taken rectangle's x and y follow the view (1) or not (0). */
const takenX: number[] = [];
const takenY: number[] = [];
const takenPool: Rect[] = [];
const bounds: Bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
const spot = { x: 0, y: 0 };
const NO_RECTS: readonly Rect[] = [];

const take = (r: Rect, fx: number, fy: number): void => {
  taken.push(r);
  takenX.push(fx);
  takenY.push(fy);
};

/**
 * The first taken rectangle that a w×h spot at (x, y) would overlap (with `gap` around it), for a
 * spot whose x and y follow the view (fx, fy = 1) or not; each comparison recorded as it is made
 * (a < b is !(b <= a)).
 */
const hitsTaken = (x: number, fx: number, y: number, fy: number, w: number, h: number, gap: number) => {
  for (let i = 0; i < taken.length; i++) {
    const r = taken[i]!,
      rx = takenX[i]!,
      ry = takenY[i]!;
    if (
      !le(X, r.x + r.width + gap, rx, x, fx) &&
      !le(X, x + w + gap, fx, r.x, rx) &&
      !le(Y, r.y + r.height + gap, ry, y, fy) &&
      !le(Y, y + h + gap, fy, r.y, ry)
    )
      return r;
  }
  return undefined;
};

// The search's world values against the view's bounds (which follow it).
const atLeast = (axis: number, v: number, bound: number) => le(axis, bound, 1, v, 0);
const atMost = (axis: number, v: number, bound: number) => le(axis, v, 0, bound, 1);

/**
 * A spot for a w×h bubble clear of every taken rectangle (HUD panels, bubbles already placed): from the
 * natural spot and from beside the speaker (the seeds already in `frontier`), step off whatever is
 * in the way (above, below, right or left of it, up to three steps) and keep the nearest clear spot
 * that does not cover the speaker (its head at ax, ay and everything below it), written to `spot`.
 * False when there is none. Few rectangles, so a small search per bubble.
 */
function clearSpot(w: number, h: number, ax: number, ay: number, gap: number, b: Bounds): boolean {
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
      const r = hitsTaken(x, 0, y, 0, w, h, gap);
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
      if (atLeast(Y, above, b.minY)) next.push(x, above);
      if (atMost(Y, below, b.maxY)) next.push(x, below);
      if (atMost(X, right, b.maxX) && atLeast(Y, y, b.minY) && atMost(Y, y, b.maxY)) next.push(right, y);
      if (atLeast(X, left, b.minX) && atLeast(Y, y, b.minY) && atMost(Y, y, b.maxY)) next.push(left, y);
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
  resetSlack();
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
  // Bounds from the view follow it (flag 1); anchors, sizes and kept-clear areas do not (0: areas
  // given in screen space move in the world with the camera, and the caller lays out again then).
  const minX = view.x + margin,
    minY = view.y + margin,
    right = view.x + view.width - margin,
    bottom = view.y + view.height - margin;
  taken.length = takenX.length = takenY.length = 0;
  const avoid = opts.avoid ?? NO_RECTS;
  for (let i = 0; i < avoid.length; i++) take(avoid[i]!, 0, 0);
  let pooled = 0;
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const b = boxes[i]!;
    const maxX = right - b.width;
    const maxY = bottom - b.height;
    const p = (out[i] ??= { x: 0, y: 0, baseX: 0, baseY: 0, tipX: 0, tipY: 0, offscreen: false, follows: 0 });
    p.x = clampTo(X, b.anchorX - b.width / 2, 0, minX, 1, maxX, 1);
    let fx = clamped;
    p.y = clampTo(Y, b.anchorY - tail - b.height, 0, minY, 1, maxY, 1);
    let fy = clamped;
    // Taken: a bubble placed before it, or a kept-clear area. Search for the nearest clear spot.
    if (hitsTaken(p.x, fx, p.y, fy, b.width, b.height, gap)) {
      frontier.length = 0;
      // Beside the head, the tail leaving from the bubble's side.
      const rx = clampTo(X, b.anchorX + tail, 0, minX, 1, maxX, 1);
      let seeds = clamped;
      const sy = clampTo(Y, b.anchorY - b.height / 2, 0, minY, 1, maxY, 1);
      seeds |= clamped;
      const lx = clampTo(X, b.anchorX - tail - b.width, 0, minX, 1, maxX, 1);
      seeds |= clamped | fx | fy;
      frontier.push(p.x, p.y, rx, sy, lx, sy);
      bounds.minX = minX;
      bounds.minY = minY;
      bounds.maxX = maxX;
      bounds.maxY = maxY;
      // Nowhere clear (a crowd in a tiny view, a panel as big as the view): overlapping beats vanishing.
      if (clearSpot(b.width, b.height, b.anchorX, b.anchorY, gap, bounds)) {
        p.x = spot.x;
        p.y = spot.y;
        fx = fy = 0;
      }
      // The search compares distances that mix the axes: it records its ranges only for values
      // fixed in the world. One that held a value at an edge (rare: a crowd by the view's edge)
      // gives up the slack, and the next camera move lays out again.
      for (let t = 0; t < takenX.length; t++) seeds |= takenX[t]! | takenY[t]!;
      if (seeds) noSlack();
    }
    const r = (takenPool[pooled++] ??= { x: 0, y: 0, width: 0, height: 0 });
    r.x = p.x;
    r.y = p.y;
    r.width = b.width;
    r.height = b.height;
    take(r, fx, fy);
    // Tail: tip at the speaker, or at the view edge in its direction when it is off-screen.
    const inView =
      le(X, view.x, 1, b.anchorX, 0) &&
      le(X, b.anchorX, 0, view.x + view.width, 1) &&
      le(Y, view.y, 1, b.anchorY, 0) &&
      le(Y, b.anchorY, 0, view.y + view.height, 1);
    p.offscreen = !inView;
    p.tipX = clampTo(X, b.anchorX, 0, minX, 1, right, 1);
    const ftx = clamped;
    p.tipY = clampTo(Y, b.anchorY, 0, minY, 1, bottom, 1);
    const fty = clamped;
    const below = le(Y, p.y + b.height, fy, p.tipY, fty);
    const aboveTip = le(Y, p.tipY, fty, p.y, fy);
    let fbx: number, fby: number;
    if (below || aboveTip) {
      p.baseY = below ? p.y + b.height : p.y;
      fby = fy;
      p.baseX = clampTo(X, p.tipX, ftx, p.x + radius + tail / 2, fx, p.x + b.width - radius - tail / 2, fx);
      fbx = clamped;
    } else {
      // Tip level with the body: the tail leaves from the side nearest the speaker.
      p.baseX = le(X, p.x + b.width / 2, fx, p.tipX, ftx) ? p.x + b.width : p.x;
      fbx = fx;
      p.baseY = clampTo(Y, p.tipY, fty, p.y + radius + tail / 2, fy, p.y + b.height - radius - tail / 2, fy);
      fby = clamped;
    }
    p.follows =
      (fx ? FOLLOWS_X : 0) |
      (fbx ? FOLLOWS_BASE_X : 0) |
      (ftx ? FOLLOWS_TIP_X : 0) |
      (fy ? FOLLOWS_Y : 0) |
      (fby ? FOLLOWS_BASE_Y : 0) |
      (fty ? FOLLOWS_TIP_Y : 0);
  }
  if (slack) copySlack(slack);
  return out;
}

/**
 * A layout's result after its view moved by (dx, dy) within its slack (viewStands): each value that
 * follows the view moves with it, the rest stay. Into `out` (may be `p`).
 */
export function movedWithView(p: Placement, dx: number, dy: number, out: Placement): Placement {
  const f = p.follows;
  out.x = f & FOLLOWS_X ? p.x + dx : p.x;
  out.baseX = f & FOLLOWS_BASE_X ? p.baseX + dx : p.baseX;
  out.tipX = f & FOLLOWS_TIP_X ? p.tipX + dx : p.tipX;
  out.y = f & FOLLOWS_Y ? p.y + dy : p.y;
  out.baseY = f & FOLLOWS_BASE_Y ? p.baseY + dy : p.baseY;
  out.tipY = f & FOLLOWS_TIP_Y ? p.tipY + dy : p.tipY;
  out.offscreen = p.offscreen;
  out.follows = f;
  return out;
}

/** Placement order: higher priority first, then the lower anchor (larger y). */
const before = (a: BubbleBox, b: BubbleBox) =>
  (a.priority ?? 0) > (b.priority ?? 0) || ((a.priority ?? 0) === (b.priority ?? 0) && a.anchorY > b.anchorY);
