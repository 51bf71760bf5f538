// Frame-cost bench page: N NPC rectangles attached to the plugin on Phaser 4, the real local agent
// answering the conversations that open. Phaser's own loop is asleep (its rendering is not plugin
// work); the page drives game frames itself on requestAnimationFrame, at real time, and times the
// plugin's per-frame work (the scene's POST_UPDATE, where the plugin's handler is the only listener)
// one frame at a time.
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import { voiceAgentsPlugin, type NpcDefinition, type NpcHandle } from 'phaser-voice-agents';
import { grid, npcAt, serpentine, SPEED_PX_PER_FRAME } from '../../lib/walk.js';

/** What the bench hands the page before it loads: `window.frameCostConfig`. */
export interface FrameCostConfig {
  npc: NpcDefinition;
  agentUrl: string;
}
const cfg = window.frameCostConfig;

Howler.autoSuspend = false;
Howler.volume(1);

class Field extends Phaser.Scene {
  player!: Phaser.GameObjects.Rectangle;
  constructor() {
    super('field');
  }
  create(): void {
    this.player = this.add.rectangle(0, 0, 20, 28, 0x4488cc);
    this.voiceAgents.configure({
      localAgentUrl: cfg.agentUrl,
      howler: Howler,
      micMode: 'muted',
      lingerMs: 500,
    });
    this.voiceAgents.setListener(this.player);
    window.__ready = true;
  }
}

const game = new Phaser.Game({
  type: Phaser.AUTO,
  width: 800,
  height: 600,
  parent: 'game',
  scene: [Field],
  banner: false,
  audio: { context: Howler.ctx },
  plugins: { scene: [voiceAgentsPlugin()] },
});

const nextFrame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

/** Smallest step performance.now() takes here (5 µs cross-origin isolated, 100 µs otherwise). */
function timerResolutionUs(): number {
  let min = Infinity;
  let last = performance.now();
  for (let i = 0, seen = 0; i < 2_000_000 && seen < 2000; i++) {
    const t = performance.now();
    if (t !== last) {
      min = Math.min(min, t - last);
      last = t;
      seen++;
    }
  }
  return Math.round(min * 1000 * 100) / 100;
}

/**
 * The crowd (a market square away from the grid): 8 NPCs on a ring of 170 px, the player walking a
 * 130 px circle inside it, so it leaves each NPC's exit radius (128 px) before it reaches the next
 * one's 96 px radius; a speaking NPC keeps the player until then. Its prewarm radius covers the whole
 * square, so all 8 conversations stay open and each answer plays to its end after the player walked
 * on. The camera looks at the square.
 */
const CROWD = { x: -600, y: 300, ring: 170, walk: 130, size: 8, prewarm: 320 };
const QUESTIONS = ['Do you sell healing potions?', 'How much is a lantern?', 'What are your prices?'];

export interface RunOptions {
  n: number;
  runs: number;
  frames: number;
  /** 8 of the n NPCs stand in a crowd the player circles, asking whoever is active a question. */
  crowd?: boolean;
  /** Baseline: radii of 1 px, so the same walk opens no conversation (what N alone costs). */
  silent?: boolean;
  /** Where along the path the player starts (px walked; default 0). */
  from?: number;
}

export interface RunResult {
  runs: Array<{
    /** Plugin work of each frame (ms), in order. */
    frameMs: number[];
    /** conversation:start events during this run. */
    started: number;
    /** requestAnimationFrame intervals (ms): the game's frame pacing. */
    intervalMs: number[];
    /** Conversations open (started, not yet ended) at each frame. */
    open: number[];
    /** Crowd variant: speech bubbles showing text at each frame. */
    bubbles?: number[];
  }>;
  /** Crowd variant: questions the player asked, and changes of the active NPC. */
  asked: number;
  activeChanges: number;
  startedInWarmup: number;
  warmupFrames: number;
  maxStepPx: number;
  opened: number;
}

