import type * as Phaser from 'phaser';
import type { Positioned } from './npc-handle.js';

/** Who hears the voices: a game object (usually the player) or a camera (its centre). */
export type Listener = Positioned | Phaser.Cameras.Scene2D.Camera;

/**
 * Writes the listening point into `out` (reused every frame: no allocation). With no target, or a
 * target whose game object was destroyed, it is the main camera's centre; returns false in the
 * destroyed case so the plugin can forget the target.
 */
export function listenerPoint(
  target: Listener | null,
  mainCamera: Phaser.Cameras.Scene2D.Camera,
  out: { x: number; y: number },
): boolean {
  const alive = !target || 'worldView' in target || Boolean((target as { scene?: unknown }).scene);
  const t = alive ? target : null;
  if (t && !('worldView' in t)) {
    out.x = t.x;
    out.y = t.y;
  } else {
    const cam = t ?? mainCamera;
    out.x = cam.midPoint.x;
    out.y = cam.midPoint.y;
  }
  return alive;
}
