// Pure bubble placement: above the speaker, no overlap with other bubbles, clamped inside the
// camera view; the tail points at the speaker, or toward it when the speaker is off-screen.

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
}

const overlaps = (a: Placement, aw: number, ah: number, b: Placement, bw: number, bh: number, gap: number) =>
  a.x < b.x + bw + gap && b.x < a.x + aw + gap && a.y < b.y + bh + gap && b.y < a.y + ah + gap;

const clamp = (v: number, lo: number, hi: number) => (hi < lo ? lo : v < lo ? lo : v > hi ? hi : v);

/**
 * Place every bubble. Greedy: by priority, then lowest anchor first (the bubble nearest the ground
 * keeps its spot), each one moved up past any bubble it overlaps, or below it when there is no room
 * above. O(n²) in bubbles on screen, which are few.
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
  const placed: number[] = [];
  const minX = view.x + margin,
    minY = view.y + margin;
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
    // Resolve overlaps; each pass moves past one blocker, so n passes suffice.
    for (let pass = 0; pass <= placed.length; pass++) {
      let blocker = -1;
      for (const j of placed) {
        const q = out[j]!,
          c = boxes[j]!;
        if (overlaps(p, b.width, b.height, q, c.width, c.height, gap)) {
          blocker = j;
          break;
        }
      }
      if (blocker < 0) break;
      const q = out[blocker]!,
        c = boxes[blocker]!;
      const above = q.y - gap - b.height;
      p.y = above >= minY ? above : clamp(q.y + c.height + gap, minY, maxY);
      if (p.y !== above && p.y < q.y + c.height + gap) {
        // No room above or below (tiny view): slide sideways instead.
        p.x = clamp(q.x + c.width + gap, minX, maxX);
      }
    }
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
    placed.push(i);
  }
  return out;
}
