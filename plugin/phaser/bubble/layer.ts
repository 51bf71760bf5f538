import type * as Phaser from 'phaser';
import type { NpcBubbleStyle } from '../../npc/types.js';
import {
  layoutBubbles,
  type BubbleBox,
  type LayoutOptions,
  type Placement,
  type Rect,
  type ViewSlack,
  viewStands,
} from './layout.js';
import { SpeechBubble, RADIUS, TAIL, type BubbleSource } from './view.js';
import { DEFAULT_BUBBLE_STYLE, resolveBubbleStyle, type BubbleStyle } from './style.js';

const NO_AREAS: readonly Rect[] = [];
/** How close (world px) a body must come to a bubble's natural spot to be kept clear of. */
const NEAR = 24;

const inside = (r: Rect, x: number, y: number): boolean =>
  x >= r.x && x <= r.x + r.width && y >= r.y && y <= r.y + r.height;

/**
 * Lays out every visible bubble of a scene each frame. The layout runs again only when something
 * it reads changed (a bubble's anchor or size, which bubbles show, the camera's view, the areas to
 * avoid); otherwise the bubbles keep last frame's placements. A camera that only scrolls (the
 * player walking) changes nothing while no bubble is held at an edge it scrolls across (one held
 * at the top edge stands while the camera scrolls sideways) and the game keeps no screen area
 * clear (those move with the camera): placements are in world space, and the layout says how far
 * the view may move along each axis before its result differs (ViewSlack).
 * No allocation per frame.
 */
