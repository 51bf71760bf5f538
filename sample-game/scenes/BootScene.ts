import * as Phaser from 'phaser';
import tilesUrl from '../../assets/tiles/village.png?url';
import gateUrl from '../../assets/sprites/gate.png?url';
import chestUrl from '../../assets/sprites/chest.png?url';
import itemsUrl from '../../assets/sprites/items.png?url';
import shadowUrl from '../../assets/sprites/shadow.png?url';
import talkUrl from '../../assets/sprites/talk.png?url';
import iconsUrl from '../../assets/ui/icons.png?url';
import panelUrl from '../../assets/ui/panel.png?url';
import hudPanelUrl from '../../assets/ui/hud-panel.png?url';
import keycapUrl from '../../assets/ui/keycap.png?url';
import villageMap from '../../assets/maps/village.json';
import { FRAME_H, FRAME_W, LOOKS, frameOf, type Facing } from '../game/looks.js';

// Character sheets are found by name, so adding a look to the generator needs no code here.
const sheetUrls = import.meta.glob('../../assets/sprites/*.png', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export class BootScene extends Phaser.Scene {
  constructor() {
    super('boot');
  }

  preload(): void {
    const { width, height } = this.scale;
    const bar = this.add.rectangle(width / 2 - 150, height / 2, 0, 10, 0xf4d35e).setOrigin(0, 0.5);
    this.add.rectangle(width / 2, height / 2, 304, 16).setStrokeStyle(2, 0xf3e6c4);
    this.add
      .text(width / 2, height / 2 - 28, 'Thornbury', {
        fontFamily: 'serif',
        fontSize: '28px',
        color: '#f3e6c4',
      })
      .setOrigin(0.5);
    this.load.on('progress', (p: number) => (bar.width = 300 * p));

    this.load.image('tiles', tilesUrl);
    this.load.tilemapTiledJSON('village', villageMap);
    for (const look of LOOKS) {
      const url = sheetUrls[`../../assets/sprites/${look}.png`];
      if (url) this.load.spritesheet(look, url, { frameWidth: FRAME_W, frameHeight: FRAME_H });
    }
    this.load.spritesheet('gate', gateUrl, { frameWidth: 32, frameHeight: 16 });
    this.load.spritesheet('chest', chestUrl, { frameWidth: 16, frameHeight: 16 });
    this.load.spritesheet('items', itemsUrl, { frameWidth: 16, frameHeight: 16 });
    this.load.spritesheet('icons', iconsUrl, { frameWidth: 16, frameHeight: 16 });
    this.load.image('shadow', shadowUrl);
    this.load.image('talk', talkUrl);
    this.load.image('panel', panelUrl);
    this.load.image('hud-panel', hudPanelUrl);
    this.load.image('keycap', keycapUrl);
  }

  create(): void {
    for (const look of LOOKS) {
      if (!this.textures.exists(look)) continue;
      for (const facing of ['down', 'left', 'right', 'up'] as Facing[]) {
        this.anims.create({
          key: `${look}-walk-${facing}`,
          frames: (['stepA', 'stand', 'stepB', 'stand'] as const).map((c) => ({
            key: look,
            frame: frameOf(facing, c),
          })),
          frameRate: 8,
          repeat: -1,
        });
        // Idle: stand, with a blink now and then.
        this.anims.create({
          key: `${look}-idle-${facing}`,
          frames: [
            { key: look, frame: frameOf(facing, 'stand'), duration: 2600 },
            { key: look, frame: frameOf(facing, 'blink'), duration: 140 },
          ],
          repeat: -1,
        });
        this.anims.create({
          key: `${look}-talk-${facing}`,
          frames: [
            { key: look, frame: frameOf(facing, 'talk'), duration: 130 },
            { key: look, frame: frameOf(facing, 'stand'), duration: 110 },
          ],
          repeat: -1,
        });
      }
    }
    this.anims.create({
      key: 'gate-open',
      frames: this.anims.generateFrameNumbers('gate', { start: 0, end: 3 }),
      frameRate: 8,
    });
    this.scene.start('village');
  }
}
