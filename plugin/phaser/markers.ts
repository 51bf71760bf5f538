import type * as Phaser from 'phaser';
import type { NpcHandle } from './npc-handle.js';
import type { NpcState } from './events.js';

const MARKER_COLORS: Record<NpcState, number> = {
  idle: 0x888888,
  connecting: 0xf5a623,
  queued: 0xc678dd,
  ready: 0x9b9b9b,
  listening: 0x3ecf5a,
  speaking: 0x4a90e2,
};

/** Top centre of a game object in world space (where bubbles and markers sit), written to `out`. */
export function headOf(
  h: NpcHandle | { gameObject: unknown; options?: NpcHandle['options'] },
  out: { x: number; y: number } = { x: 0, y: 0 },
): { x: number; y: number } {
  const go = h.gameObject as { x: number; y: number; displayHeight?: number; originY?: number };
  const off = h.options?.headOffset;
  if (off) {
    out.x = go.x + off.x;
    out.y = go.y + off.y;
    return out;
  }
  const height = go.displayHeight ?? 0;
  const originY = go.originY ?? 0.5;
  out.x = go.x;
  out.y = go.y - height * originY;
  return out;
}

/** Radius the dots are built at; a frame's radius is a scale of it. */
const BASE_R = 8;
/** The dark ring around each dot is this much wider than the dot. */
const RING = 1.5;

/** One NPC's marker: a dark ring and a coloured dot, each a circle game object built once. */
interface Dot {
  ring: Phaser.GameObjects.Arc;
  dot: Phaser.GameObjects.Arc;
  x: number;
  y: number;
  r: number;
  color: number;
  on: boolean;
}

/**
 * The NPC state marker: a small dot over each NPC with an open conversation (amber connecting,
 * grey prewarmed, green listening, blue speaking and pulsing with the voice level).
 *
 * The speaking and connecting dots change size every frame. Redrawing a Graphics for that
 * (clear + fillCircle) rebuilds its command buffer each frame; here each marker is a pair of
 * circles made once, and a frame only sets their position, scale and colour when those changed.
 */
export class StateMarkers {
  readonly #dots: Dot[] = [];
  readonly #head = { x: 0, y: 0 };

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  #dot(i: number): Dot {
    let d = this.#dots[i];
    if (!d) {
      const add = this.#scene.add;
      // Ring first: same depth, so it stays under its dot (display-list order breaks depth ties).
      const ring = add
        .circle(0, 0, BASE_R + RING, 0x000000, 0.5)
        .setDepth(9_999)
        .setVisible(false);
      const dot = add.circle(0, 0, BASE_R, 0x888888, 1).setDepth(9_999).setVisible(false);
      d = { ring, dot, x: NaN, y: NaN, r: NaN, color: -1, on: false };
      this.#dots[i] = d;
    }
    return d;
  }

  draw(handles: Iterable<NpcHandle>, time: number): void {
    let n = 0;
    for (const h of handles) {
      if (!h.conversation) continue;
      // Beside the head (top right), so the bubble's tail never covers it.
      const head = headOf(h, this.#head);
      const halfW = ((h.gameObject as { displayWidth?: number }).displayWidth ?? 0) / 2;
      const s = h.state;
      let r = 4;
      if (s === 'speaking') r = 4 + Math.min(4, h.level * 24);
      else if (s === 'connecting') r = 3 + Math.abs(Math.sin(time / 150)) * 2;
      else if (s === 'queued') r = 3 + Math.abs(Math.sin(time / 600)) * 2; // a slow pulse: waiting
      const d = this.#dot(n++);
      const x = head.x + halfW + 6,
        y = head.y + 4;
      if (x !== d.x || y !== d.y) {
        d.x = x;
        d.y = y;
        d.ring.setPosition(x, y);
        d.dot.setPosition(x, y);
      }
      if (r !== d.r) {
        d.r = r;
        d.ring.setScale((r + RING) / (BASE_R + RING));
        d.dot.setScale(r / BASE_R);
      }
      const color = MARKER_COLORS[s];
      if (color !== d.color) {
        d.color = color;
        d.dot.setFillStyle(color, 1);
      }
      if (!d.on) {
        d.on = true;
        d.ring.setVisible(true);
        d.dot.setVisible(true);
      }
    }
    for (let i = n; i < this.#dots.length; i++) {
      const d = this.#dots[i]!;
      if (!d.on) break; // shown dots are always the first ones
      d.on = false;
      d.ring.setVisible(false);
      d.dot.setVisible(false);
    }
  }

  destroy(): void {
    for (const d of this.#dots) {
      d.ring.destroy();
      d.dot.destroy();
    }
    this.#dots.length = 0;
  }
}
