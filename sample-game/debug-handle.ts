/**
 * `window.__game`: a read-only snapshot for the end-to-end tests and for curious players in the
 * console. It reads state; it never changes the game, so tests drive the game like a player does.
 */
import type * as Phaser from 'phaser';
import { Howler } from 'howler';
import type { VillageScene } from './scenes/VillageScene.js';

export interface GameSnapshot {
  ready: boolean;
  started: boolean;
  player: { x: number; y: number; facing: string };
  npcs: { id: string; name: string; x: number; y: number; state: string; said: string; bubble: string }[];
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
