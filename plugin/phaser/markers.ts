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

/** Top centre of a game object in world space (where bubbles and markers sit). */
export function headOf(h: NpcHandle | { gameObject: unknown; options?: NpcHandle['options'] }): {
  x: number;
  y: number;
} {
  const go = h.gameObject as { x: number; y: number; displayHeight?: number; originY?: number };
  const off = h.options?.headOffset;
  if (off) return { x: go.x + off.x, y: go.y + off.y };
  const height = go.displayHeight ?? 0;
  const originY = go.originY ?? 0.5;
  return { x: go.x, y: go.y - height * originY };
}

/**
 * The NPC state marker: a small dot over each NPC with an open conversation (amber connecting,
 * grey prewarmed, green listening, blue speaking and pulsing with the voice level).
 */
export class StateMarkers {
  #g: Phaser.GameObjects.Graphics | null = null;

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  draw(handles: Iterable<NpcHandle>, time: number): void {
    const g = (this.#g ??= this.#scene.add.graphics().setDepth(9_999));
    g.clear();
    for (const h of handles) {
      if (!h.conversation) continue;
      // Beside the head (top right), so the bubble's tail never covers it.
      const head = headOf(h);
      const halfW = ((h.gameObject as { displayWidth?: number }).displayWidth ?? 0) / 2;
      const mx = head.x + halfW + 6,
        my = head.y + 4;
      const s = h.state;
      let r = 4;
      if (s === 'speaking') r = 4 + Math.min(4, h.level * 24);
      else if (s === 'connecting') r = 3 + Math.abs(Math.sin(time / 150)) * 2;
      g.fillStyle(0x000000, 0.5);
      g.fillCircle(mx, my, r + 1.5);
      g.fillStyle(MARKER_COLORS[s], 1);
      g.fillCircle(mx, my, r);
    }
  }

  destroy(): void {
    this.#g?.destroy();
    this.#g = null;
  }
}
