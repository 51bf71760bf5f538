// Frame-cost bench page: N NPC rectangles attached to the plugin on Phaser 4, a player walking a
// fixed path through them, the real local agent answering the conversations that open. The game
// loop is stopped; the bench steps the plugin's per-frame work itself and times it.
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import { voiceAgentsPlugin, type NpcDefinition } from 'phaser-voice-agents';

const w = window as any;
const cfg: { npc: NpcDefinition; agentUrl: string } = w.__cfg;

Howler.autoSuspend = false;
Howler.volume(1);

/** World with one NPC per 200x200 px cell: constant density whatever N is. */
function layout(n: number) {
  const side = Math.ceil(Math.sqrt(n));
  return { side, size: side * 200 };
}

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
    w.__ready = true;
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

w.__bench = {
  version: Phaser.VERSION,
  /** Attach n NPCs, then time `frames` plugin frames while the player walks a diagonal path. */
  async run(n: number, frames: number) {
    const scene = game.scene.getScene('field') as Field;
    game.loop.sleep(); // the bench drives the frames
    const va = scene.voiceAgents;
    for (const h of va.npcs) h.detach();
    scene.children.list.filter((o) => o !== scene.player).forEach((o) => o.destroy());
    let started = 0;
    const offStart = va.on('conversation:start', () => started++);
    const { side, size } = layout(n);
    for (let i = 0; i < n; i++) {
      const x = (i % side) * 200 + 100,
        y = Math.floor(i / side) * 200 + 100;
      const r = scene.add.rectangle(x, y, 16, 16, 0xcc8844);
      va.attach(r, { ...cfg.npc, id: `npc${i}`, name: `NPC ${i}` });
    }
    const emit = (t: number) => scene.sys.events.emit(Phaser.Scenes.Events.POST_UPDATE, t, 16.7);
    // Timed in batches: performance.now() is coarsened to 0.1 ms on a page that is not
    // cross-origin isolated, far above one frame's cost.
    const BATCH = 25;
    const perFrame: number[] = [];
    let t = performance.now();
    for (let f = -200; f < frames; f += BATCH) {
      const t0 = performance.now();
      for (let i = 0; i < BATCH; i++) {
        // Player walks corner to corner and back.
        const phase = ((((f + i + 200) % 2000) + 2000) % 2000) / 1000;
        const k = phase <= 1 ? phase : 2 - phase;
        scene.player.setPosition(100 + k * (size - 200), 100 + k * (size - 200) * 0.7);
        t += 16.7;
        emit(t);
      }
      const dt = (performance.now() - t0) / BATCH;
      if (f >= 0) perFrame.push(dt); // the first 200 frames warm up the JIT
      await new Promise((r) => setTimeout(r, 0)); // let sockets and audio breathe between batches
    }
    const opened = va.npcs.filter((h) => h.conversationId).length;
    offStart();
    for (const h of va.npcs) h.detach();
    return { perFrame, opened, started };
  },
};