export class BubbleLayer {
  readonly bubbles = new Set<SpeechBubble>();
  /**
   * The bubbles with a turn to show (the rest are idle until their next turn): each NPC keeps its
   * bubble for the whole session, so a frame walks these few, not every NPC that ever spoke.
   */
  readonly #showing = new Set<SpeechBubble>();
  readonly #onShow = (b: SpeechBubble): void => void this.#showing.add(b);
  readonly #boxes: BubbleBox[] = [];
  readonly #live: SpeechBubble[] = [];
  readonly #avoid: Rect[] = [];
  readonly #bodyPool: Rect[] = [];
  readonly #placed: Placement[] = [];
  readonly #opts: LayoutOptions = { tail: TAIL, radius: RADIUS, avoid: this.#avoid };
  /** Everything the last layout read, as numbers, and the bubbles it placed. */
  #inputs: number[] = [];
  #lastInputs: number[] = [];
  readonly #lastLive: SpeechBubble[] = [];
  /** View offsets from the last layout's view within which its placements stand. */
  readonly #slack: ViewSlack = { dxMin: 0, dxMax: 0, dyMin: 0, dyMax: 0 };

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  create(source: BubbleSource, style: BubbleStyle): SpeechBubble {
    const b = new SpeechBubble(this.#scene, source, style, this.#onShow);
    this.bubbles.add(b);
    return b;
  }

  remove(b: SpeechBubble): void {
    b.destroy();
    this.bubbles.delete(b);
    this.#showing.delete(b);
    this.#lastLive.length = 0; // lay out again
  }

  /**
   * `avoidScreen`: areas of the game canvas (pixels) that bubbles keep out of, e.g. HUD panels.
   * `bodies`: world rectangles of the characters bubbles must not cover (the player, the speakers).
   */
  update(now: number, avoidScreen?: () => readonly Rect[], bodies?: readonly Rect[]): void {
    this.#boxes.length = 0;
    this.#live.length = 0;
    const cam = this.#scene.cameras.main;
    const view = cam.worldView;
    for (const b of this.#showing) {
      if (!b.reveal) {
        this.#showing.delete(b); // cleared (faded out, or its speaker gone): idle until shown again
        continue;
      }
      const box = b.tick(now, b.source.position(b.turnId));
      if (!box) continue;
      // Said and read, and its speaker walked off screen: it would only crowd the view's edge
      // (where the layout must follow every camera move across that edge), so it fades now instead
      // of after its hold.
      if (b.finished && !inside(view, box.anchorX, box.anchorY)) b.fadeNow(now);
      this.#boxes.push(box);
      this.#live.push(b);
    }
    if (this.#live.length === 0) {
      this.#lastLive.length = 0;
      return;
    }
    // Canvas pixels to world: the camera's viewport maps onto its world view (zoom; no rotation).
    const kx = view.width / (cam.width || 1),
      ky = view.height / (cam.height || 1);
    const avoid = this.#avoid;
    const screen = avoidScreen?.() ?? NO_AREAS;
    avoid.length = screen.length;
    for (let i = 0; i < screen.length; i++) {
      const r = screen[i]!;
      const w = (avoid[i] ??= { x: 0, y: 0, width: 0, height: 0 });
      w.x = view.x + (r.x - cam.x) * kx;
      w.y = view.y + (r.y - cam.y) * ky;
      w.width = r.width * kx;
      w.height = r.height * ky;
    }
    // A body counts only where a bubble would sit (above its speaker's head): a player walking
    // anywhere else moves nothing, so the layout is not redone every frame for it. Whole pixels,
    // so sub-pixel walking does not either.
    if (bodies)
      for (let i = 0, k = 0; i < bodies.length; i++) {
        const r = bodies[i]!;
        if (!this.#nearABubble(r)) continue;
        const w = (this.#bodyPool[k++] ??= { x: 0, y: 0, width: 0, height: 0 });
        avoid.push(w);
        w.x = Math.floor(r.x);
        w.y = Math.floor(r.y);
        w.width = Math.ceil(r.width);
        w.height = Math.ceil(r.height);
      }
    if (this.#changed(view)) layoutBubbles(this.#boxes, view, this.#opts, this.#placed, this.#slack);
    for (let i = 0; i < this.#live.length; i++) this.#live[i]!.place(this.#placed[i]!);
  }

  /** `r` overlaps the room above some live bubble's speaker (its natural spot, with a margin). */
  #nearABubble(r: Rect): boolean {
    for (const b of this.#boxes) {
      const x = b.anchorX - b.width / 2 - NEAR,
        y = b.anchorY - TAIL - b.height - NEAR;
      if (r.x < x + b.width + 2 * NEAR && x < r.x + r.width && r.y < b.anchorY && y < r.y + r.height)
        return true;
    }
    return false;
  }

  /** Whether the layout's inputs differ from the last layout's (then they become the last). */
  #changed(view: Rect): boolean {
    const v = this.#inputs;
    v.length = 0;
    v.push(view.x, view.y, view.width, view.height, this.#avoid.length);
    for (const r of this.#avoid) v.push(r.x, r.y, r.width, r.height);
    for (const b of this.#boxes) v.push(b.anchorX, b.anchorY, b.width, b.height, b.priority ?? 0);
    const last = this.#lastInputs;
    let same = v.length === last.length && this.#live.length === this.#lastLive.length;
    // From 2: the view's position (0, 1) may differ within the slack.
    for (let i = 2; same && i < v.length; i++) same = v[i] === last[i];
    for (let i = 0; same && i < this.#live.length; i++) same = this.#live[i] === this.#lastLive[i];
    if (same && (v[0] !== last[0] || v[1] !== last[1])) {
      // Only the camera moved (kept-clear areas would have moved with it): measured from the view
      // of the last layout, which stays in `last`.
      same = viewStands(this.#slack, v[0]! - last[0]!, v[1]! - last[1]!);
    }
    if (same) return false;
    this.#inputs = last;
    this.#lastInputs = v;
    this.#lastLive.length = 0;
    for (const b of this.#live) this.#lastLive.push(b);
    return true;
  }

  clear(): void {
    for (const b of this.bubbles) b.clear();
  }

  destroy(): void {
    for (const b of this.bubbles) b.destroy();
    this.bubbles.clear();
    this.#showing.clear();
    this.#lastLive.length = 0;
  }
}

/** The player's bubble (what they said or typed): light blue, tags dropped, drawn above NPC bubbles. */
export function createPlayerBubble(
  layer: BubbleLayer,
  anchor: BubbleSource['anchor'],
  style: Partial<NpcBubbleStyle> | undefined,
): SpeechBubble {
  const b = layer.create(
    { anchor, position: () => null },
    resolveBubbleStyle(style, { ...DEFAULT_BUBBLE_STYLE, background: 0xe8f4ff, tags: 'drop' }),
  );
  b.priority = 1;
  return b;
}