const frameCostBench = {
  version: Phaser.VERSION,
  isolated: self.crossOriginIsolated,
  timerResolutionUs,
  async run(o: RunOptions): Promise<RunResult> {
    const scene = game.scene.getScene('field') as Field;
    game.loop.sleep(); // the page drives the frames
    const va = scene.voiceAgents;
    const cam = scene.cameras.main;
    let started = 0;
    const openIds = new Set<string>();
    let activeChanges = 0;
    const offs = [
      va.on('conversation:start', (h) => {
        started++;
        openIds.add(h.id);
      }),
      va.on('conversation:end', (h) => openIds.delete(h.id)),
      va.on('active:change', () => activeChanges++),
    ];
    // Only the bench's own objects are removed afterwards: the plugin's bubbles and markers stay its own.
    const bodies: Phaser.GameObjects.Rectangle[] = [];
    const g = grid(o.crowd ? o.n - CROWD.size : o.n);
    const p = { x: 0, y: 0 };
    for (let i = 0; i < g.side * g.rows && i < (o.crowd ? o.n - CROWD.size : o.n); i++) {
      npcAt(i, g, p);
      const r = scene.add.rectangle(p.x, p.y, 16, 16, 0xcc8844);
      bodies.push(r);
      const proximity = o.silent
        ? { ...cfg.npc.proximity, radius: 1, exit_radius: 1, prewarm_radius: 0 }
        : cfg.npc.proximity;
      va.attach(r, { ...cfg.npc, id: `npc${i}`, name: `NPC ${i}`, proximity });
    }
    const crowd: NpcHandle[] = [];
    if (o.crowd) {
      for (let k = 0; k < CROWD.size; k++) {
        const a = (k / CROWD.size) * 2 * Math.PI;
        const r = scene.add.rectangle(
          CROWD.x + CROWD.ring * Math.cos(a),
          CROWD.y + CROWD.ring * Math.sin(a),
          16,
          16,
          0xcc44aa,
        );
        bodies.push(r);
        const def = {
          ...cfg.npc,
          id: `crowd${k}`,
          name: `Crowd ${k}`,
          proximity: { ...cfg.npc.proximity, prewarm_radius: CROWD.prewarm },
        };
        crowd.push(va.attach(r, def));
      }
    }
    const walk = serpentine(g);
    let s = o.from ?? 0;
    let maxStep = 0;
    let moved = false;
    const lastAsked = new Map<NpcHandle, number>();
    let asked = 0;
    const move = (): void => {
      const px = scene.player.x,
        py = scene.player.y;
      if (o.crowd) {
        const a = s / CROWD.walk;
        scene.player.setPosition(CROWD.x + CROWD.walk * Math.cos(a), CROWD.y + CROWD.walk * Math.sin(a));
      } else {
        walk.at(s, p);
        scene.player.setPosition(p.x, p.y);
      }
      s += SPEED_PX_PER_FRAME;
      // The first placement jumps from wherever the last configuration left the player.
      if (moved) maxStep = Math.max(maxStep, Math.hypot(scene.player.x - px, scene.player.y - py));
      moved = true;
      if (o.crowd) cam.centerOn(CROWD.x, CROWD.y);
      else cam.centerOn(scene.player.x, scene.player.y);
      cam.preRender();
    };
    const showing = (): number => {
      let k = 0;
      for (const h of crowd) if (h.bubbleText !== '') k++;
      return k;
    };
    /** Crowd variant: the player asks whoever is active a question (game code, not timed). */
    const chat = (now: number): void => {
      const a = va.activeNpc;
      if (!a || !crowd.includes(a) || a.state === 'speaking' || a.state === 'connecting') return;
      if (now - (lastAsked.get(a) ?? -1e9) < 2500) return;
      if (a.sendText(QUESTIONS[asked % QUESTIONS.length]!)) {
        asked++;
        lastAsked.set(a, now);
      }
    };
    const emit = (t: number, dt: number): number => {
      const t0 = performance.now();
      scene.sys.events.emit(Phaser.Scenes.Events.POST_UPDATE, t, dt);
      return performance.now() - t0;
    };

    // Warm-up (untimed): the first second after attaching, or until the crowd's 8 bubbles show.
    let last = await nextFrame();
    let warmupFrames = 0;
    for (;;) {
      const t = await nextFrame();
      move();
      emit(t, t - last);
      last = t;
      warmupFrames++;
      if (o.crowd) chat(t);
      if (o.crowd ? showing() >= CROWD.size || warmupFrames > 60 * 25 : warmupFrames >= 60) break;
    }
    const startedInWarmup = started;
    const runs: RunResult['runs'] = [];
    for (let r = 0; r < o.runs; r++) {
      started = 0;
      const frameMs: number[] = [];
      const intervalMs: number[] = [];
      const bubbles: number[] = [];
      const openAt: number[] = [];
      for (let f = 0; f < o.frames; f++) {
        const t = await nextFrame();
        move();
        frameMs.push(emit(t, t - last));
        intervalMs.push(t - last);
        openAt.push(openIds.size);
        last = t;
        if (o.crowd) {
          bubbles.push(showing());
          chat(t);
        }
      }
      runs.push({ frameMs, started, intervalMs, open: openAt, ...(o.crowd ? { bubbles } : {}) });
    }
    const opened = va.npcs.filter((h) => h.conversationId).length;
    for (const off of offs) off();
    for (const h of va.npcs) h.detach();
    for (const b of bodies) b.destroy();
    return { runs, startedInWarmup, warmupFrames, maxStepPx: maxStep, opened, asked, activeChanges };
  },
};
/** The frame-cost bench page's API: `window.frameCostBench` (declared in test/types/window.ts). */
export type FrameCostBench = typeof frameCostBench;
window.frameCostBench = frameCostBench;
