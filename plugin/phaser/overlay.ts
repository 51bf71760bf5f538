import type * as Phaser from 'phaser';
import type { ProximityTracker } from '../proximity/index.js';
import type { NpcHandle } from './npc-handle.js';

export interface OverlayInfo {
  listener: { x: number; y: number };
  active: NpcHandle | null;
  micOpen: boolean;
  micLevel: number;
  micMode: string;
}

/**
 * The debug overlay: each NPC's radii (enter, exit, prewarm), the link to the active NPC, and a
 * panel with every open conversation's state, ping_ms and time to first audio, plus the mic level.
 * It is how a developer sees why an NPC did or did not answer.
 */
export class DebugOverlay {
  #g: Phaser.GameObjects.Graphics | null = null;
  #panel: Phaser.GameObjects.Text | null = null;
  #labels: Phaser.GameObjects.Text[] = [];

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  draw(handles: readonly NpcHandle[], tracker: ProximityTracker, info: OverlayInfo): void {
    const scene = this.#scene;
    const g = (this.#g ??= scene.add.graphics().setDepth(9_998));
    const panel = (this.#panel ??= scene.add
      .text(6, 6, '', {
        fontFamily: 'monospace',
        fontSize: '11px',
        color: '#e8f0ff',
        backgroundColor: 'rgba(0,0,0,0.65)',
        padding: { x: 6, y: 4 },
      })
      .setDepth(10_010));
    g.clear();
    const cam = scene.cameras.main;
    const view = cam.worldView;
    // Pinned to the view's top-left at screen size. (Scroll factor 0 is not enough: a zoomed
    // camera, like the sample game's 2x, still scales it around the centre, off the screen.)
    const zoom = cam.zoom || 1;
    panel.setPosition(view.x + 6 / zoom, view.y + 6 / zoom).setScale(1 / zoom);
    const lines: string[] = [];
    let labelIdx = 0;
    for (const h of handles) {
      const p = tracker.inspect(h.id);
      if (!p) continue;
      const c = p.config;
      const reach = Math.max(c.exitRadius, c.prewarmRadius);
      if (
        p.x + reach < view.x ||
        p.x - reach > view.x + view.width ||
        p.y + reach < view.y ||
        p.y - reach > view.y + view.height
      )
        continue;
      const color = p.active ? 0x3ecf5a : p.open ? 0x4a90e2 : 0xaaaaaa;
      if (c.prewarmRadius > 0) {
        g.lineStyle(1, 0xf5a623, 0.35);
        g.strokeCircle(p.x, p.y, c.prewarmRadius);
      }
      g.lineStyle(1, color, 0.5);
      g.strokeCircle(p.x, p.y, c.exitRadius);
      g.lineStyle(2, color, 0.9);
      g.strokeCircle(p.x, p.y, c.radius);
      if (h.conversation || p.dwellRemainingMs > 0 || p.waiting) {
        const label = (this.#labels[labelIdx] ??= scene.add
          .text(0, 0, '', {
            fontFamily: 'monospace',
            fontSize: '10px',
            color: '#ffffff',
            backgroundColor: 'rgba(0,0,0,0.6)',
          })
          .setDepth(10_009));
        labelIdx++;
        const bits = [`${h.id} ${h.state}`, `${Math.round(p.distance)}px`];
        if (p.dwellRemainingMs > 0) bits.push(`dwell ${Math.round(p.dwellRemainingMs)}ms`);
        if (p.waiting) bits.push('waiting (cap)');
        if (p.closesInMs !== null) bits.push(`closes ${Math.round(p.closesInMs)}ms`);
        label
          .setText(bits.join(' | '))
          .setPosition(p.x - label.width / 2, p.y + 10)
          .setVisible(true);
      }
    }
    for (let i = labelIdx; i < this.#labels.length; i++) this.#labels[i]!.setVisible(false);
    const a = info.active;
    if (a) {
      g.lineStyle(2, 0x3ecf5a, 0.9);
      g.lineBetween(info.listener.x, info.listener.y, a.gameObject.x, a.gameObject.y);
    }
    g.fillStyle(0xffffff, 0.9);
    g.fillCircle(info.listener.x, info.listener.y, 3);

    // In dB as ears hear it: -54 dBFS empty, -6 dBFS full (speech around -18 fills three quarters).
    const db = 20 * Math.log10(Math.max(info.micLevel, 1e-6));
    const bar = '#'.repeat(Math.round(Math.min(1, Math.max(0, (db + 54) / 48)) * 20)).padEnd(20, '.');
    lines.push(
      `active: ${a ? a.id : '-'}   mic ${info.micOpen ? 'OPEN' : 'closed'} (${info.micMode}) [${bar}]`,
    );
    for (const h of handles) {
      if (!h.conversation) continue;
      const ping = h.pingMs === null ? '-' : `${Math.round(h.pingMs)}ms`;
      const ttfa = h.timeToFirstAudioMs === null ? '-' : `${Math.round(h.timeToFirstAudioMs)}ms`;
      const reload = h.pendingReload ? '  (file changed: applies next conversation)' : '';
      lines.push(
        `${h.isActive ? '>' : ' '} ${h.id.padEnd(12)} ${h.state.padEnd(10)} ping ${ping}  ttfa ${ttfa}${reload}`,
      );
    }
    if (tracker.waiting.length) lines.push(`waiting for a slot: ${tracker.waiting.join(', ')}`);
    panel.setText(lines.join('\n')).setVisible(true);
  }

  hide(): void {
    this.#g?.clear();
    this.#panel?.setVisible(false);
    for (const l of this.#labels) l.setVisible(false);
  }

  destroy(): void {
    this.#g?.destroy();
    this.#panel?.destroy();
    for (const l of this.#labels) l.destroy();
    this.#g = this.#panel = null;
    this.#labels = [];
  }
}
