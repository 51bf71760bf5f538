/**
 * `window.__game`: a read-only snapshot for the end-to-end tests and for curious players in the
 * console. It reads state; it never changes the game, so tests drive the game like a player does.
 */
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import type { VillageScene } from './scenes/VillageScene.js';
import type { HudScene } from './scenes/HudScene.js';

type Rect = { x: number; y: number; width: number; height: number };

/** Visible texts of the world scene in canvas pixels: what the player reads over the map. */
function worldTexts(v: VillageScene): (Rect & { text: string })[] {
  const cam = v.cameras.main;
  const out: (Rect & { text: string })[] = [];
  for (const go of v.children.list) {
    if (!(go instanceof Phaser.GameObjects.Text) || !go.visible || go.alpha <= 0 || !go.text) continue;
    const b = go.getBounds();
    out.push({
      text: go.text,
      x: cam.x + (b.x - cam.worldView.x) * cam.zoom,
      y: cam.y + (b.y - cam.worldView.y) * cam.zoom,
      width: b.width * cam.zoom,
      height: b.height * cam.zoom,
    });
  }
  return out;
}

export interface GameSnapshot {
  ready: boolean;
  started: boolean;
  /** Game frames since boot (Phaser's loop counter): tests wait for frames, not for time. */
  frame: number;
  /** The "click to start" card is up. */
  startCard: boolean;
  player: { x: number; y: number; facing: string };
  npcs: { id: string; name: string; x: number; y: number; state: string; said: string; bubble: string }[];
  /** On screen (canvas pixels): the HUD panels, and the text of every speech bubble now shown. */
  screen: {
    hud: Rect[];
    bubbles: (Rect & { text: string })[];
    banner: string;
    ending: string;
    /** Every text shown over the map (bubbles, labels, the debug overlay's panel). */
    texts: string[];
    /** The key hints along the bottom, as "keys: what" ("L: Log", "-+: Volume"). */
    hints: string[];
    /** The game's size in its own pixels (what the rectangles here are in). */
    size: { width: number; height: number };
  };
  talk: {
    target: string | null;
    nearby: string | null;
    npcState: string;
    micMode: string;
    micOpen: boolean;
    micLive: boolean;
    typing: boolean;
    debug: boolean;
    problems: string[];
    problemDetails: string[];
    lastHeard: string;
    lastSaid: string;
  };
  gold: number;
  items: Record<string, number>;
  quest: string[];
  gateOpen: boolean;
  shopOpen: boolean;
  volume: number;
  audioState: string;
  fps: number;
}

export function exposeDebugHandle(game: Phaser.Game): void {
  const snapshot = (): GameSnapshot | null => {
    const v = game.scene.getScene('village') as VillageScene | null;
    if (!v?.talk || !v.player) return null;
    const t = v.talk;
    return {
      ready: true,
      started: v.started,
      frame: game.loop.frame,
      startCard: game.scene.isActive('start'),
      player: { x: Math.round(v.player.x), y: Math.round(v.player.y), facing: v.player.facing },
      npcs: v.npcs.map((n) => ({
        id: n.id,
        name: n.name,
        x: n.x,
        y: n.y,
        state: n.state,
        said: n.said,
        bubble: n.bubble,
      })),
      screen: {
        hud: v.scene.isActive('hud') ? (v.scene.get('hud') as HudScene).panelRects() : [],
        bubbles: worldTexts(v).filter((t) => v.npcs.some((n) => n.bubble && n.bubble === t.text)),
        texts: worldTexts(v).map((t) => t.text),
        hints: v.scene.isActive('hud') ? [...(v.scene.get('hud') as HudScene).hintTexts] : [],
        size: { width: v.scale.width, height: v.scale.height },
        banner: v.scene.isActive('hud') ? (v.scene.get('hud') as HudScene).bannerShown : '',
        ending: v.scene.isActive('hud') ? (v.scene.get('hud') as HudScene).endingShown : '',
      },
      talk: {
        target: t.target?.id ?? null,
        nearby: t.nearby?.id ?? null,
        npcState: t.npcState,
        micMode: t.micMode,
        micOpen: t.micOpen,
        micLive: t.micLive,
        typing: t.typing,
        debug: t.debug,
        problems: [...t.problems.keys()],
        problemDetails: [...t.problems.values()].map((p) => p.detail ?? p.title),
        lastHeard: t.lastHeard,
        lastSaid: t.lastSaid,
      },
      gold: v.state.gold,
      items: Object.fromEntries(v.state.items),
      quest: [...v.state.done],
      gateOpen: v.gateOpen,
      shopOpen: !!v.registry.get('panelOpen'),
      volume: Howler.volume(),
      audioState: (Howler.ctx as AudioContext | undefined)?.state ?? 'none',
      fps: Math.round(game.loop.actualFps),
    };
  };
  Object.defineProperty(window, '__game', { get: snapshot, configurable: true });
}
