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

const hits = (r: Rect, x: number, y: number, w: number, h: number, gap: number) =>
  x < r.x + r.width + gap && r.x < x + w + gap && y < r.y + r.height + gap && r.y < y + h + gap;

interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * A spot for a w×h bubble clear of every blocker (HUD panels and bubbles already placed): from the
 * natural spot and from beside the speaker, step off whatever is in the way (above, below, right
 * or left of it, up to three steps) and keep the nearest clear spot that does not cover the speaker
 * (its head at ax, ay and everything below it). Null when there is none. Few blockers, so a small
 * search per bubble.
 */
function clearSpot(
  seeds: number[],
  w: number,
  h: number,
  ax: number,
  ay: number,
  blockers: readonly Rect[],
  gap: number,
  b: Bounds,
): [number, number] | null {
  // Runs every frame while bubbles crowd: flat x,y pairs, no strings or closures, and a spot no
  // nearer than the best clear one so far is not explored further.
  const ox = seeds[0]!,
    oy = seeds[1]!;
  let bestX = 0,
    bestY = 0,
    bestCost = Infinity;
  let frontier = seeds;
  for (let depth = 0; depth <= 3 && frontier.length; depth++) {
    const next: number[] = [];
    for (let k = 0; k < frontier.length; k += 2) {
      const x = frontier[k]!,
        y = frontier[k + 1]!;
      const dist = Math.abs(x - ox) + Math.abs(y - oy);
      if (dist >= bestCost) continue;
      let r: Rect | undefined;
      for (const q of blockers)
        if (hits(q, x, y, w, h, gap)) {
          r = q;
          break;
        }
      if (!r) {
        const cost = dist + (ax > x && ax < x + w && y + h > ay ? 1e6 : 0);
        if (cost < bestCost) [bestX, bestY, bestCost] = [x, y, cost];
        continue;
      }
      const above = r.y - gap - h,
        below = r.y + r.height + gap,
        right = r.x + r.width + gap,
        left = r.x - gap - w;
      if (above >= b.minY) next.push(x, above);
      if (below <= b.maxY) next.push(x, below);
      if (right <= b.maxX && y >= b.minY && y <= b.maxY) next.push(right, y);
      if (left >= b.minX && y >= b.minY && y <= b.maxY) next.push(left, y);
    }
    frontier = next;
  }
  return bestCost < Infinity ? [bestX, bestY] : null;
}

/**
 * Place every bubble. Greedy: by priority, then lowest anchor first (the bubble nearest the ground
 * keeps its spot); each later one that would overlap a placed bubble or a kept-clear area takes the
 * nearest clear spot (usually stacked above, else beside or below) that leaves its speaker visible.
 * Bubbles on screen are few, so the small search per bubble is cheap.
 */
export function layoutBubbles(
  boxes: readonly BubbleBox[],
  view: Rect,
  opts: LayoutOptions = {},
): Placement[] {
  const margin = opts.margin ?? 4;
  const gap = opts.gap ?? 4;
  const tail = opts.tail ?? 10;
  const radius = opts.radius ?? 6;
  const order = boxes.map((_, i) => i);
  order.sort(
    (a, b) => (boxes[b]!.priority ?? 0) - (boxes[a]!.priority ?? 0) || boxes[b]!.anchorY - boxes[a]!.anchorY,
  );
  const out: Placement[] = new Array(boxes.length);
  const minX = view.x + margin,
    minY = view.y + margin;
  const taken: Rect[] = [...(opts.avoid ?? [])];
  for (const i of order) {
    const b = boxes[i]!;
    const maxX = view.x + view.width - margin - b.width;
    const maxY = view.y + view.height - margin - b.height;
    const p: Placement = {
      x: clamp(b.anchorX - b.width / 2, minX, maxX),
      y: clamp(b.anchorY - tail - b.height, minY, maxY),
      baseX: 0,
      baseY: 0,
      tipX: 0,
      tipY: 0,
      offscreen: false,
    };
    // Taken: a bubble placed before it, or a kept-clear area. Search for the nearest clear spot.
    if (taken.some((r) => hits(r, p.x, p.y, b.width, b.height, gap))) {
      const spot = clearSpot(
        [
          p.x,
          p.y,
          // Beside the head, the tail leaving from the bubble's side.
          clamp(b.anchorX + tail, minX, maxX),
          clamp(b.anchorY - b.height / 2, minY, maxY),
          clamp(b.anchorX - tail - b.width, minX, maxX),
          clamp(b.anchorY - b.height / 2, minY, maxY),
        ],
        b.width,
        b.height,
        b.anchorX,
        b.anchorY,
        taken,
        gap,
        { minX, minY, maxX, maxY },
      );
      // Nowhere clear (a crowd in a tiny view, a panel as big as the view): overlapping beats vanishing.
      if (spot) [p.x, p.y] = spot;
    }
    taken.push({ x: p.x, y: p.y, width: b.width, height: b.height });
    // Tail: tip at the speaker, or at the view edge in its direction when it is off-screen.
    const inView =
      b.anchorX >= view.x &&
      b.anchorX <= view.x + view.width &&
      b.anchorY >= view.y &&
      b.anchorY <= view.y + view.height;
    p.offscreen = !inView;
    p.tipX = clamp(b.anchorX, minX, view.x + view.width - margin);
    p.tipY = clamp(b.anchorY, minY, view.y + view.height - margin);
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
    out[i] = p;
  }
  return out;
}
