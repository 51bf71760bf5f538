import { describe, expect, it } from 'vitest';
import type * as Phaser from 'phaser';
import { listenerPoint } from '../../plugin/phaser/listener.js';

const camera = (x: number, y: number) =>
  ({ worldView: {}, midPoint: { x, y } }) as unknown as Phaser.Cameras.Scene2D.Camera;

describe('where the voices are heard from', () => {
  it('the player while it exists, the main camera without one or once it is destroyed', () => {
    const main = camera(400, 300);
    const out = { x: 0, y: 0 };
    const player = { x: 10, y: 20, scene: {} } as never;
    expect(listenerPoint(player, main, out)).toBe(true);
    expect(out).toEqual({ x: 10, y: 20 });
    expect(listenerPoint(null, main, out)).toBe(true);
    expect(out).toEqual({ x: 400, y: 300 });
    expect(listenerPoint(camera(50, 60), main, out)).toBe(true);
    expect(out).toEqual({ x: 50, y: 60 });
    // Phaser clears `scene` on destroy(): the voices fall back to the camera, and the caller is told.
    const destroyed = { x: 10, y: 20, scene: undefined } as never;
    expect(listenerPoint(destroyed, main, out)).toBe(false);
    expect(out).toEqual({ x: 400, y: 300 });
  });
});
