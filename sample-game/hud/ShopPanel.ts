/** Mira's shop: opened by her `open_shop` client tool. Click an item or press 1-4 to buy; Esc closes. */
import * as Phaser from 'phaser';
import { ITEMS, ITEM_NAMES } from '../game/looks.js';
import { SHOP, type GameState } from '../game/state.js';
import { FONT, text } from './widgets.js';

export class ShopPanel {
  readonly #root: Phaser.GameObjects.Container;
  readonly #status: Phaser.GameObjects.Text;
  readonly #goldText: Phaser.GameObjects.Text;
  readonly #keys: Phaser.Input.Keyboard.Key[] = [];
  readonly #scene: Phaser.Scene;
  readonly #state: GameState;

  constructor(scene: Phaser.Scene, state: GameState, title: string) {
    this.#state = state;
    this.#scene = scene;
    const { width, height } = scene.scale;
    const w = 380;
    const h = 330;
    this.#root = scene.add
      .container(Math.round(width / 2 - w / 2), Math.round(height / 2 - h / 2 - 20))
      .setDepth(100);
    const bg = scene.add
      .nineslice(0, 0, 'panel', undefined, w / 2, h / 2, 6, 6, 6, 6)
      .setOrigin(0, 0)
      .setScale(2);
    const heading = scene.add.text(w / 2, 18, title, {
      fontFamily: 'Georgia, DejaVu Serif, serif',
      fontSize: '24px',
      color: '#5e3b27',
      fontStyle: 'bold',
    });
    heading.setOrigin(0.5, 0);
    // Your purse, bottom left: the coin icon and the count.
    const coin = scene.add.image(40, h - 28, 'items', ITEMS.indexOf('coin')).setScale(1.5);
    this.#goldText = scene.add
      .text(56, h - 28, '', { fontFamily: FONT, fontSize: '15px', color: '#8a5a3a', fontStyle: 'bold' })
      .setOrigin(0, 0.5);
    this.#root.add([bg, heading, this.#goldText, coin]);
    SHOP.forEach((offer, i) => {
      const y = 70 + i * 44;
      const row = scene.add
        .rectangle(20, y - 4, w - 40, 38, 0xe8d6aa)
        .setOrigin(0, 0)
        .setInteractive({ useHandCursor: true });
      row.on('pointerover', () => row.setFillStyle(0xf8ecc8));
      row.on('pointerout', () => row.setFillStyle(0xe8d6aa));
      row.on('pointerdown', () => this.buy(offer.item));
      const icon = scene.add.image(44, y + 15, 'items', ITEMS.indexOf(offer.item)).setScale(2);
      const num = scene.add.text(28, y + 4, `${i + 1}`, {
        fontFamily: FONT,
        fontSize: '11px',
        color: '#8a5a3a',
      });
      const name = scene.add.text(70, y + 5, ITEM_NAMES[offer.item] ?? offer.item, {
        fontFamily: FONT,
        fontSize: '17px',
        color: '#2b1d2f',
      });
      const price = scene.add
        .text(w - 34, y + 5, `${offer.price} gold`, {
          fontFamily: FONT,
          fontSize: '17px',
          color: '#5e3b27',
          fontStyle: 'bold',
        })
        .setOrigin(1, 0);
      this.#root.add([row, icon, num, name, price]);
      const key = scene.input.keyboard!.addKey(Phaser.Input.Keyboard.KeyCodes.ONE + i);
      key.on('down', () => this.buy(offer.item));
      this.#keys.push(key);
    });
    this.#status = scene.add
      .text(w / 2, h - 78, 'Click an item or press 1-4 to buy.', {
        fontFamily: FONT,
        fontSize: '14px',
        color: '#6b4a2e',
        align: 'center',
        wordWrap: { width: w - 40 },
      })
      .setOrigin(0.5, 0);
    const close = text(scene, w - 18, 4, '×', 24, '#5e3b27', { stroke: '#f3e6c4', strokeThickness: 0 })
      .setOrigin(1, 0)
      .setInteractive({ useHandCursor: true });
    close.on('pointerdown', () => this.destroy());
    this.#root.add([this.#status, close]);
    this.#refresh();
    state.on('changed', this.#refresh, this);
    this.#root.setScale(0.9).setAlpha(0);
    scene.tweens.add({ targets: this.#root, scale: 1, alpha: 1, duration: 140, ease: 'Back.out' });
  }

  /** Where the panel covers the screen (the speech bubbles keep out of it). */
  get rect(): { x: number; y: number; width: number; height: number } {
    const b = this.#root.getBounds();
    return { x: b.x, y: b.y, width: b.width, height: b.height };
  }

  get open(): boolean {
    return this.#root.active;
  }

  #refresh(): void {
    this.#goldText.setText(`You have ${this.#state.gold} gold`);
  }

  buy(item: string): void {
    this.#status.setText(this.#state.buy(item));
  }

  destroy(): void {
    if (!this.#root.active) return;
    this.#state.off('changed', this.#refresh, this);
    for (const k of this.#keys) this.#scene.input.keyboard?.removeKey(k, true);
    this.#root.destroy();
  }
}
