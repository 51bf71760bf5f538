// Pure bubble placement: above the speaker, no overlap with other bubbles or with areas the game
// keeps clear (HUD panels), clamped inside the camera view; the tail points at the speaker, or
// toward it when the speaker is off-screen.
import { X, Y, clampTo, clamped, copySlack, le, leBoth, resetSlack, type ViewSlack } from './slack.js';

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

// Scratch for the layout, reused by every call (it runs every frame while bubbles move; it is not
// re-entrant and needs not be): search frontiers, the placement order, the rectangles taken.
let frontier: number[] = [];
let next: number[] = [];
const order: number[] = [];
const taken: Rect[] = [];
/** Whether each taken rectangle's x (bit 0) and y (bit 1) follow the view. */
const takenF: number[] = [];
const takenPool: Rect[] = [];
const NO_RECTS: readonly Rect[] = [];

/**
 * The index of the first taken rectangle that a w×h spot at (x, y) would overlap (with `gap` around
 * it), or -1, for a spot whose x and y follow the view (fx, fy = 1) or not; each comparison recorded
 * as it is made (a < b is !(b <= a)).
 */
const hitsTaken = (x: number, fx: number, y: number, fy: number, w: number, h: number, gap: number) => {
  for (let i = 0; i < taken.length; i++) {
    const r = taken[i]!,
      rx = takenF[i]! & 1,
      ry = takenF[i]! >> 1;
    if (
      !le(X, r.x + r.width + gap, rx, x, fx) &&
      !le(X, x + w + gap, fx, r.x, rx) &&
      !le(Y, r.y + r.height + gap, ry, y, fy) &&
      !le(Y, y + h + gap, fy, r.y, ry)
    )
      return i;
  }
  return -1;
};

/**
 * |a - b| for values on `axis` that follow the view (ka, kb) or not, and how it moves with the view
 * (left in `moves`: -1, 0 or 1 per unit of the move), recording that the difference keeps its sign.
 */
let moves = 0;
const distance = (axis: number, a: number, ka: number, b: number, kb: number): number => {
  if (le(axis, b, kb, a, ka)) return ((moves = ka - kb), a - b);
  return ((moves = kb - ka), b - a);
};

/**
 * A spot for a w×h bubble clear of every taken rectangle (HUD panels, bubbles already placed): from
 * the natural spot and from beside the speaker (the seeds already in `frontier`, as x, fx, y, fy),
 * step off whatever is in the way (above, below, right or left of it, up to three steps) and keep
 * the nearest clear spot that does not cover the speaker (its head at ax, ay and everything below
 * it), written to `p`. Returns its follow flags (x: bit 0, y: bit 1), or -1 when there is none (`p`
 * is left as it was). Few rectangles, so a small search per bubble.
 */
