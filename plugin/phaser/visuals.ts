import type * as Phaser from 'phaser';
import type { NpcBubbleStyle } from '../npc/types.js';
import type { ProximityTracker } from '../proximity/index.js';
import type { SpeechBubble } from './bubble/view.js';
import { BubbleLayer, createPlayerBubble } from './bubble/layer.js';
import { TurnReveal } from './bubble/reveal.js';
import { StateMarkers, headOf } from './markers.js';
// Type only: the overlay module is loaded the first time the overlay is switched on.
import type { DebugOverlay, OverlayInfo } from './overlay.js';
import type { NpcHandle, Positioned } from './npc-handle.js';
import type { ScreenRect } from './config.js';

/**
 * What the plugin draws in its scene: speech bubbles, state markers and the debug overlay. Each is
 * created on first use (a game that never talks or debugs makes no game objects) and destroyed
 * with the scene; after `destroy()` the next use creates them again, so a scene restart is clean.
 */
export class SceneVisuals {
  readonly #scene: Phaser.Scene;
  #bubbles: BubbleLayer | null = null;
  #playerBubble: { target: Positioned; bubble: SpeechBubble } | null = null;
  #markers: StateMarkers | null = null;
  #overlay: DebugOverlay | null = null;
  #overlayLoading = false;
  /** Bumped by destroy(): an overlay module that finishes loading after a shutdown is not used. */
  #generation = 0;
  #debug = false;
  /** The characters' rectangles this frame (reused). */
  readonly #bodies: ScreenRect[] = [];

  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  get bubbles(): BubbleLayer {
    return (this.#bubbles ??= new BubbleLayer(this.#scene));
  }

  removeBubble(b: SpeechBubble): void {
    this.#bubbles?.remove(b);
  }

  get debug(): boolean {
    return this.#debug;
  }

  set debug(on: boolean) {
    this.#debug = on;
    if (!on) this.#overlay?.hide();
  }

  get playerText(): string {
    const b = this.#playerBubble?.bubble;
    return b?.visible ? b.visibleText : '';
  }

  /** The player's own words over `target`, shown at once (no voice to follow). */
  playerSaid(
    target: Positioned,
    isCurrent: () => boolean,
    text: string,
    now: number,
    style: Partial<NpcBubbleStyle> | undefined,
  ): void {
    if (this.#playerBubble?.target !== target) {
      if (this.#playerBubble) this.#bubbles?.remove(this.#playerBubble.bubble);
      const bubble = createPlayerBubble(
        this.bubbles,
        (out) => isCurrent() && (headOf({ gameObject: target }, out), true),
        style,
      );
      this.#playerBubble = { target, bubble };
    }
    this.#playerBubble.bubble.show(text, now, {
      followsAudio: false,
      reveal: new TurnReveal({ readingCps: 1e6 }),
    });
  }

  /** Per frame, after audio: bubbles, then markers over talking NPCs, then the overlay when on. */
  draw(
    time: number,
    talking: Iterable<NpcHandle>,
    markers: boolean,
    avoid: (() => readonly ScreenRect[]) | undefined,
    overlay: () => [readonly NpcHandle[], ProximityTracker, OverlayInfo],
    player?: Positioned | null,
  ): void {
    if (this.#bubbles) {
      // Bubbles keep off the player and off every NPC that is talking.
      const bodies = this.#bodies;
      let n = 0;
      if (player) bodyRect(player, (bodies[n++] ??= { x: 0, y: 0, width: 0, height: 0 }));
      for (const h of talking) bodyRect(h.gameObject, (bodies[n++] ??= { x: 0, y: 0, width: 0, height: 0 }));
      bodies.length = n;
      this.#bubbles.update(time, avoid, bodies);
    }
    if (markers) (this.#markers ??= new StateMarkers(this.#scene)).draw(talking, time);
    if (!this.#debug) return;
    if (this.#overlay) this.#overlay.draw(...overlay());
    else this.#loadOverlay();
  }

  /**
   * The overlay is a developer tool: its code is a separate chunk that a game downloads only when
   * someone switches it on (bundlers split dynamic imports), and it draws from the next frame.
   */
  #loadOverlay(): void {
    if (this.#overlayLoading) return;
    this.#overlayLoading = true;
    const generation = this.#generation;
    import('./overlay.js').then(
      ({ DebugOverlay }) => {
        this.#overlayLoading = false;
        if (generation === this.#generation) this.#overlay ??= new DebugOverlay(this.#scene);
      },
      (err: unknown) => {
        this.#overlayLoading = false;
        this.#debug = false;
        console.warn('[phaser-voice-agents] the debug overlay could not load', err);
      },
    );
  }

  destroy(): void {
    this.#generation++;
    this.#bubbles?.destroy();
    this.#markers?.destroy();
    this.#overlay?.destroy();
    this.#bubbles = this.#playerBubble = this.#markers = this.#overlay = null;
  }
}

/** A game object's rectangle in the world, from its display size and origin (a 16 px box if unknown). */
function bodyRect(go: Positioned, out: ScreenRect): ScreenRect {
  const g = go as Positioned & {
    displayWidth?: number;
    displayHeight?: number;
    originX?: number;
    originY?: number;
  };
  const w = g.displayWidth || 16,
    h = g.displayHeight || 16;
  out.x = g.x - w * (g.originX ?? 0.5);
  out.y = g.y - h * (g.originY ?? 0.5);
  out.width = w;
  out.height = h;
  return out;
}
