import * as Phaser from 'phaser';
import { Howler } from 'howler';
import type { VillageScene } from './VillageScene.js';

/**
 * Browsers keep audio locked until the player interacts. If the context is still suspended we show
 * a title card; the first key or click resumes it (Howler's context, shared with Phaser and the NPC
 * voices) and lets the player walk. If audio already runs, the card goes away on its own.
 */
export class StartScene extends Phaser.Scene {
  constructor() {
    super('start');
  }

  create(): void {
    const village = this.scene.get('village') as VillageScene;
    const ctx = Howler.ctx as AudioContext | undefined;
    const { width, height } = this.scale;
    const go = () => {
      if (village.started) return;
      village.started = true;
      // resume() needs the gesture we are inside; a rejection just means audio stays locked.
      void ctx?.resume().catch(() => undefined);
      this.tweens.add({
        targets: this.children.list,
        alpha: 0,
        duration: 250,
        onComplete: () => this.scene.stop(),
      });
    };
    if (!ctx || ctx.state === 'running') {
      village.started = true;
      this.scene.stop();
      return;
    }
    this.add.rectangle(0, 0, width, height, 0x140e1c, 0.72).setOrigin(0);
    // Drawn at half size and scaled 2x, so the frame keeps its chunky pixel-art look.
    this.add.nineslice(width / 2, height / 2, 'panel', undefined, 240, 114, 6, 6, 6, 6).setScale(2);
    this.add
      .text(width / 2, height / 2 - 64, 'Thornbury', {
        fontFamily: 'Georgia, DejaVu Serif, serif',
        fontSize: '40px',
        color: '#5e3b27',
        fontStyle: 'bold',
      })
      .setOrigin(0.5);
    this.add
      .text(width / 2, height / 2 - 18, 'A village whose people talk back.', {
        fontFamily: 'DejaVu Sans, sans-serif',
        fontSize: '16px',
        color: '#6b4a2e',
      })
      .setOrigin(0.5);
    const cta = this.add
      .text(width / 2, height / 2 + 42, 'Click or press any key to start', {
        fontFamily: 'DejaVu Sans, sans-serif',
        fontSize: '20px',
        color: '#2b1d2f',
        fontStyle: 'bold',
      })
      .setOrigin(0.5);
    this.tweens.add({ targets: cta, alpha: 0.45, duration: 700, yoyo: true, repeat: -1 });
    this.add
      .text(width / 2, height / 2 + 80, 'Sound on: the villagers speak. A microphone is optional.', {
        fontFamily: 'DejaVu Sans, sans-serif',
        fontSize: '13px',
        color: '#6b4a2e',
      })
      .setOrigin(0.5);
    this.input.once('pointerdown', go);
    this.input.keyboard!.once('keydown', go);
    ctx.addEventListener('statechange', () => ctx.state === 'running' && go(), { once: true });
  }
}