function clearSpot(
  p: Placement,
  w: number,
  h: number,
  ax: number,
  ay: number,
  gap: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): number {
  // Runs every frame while bubbles crowd and move: flat tuples in reused arrays, no strings or
  // closures, and a spot no nearer than the best clear one so far is not explored further. A
  // distance moves with the view where a spot and the origin follow it differently: costs carry
  // how (cx, cy), so their comparisons record the slack too.
  const ox = frontier[0]!,
    kox = frontier[1]!,
    oy = frontier[2]!,
    koy = frontier[3]!;
  let bestX = 0,
    bestFx = 0,
    bestY = 0,
    bestFy = 0,
    bestCost = Infinity,
    bestCx = 0,
    bestCy = 0;
  for (let depth = 0; depth <= 3 && frontier.length; depth++) {
    next.length = 0;
    for (let k = 0; k < frontier.length; k += 4) {
      const x = frontier[k]!,
        fx = frontier[k + 1]!,
        y = frontier[k + 2]!,
        fy = frontier[k + 3]!;
      let dist = distance(X, x, fx, ox, kox);
      const cx = moves;
      dist += distance(Y, y, fy, oy, koy);
      const cy = moves;
      if (leBoth(bestCost, bestCx, bestCy, dist, cx, cy)) continue;
      const i = hitsTaken(x, fx, y, fy, w, h, gap);
      if (i < 0) {
        // Covering the speaker is a last resort.
        const covers = !le(X, ax, 0, x, fx) && !le(X, x + w, fx, ax, 0) && !le(Y, y + h, fy, ay, 0);
        const cost = dist + (covers ? 1e6 : 0);
        if (!leBoth(bestCost, bestCx, bestCy, cost, cx, cy)) {
          bestX = x;
          bestFx = fx;
          bestY = y;
          bestFy = fy;
          bestCost = cost;
          bestCx = cx;
          bestCy = cy;
        }
        continue;
      }
      const r = taken[i]!,
        rx = takenF[i]! & 1,
        ry = takenF[i]! >> 1;
      const above = r.y - gap - h,
        below = r.y + r.height + gap,
        right = r.x + r.width + gap,
        left = r.x - gap - w;
      // Against the view's bounds, which follow it.
      const inY = le(Y, minY, 1, y, fy) && le(Y, y, fy, maxY, 1);
      if (le(Y, minY, 1, above, ry)) next.push(x, fx, above, ry);
      if (le(Y, below, ry, maxY, 1)) next.push(x, fx, below, ry);
      if (le(X, right, rx, maxX, 1) && inY) next.push(right, rx, y, fy);
      if (le(X, minX, 1, left, rx) && inY) next.push(left, rx, y, fy);
    }
    const t = frontier;
    frontier = next;
    next = t;
  }
  if (bestCost === Infinity) return -1;
  p.x = bestX;
  p.y = bestY;
  return bestFx | (bestFy << 1);
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
  taken.length = takenF.length = 0;
  const avoid = opts.avoid ?? NO_RECTS;
  for (let i = 0; i < avoid.length; i++) {
    taken.push(avoid[i]!);
    takenF.push(0);
  }
  let pooled = 0;
  for (let o = 0; o < order.length; o++) {
    const i = order[o]!;
    const b = boxes[i]!;
    const maxX = right - b.width;
    const maxY = bottom - b.height;
    const p = (out[i] ??= { x: 0, y: 0, baseX: 0, baseY: 0, tipX: 0, tipY: 0, follows: 0 });
    p.x = clampTo(X, b.anchorX - b.width / 2, 0, minX, maxX, 1);
    let fx = clamped;
    p.y = clampTo(Y, b.anchorY - tail - b.height, 0, minY, maxY, 1);
    let fy = clamped;
    // Taken: a bubble placed before it, or a kept-clear area. Search for the nearest clear spot.
    if (hitsTaken(p.x, fx, p.y, fy, b.width, b.height, gap) >= 0) {
      // Beside the head, the tail leaving from the bubble's side.
      const rx = clampTo(X, b.anchorX + tail, 0, minX, maxX, 1);
      const frx = clamped;
      const sy = clampTo(Y, b.anchorY - b.height / 2, 0, minY, maxY, 1);
      const fsy = clamped;
      const lx = clampTo(X, b.anchorX - tail - b.width, 0, minX, maxX, 1);
      frontier.length = 0;
      frontier.push(p.x, fx, p.y, fy, rx, frx, sy, fsy, lx, clamped, sy, fsy);
      // Nowhere clear (a crowd in a tiny view, a panel as big as the view): overlapping beats vanishing.
      const found = clearSpot(p, b.width, b.height, b.anchorX, b.anchorY, gap, minX, minY, maxX, maxY);
      if (found >= 0) {
        fx = found & 1;
        fy = found >> 1;
      }
    }
    const r = (takenPool[pooled++] ??= { x: 0, y: 0, width: 0, height: 0 });
    r.x = p.x;
    r.y = p.y;
    r.width = b.width;
    r.height = b.height;
    taken.push(r);
    takenF.push(fx | (fy << 1));
    // Tail: tip at the speaker, or at the view edge in its direction when it is off-screen.
    p.tipX = clampTo(X, b.anchorX, 0, minX, right, 1);
    const ftx = clamped;
    p.tipY = clampTo(Y, b.anchorY, 0, minY, bottom, 1);
    const fty = clamped;
    const below = le(Y, p.y + b.height, fy, p.tipY, fty);
    const aboveTip = le(Y, p.tipY, fty, p.y, fy);
    let fbx: number, fby: number;
    if (below || aboveTip) {
      p.baseY = below ? p.y + b.height : p.y;
      fby = fy;
      p.baseX = clampTo(X, p.tipX, ftx, p.x + radius + tail / 2, p.x + b.width - radius - tail / 2, fx);
      fbx = clamped;
    } else {
      // Tip level with the body: the tail leaves from the side nearest the speaker.
      p.baseX = le(X, p.x + b.width / 2, fx, p.tipX, ftx) ? p.x + b.width : p.x;
      fbx = fx;
      p.baseY = clampTo(Y, p.tipY, fty, p.y + radius + tail / 2, p.y + b.height - radius - tail / 2, fy);
      fby = clamped;
    }
    // The FOLLOWS_* bits, in their order.
    p.follows = fx | (fbx << 1) | (ftx << 2) | (fy << 3) | (fby << 4) | (fty << 5);
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
  out.x = p.x + (f & 1) * dx;
  out.baseX = p.baseX + ((f >> 1) & 1) * dx;
  out.tipX = p.tipX + ((f >> 2) & 1) * dx;
  out.y = p.y + ((f >> 3) & 1) * dy;
  out.baseY = p.baseY + ((f >> 4) & 1) * dy;
  out.tipY = p.tipY + (f >> 5) * dy;
  out.follows = f;
  return out;
}

/** Placement order: higher priority first, then the lower anchor (larger y). */
const before = (a: BubbleBox, b: BubbleBox) => {
  const pa = a.priority ?? 0,
    pb = b.priority ?? 0;
  return pa > pb || (pa === pb && a.anchorY > b.anchorY);
};
