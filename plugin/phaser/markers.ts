import type * as Phaser from 'phaser';
import type { NpcHandle } from './npc-handle.js';
import type { NpcState } from './events.js';

const MARKER_COLORS: Record<NpcState, number> = {
  idle: 0x888888,
  connecting: 0xf5a623,
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

/**
 * The NPC state marker: a small dot over each NPC with an open conversation (amber connecting,
 * grey prewarmed, green listening, blue speaking and pulsing with the voice level).
 */
export class StateMarkers {
  #g: Phaser.GameObjects.Graphics | null = null;
  readonly #head = { x: 0, y: 0 };
  /** x, y, radius and colour of every marker drawn last frame: an unchanged frame is not redrawn. */
  #drawn: number[] = [];
  #next: number[] = [];

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  draw(handles: Iterable<NpcHandle>, time: number): void {
    const g = (this.#g ??= this.#scene.add.graphics().setDepth(9_999));
    const m = this.#next;
    m.length = 0;
    for (const h of handles) {
      if (!h.conversation) continue;
      // Beside the head (top right), so the bubble's tail never covers it.
      const head = headOf(h, this.#head);
      const halfW = ((h.gameObject as { displayWidth?: number }).displayWidth ?? 0) / 2;
      const s = h.state;
      let r = 4;
      if (s === 'speaking') r = 4 + Math.min(4, h.level * 24);
      else if (s === 'connecting') r = 3 + Math.abs(Math.sin(time / 150)) * 2;
      m.push(head.x + halfW + 6, head.y + 4, r, MARKER_COLORS[s]);
    }
    const last = this.#drawn;
    let same = m.length === last.length;
    for (let i = 0; same && i < m.length; i++) same = m[i] === last[i];
    if (same) return;
    this.#next = last;
    this.#drawn = m;
    g.clear();
    for (let i = 0; i < m.length; i += 4) {
      const mx = m[i]!,
        my = m[i + 1]!,
        r = m[i + 2]!;
      g.fillStyle(0x000000, 0.5);
      g.fillCircle(mx, my, r + 1.5);
      g.fillStyle(m[i + 3]!, 1);
      g.fillCircle(mx, my, r);
    }
  }

  destroy(): void {
    this.#g?.destroy();
    this.#g = null;
    this.#drawn.length = 0;
  }
}
