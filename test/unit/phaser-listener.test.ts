import { describe, expect, it } from 'vitest';
import type * as Phaser from 'phaser';
import { listenerPoint } from '../../plugin/phaser/listener.js';

type Camera = Phaser.Cameras.Scene2D.Camera;
type Player = Phaser.GameObjects.Sprite;

// Stand-ins with only the members listenerPoint reads. `satisfies` checks each member name against
// the real Phaser class (a renamed member fails to compile); the cast fills in what is not read.
const camera = (x: number, y: number) =>
  ({ worldView: {}, midPoint: { x, y } }) satisfies Partial<Record<keyof Camera, unknown>> as Camera;
const sprite = (x: number, y: number, scene: object | undefined) =>
  ({ x, y, scene }) satisfies Partial<Record<keyof Player, unknown>> as Player;

describe('where the voices are heard from', () => {
  it('the player while it exists, the main camera without one or once it is destroyed', () => {
    const main = camera(400, 300);
    const out = { x: 0, y: 0 };
    const player = sprite(10, 20, {});
    expect(listenerPoint(player, main, out)).toBe(true);
    expect(out).toEqual({ x: 10, y: 20 });
    expect(listenerPoint(null, main, out)).toBe(true);
    expect(out).toEqual({ x: 400, y: 300 });
    expect(listenerPoint(camera(50, 60), main, out)).toBe(true);
    expect(out).toEqual({ x: 50, y: 60 });
    // Phaser clears `scene` on destroy(): the voices fall back to the camera, and the caller is told.
    const destroyed = sprite(10, 20, undefined);
    expect(listenerPoint(destroyed, main, out)).toBe(false);
    expect(out).toEqual({ x: 400, y: 300 });
  });
});
