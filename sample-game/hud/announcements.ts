import * as Phaser from 'phaser';
import { ITEMS } from '../game/looks.js';
import { text } from './widgets.js';

/**
 * What the HUD announces over the game: toasts (an item got, a step done), the centre banner and
 * the ending card. Each is made when needed and goes away by itself.
 */
export class Announcements {
  readonly #scene: Phaser.Scene;
  #toasts: Phaser.GameObjects.Container[] = [];
  #bannerText: Phaser.GameObjects.Text | null = null;
  /** The ending card once the quest is done (for tests: `endingShown`). */
  #endingCard: Phaser.GameObjects.Text | null = null;

  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  /** The ending card's text while it is up, or ''. */
  get endingShown(): string {
    return this.#endingCard?.active && this.#endingCard.alpha > 0.5 ? this.#endingCard.text : '';
  }

  /** The centre banner once it has fully faded in, or ''. */
  get bannerShown(): string {
    const t = this.#bannerText;
    return t?.active && t.alpha >= 1 ? t.text : '';
  }

  /** A short note near the bottom (an item got, a step done), with the item's icon. */
  toast(message: string, icon?: string): void {
    const s = this.#scene;
    const { width, height } = s.scale;
    const c = s.add.container(width / 2, height - 100);
    const t = text(s, 0, 0, message, 15).setOrigin(0.5);
    const w = t.width + (icon ? 56 : 32);
    const bg = s.add.nineslice(-w / 2, -18, 'hud-panel', undefined, w, 36, 6, 6, 6, 6).setOrigin(0, 0);
    c.add([bg, t]);
    if (icon && ITEMS.includes(icon)) {
      t.setX(12);
      c.add(s.add.image(-w / 2 + 20, 0, 'items', ITEMS.indexOf(icon)).setScale(1.5));
    }
    for (const other of this.#toasts) s.tweens.add({ targets: other, y: other.y - 42, duration: 150 });
    this.#toasts.push(c);
    c.setAlpha(0);
    s.tweens.add({ targets: c, alpha: 1, duration: 150 });
    s.time.delayedCall(3800, () =>
      s.tweens.add({
        targets: c,
        alpha: 0,
        duration: 400,
        onComplete: () => {
          this.#toasts = this.#toasts.filter((x) => x !== c);
          c.destroy();
        },
      }),
    );
  }

  /**
   * The ending card: the story's last words, how long it took, and how to play again (R, unless
   * the player is typing; any other key closes it and the village stays open).
   */
  ending(minutes: number, typing: () => boolean, playAgain: () => void): void {
    const s = this.#scene;
    const { width, height } = s.scale;
    const lines = [
      'The Moonwell glows again.',
      '',
      'Mira sold you the light, Aldric trusted you with the word,',
      'Brenna opened the gate, and the Whispering Woods remembered you.',
      '',
      `Thornbury will tell this story for years. (${minutes} min)`,
      '',
      'Press R to play again, or keep exploring.',
    ];
    const card = s.add
      .text(width / 2, height / 2, lines.join('\n'), {
        fontFamily: 'Georgia, DejaVu Serif, serif',
        fontSize: '20px',
        color: '#f3ead6',
        align: 'center',
        backgroundColor: 'rgba(20,14,30,0.88)',
        padding: { x: 24, y: 18 },
        lineSpacing: 6,
      })
      .setOrigin(0.5)
      .setDepth(10_000)
      .setAlpha(0);
    this.#endingCard = card;
    s.tweens.add({ targets: card, alpha: 1, duration: 900 });
    const keyboard = s.input.keyboard!;
    const again = keyboard.addKey(Phaser.Input.Keyboard.KeyCodes.R);
    // Closed, the card takes R with it: a player who kept exploring must not restart by pressing R later.
    const close = () => {
      keyboard.off('keydown', closeOnKey);
      again.off('down', restart);
      keyboard.removeKey(again);
      card.destroy();
    };
    const restart = () => {
      if (typing()) return;
      close();
      playAgain();
    };
    // Any other key just closes the card: the village stays open to explore.
    const closeOnKey = (e: KeyboardEvent) => {
      if (e.keyCode !== Phaser.Input.Keyboard.KeyCodes.R) close();
    };
    again.on('down', restart);
    s.time.delayedCall(1200, () => {
      if (card.active) keyboard.on('keydown', closeOnKey);
    });
  }

  /** The centre banner (e.g. quest complete): fades in, holds, fades out. */
  banner(message: string): void {
    const s = this.#scene;
    const { width, height } = s.scale;
    const t = s.add
      .text(width / 2, height / 2 - 120, message, {
        fontFamily: 'Georgia, DejaVu Serif, serif',
        fontSize: '28px',
        color: '#f4d35e',
        stroke: '#2b1d2f',
        strokeThickness: 6,
      })
      .setOrigin(0.5)
      .setAlpha(0);
    this.#bannerText = t;
    s.tweens.add({
      targets: t,
      alpha: 1,
      y: t.y - 10,
      duration: 600,
      hold: 3500,
      yoyo: true,
      onComplete: () => t.destroy(),
    });
  }
}
