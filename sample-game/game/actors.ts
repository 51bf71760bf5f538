/** The player (walks with WASD/arrows, collides) and the village NPCs (idle, turn to face the player, talk). */
import * as Phaser from 'phaser';
import { frameOf, lookFor, type Facing } from './looks.js';

const WALK_SPEED = 84;

function addShadow(scene: Phaser.Scene): Phaser.GameObjects.Image {
  return scene.add.image(0, 0, 'shadow').setDepth(2.5);
}

export class Player {
  readonly sprite: Phaser.Physics.Arcade.Sprite;
  readonly #shadow: Phaser.GameObjects.Image;
  facing: Facing = 'up';
  readonly #keys: Record<'up' | 'down' | 'left' | 'right' | 'w' | 'a' | 's' | 'd', Phaser.Input.Keyboard.Key>;
  /** False while the player types or a panel is open. */
  canMove = true;

  constructor(scene: Phaser.Scene, x: number, y: number) {
    this.sprite = scene.physics.add.sprite(x, y, 'player', 0).setOrigin(0.5, 1);
    // A small body at the feet: the head may overlap walls above, as in any top-down RPG.
    this.sprite.body!.setSize(10, 6).setOffset(3, 18);
    this.sprite.setCollideWorldBounds(true);
    this.#shadow = addShadow(scene);
    const kb = scene.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    this.#keys = {
      up: kb.addKey(K.UP),
      down: kb.addKey(K.DOWN),
      left: kb.addKey(K.LEFT),
      right: kb.addKey(K.RIGHT),
      w: kb.addKey(K.W),
      a: kb.addKey(K.A),
      s: kb.addKey(K.S),
      d: kb.addKey(K.D),
    };
    this.sprite.anims.play('player-idle-up');
  }

  get x(): number {
    return this.sprite.x;
  }
  /** The feet: what distances to NPCs are measured from. */
  get y(): number {
    return this.sprite.y;
  }

  update(): void {
    const k = this.#keys;
    let dx = 0;
    let dy = 0;
    if (this.canMove) {
      if (k.left.isDown || k.a.isDown) dx -= 1;
      if (k.right.isDown || k.d.isDown) dx += 1;
      if (k.up.isDown || k.w.isDown) dy -= 1;
      if (k.down.isDown || k.s.isDown) dy += 1;
    }
    const len = Math.hypot(dx, dy) || 1;
    this.sprite.setVelocity((dx / len) * WALK_SPEED, (dy / len) * WALK_SPEED);
    if (dx || dy) {
      // Prefer the horizontal facing on diagonals only when it is the newer key: keeps turning natural.
      this.facing =
        Math.abs(dx) > 0 && (Math.abs(dy) === 0 || this.facing === 'left' || this.facing === 'right')
          ? dx < 0
            ? 'left'
            : 'right'
          : dy < 0
            ? 'up'
            : 'down';
      this.sprite.anims.play(`player-walk-${this.facing}`, true);
    } else this.sprite.anims.play(`player-idle-${this.facing}`, true);
    this.sprite.setDepth(3 + this.sprite.y / 10000);
    this.#shadow.setPosition(Math.round(this.sprite.x), Math.round(this.sprite.y) - 1);
  }

  get moving(): boolean {
    const b = this.sprite.body as Phaser.Physics.Arcade.Body;
    return b.velocity.lengthSq() > 1;
  }
}

export class NpcActor {
  readonly sprite: Phaser.GameObjects.Sprite;
  /** A small static body at the feet so the player bumps into NPCs instead of walking through them. */
  readonly blocker: Phaser.GameObjects.Zone;
  readonly look: string;
  readonly marker: Phaser.GameObjects.Image;
  readonly label: Phaser.GameObjects.Text;
  readonly #home: Facing;
  #facing: Facing;
  /** The voice level while the NPC speaks (0..1), driven by the plugin's mouth hook; null when silent. */
  mouth: number | null = null;
  /** Mirrors of the plugin's view of this NPC, for the HUD and the read-only debug handle. */
  state = 'idle';
  said = '';
  bubble = '';

  constructor(
    scene: Phaser.Scene,
    readonly id: string,
    public name: string,
    x: number,
    y: number,
    facing: Facing,
  ) {
    this.look = lookFor(id);
    this.#home = facing;
    this.#facing = facing;
    addShadow(scene).setPosition(x, y - 1);
    this.sprite = scene.add.sprite(x, y, this.look, 0).setOrigin(0.5, 1);
    this.sprite.setDepth(3 + y / 10000).setName(id);
    this.blocker = scene.add.zone(x, y - 3, 12, 6);
    scene.physics.add.existing(this.blocker, true);
    // Stagger idle animations so the village does not blink in unison.
    this.sprite.anims.play({
      key: `${this.look}-idle-${facing}`,
      startFrame: 0,
      delay: (x * 7 + y * 13) % 2000,
    });
    this.marker = scene.add
      .image(x, y - 30, 'talk')
      .setDepth(9000)
      .setVisible(false);
    scene.tweens.add({
      targets: this.marker,
      y: y - 32,
      duration: 500,
      yoyo: true,
      repeat: -1,
      ease: 'Sine.inOut',
    });
    this.label = scene.add
      .text(x, y + 2, name, {
        fontFamily: 'DejaVu Sans, sans-serif',
        fontSize: '7px',
        color: '#fff6dc',
        stroke: '#2b1d2f',
        strokeThickness: 2,
        resolution: 4,
      })
      .setOrigin(0.5, 0)
      .setDepth(9000)
      .setAlpha(0);
  }

  get x(): number {
    return this.sprite.x;
  }
  get y(): number {
    return this.sprite.y;
  }

  /** Face the player when they are close, return home when they leave; the mouth moves with the voice. */
  update(px: number, py: number, near: boolean): void {
    let want = this.#home;
    if (near) {
      const dx = px - this.x;
      const dy = py - this.y;
      want = Math.abs(dx) > Math.abs(dy) ? (dx < 0 ? 'left' : 'right') : dy < 0 ? 'up' : 'down';
    }
    this.#facing = want;
    if (this.mouth !== null) {
      this.sprite.anims.stop();
      this.sprite.setFrame(frameOf(want, this.mouth > 0.04 ? 'talk' : 'stand'));
    } else {
      const key = `${this.look}-idle-${want}`;
      if (this.sprite.anims.currentAnim?.key !== key || !this.sprite.anims.isPlaying)
        this.sprite.anims.play(key, true);
    }
    this.label.setAlpha(near ? 1 : 0);
  }
}
