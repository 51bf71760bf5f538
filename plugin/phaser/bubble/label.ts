import type * as Phaser from 'phaser';
import { revealSplit, visiblePrefix, type RevealSplit, type Wrapped } from './text.js';

/** How a label is drawn: the bubble's font and colour, and the spacing its box was sized for. */
interface LabelStyle {
  fontFamily: string;
  fontSize: number;
  color: string;
  lineSpacing: number;
}

const sameStyle = (a: LabelStyle | null, b: LabelStyle) =>
  a !== null &&
  a.fontFamily === b.fontFamily &&
  a.fontSize === b.fontSize &&
  a.color === b.color &&
  a.lineSpacing === b.lineSpacing;

/**
 * Advance of each character per font (`${fontSize}px ${fontFamily}`), shared by every label: a
 * conversation's bubble is new each time the player walks up to an NPC, and measuring its
 * characters again (canvas measureText, several µs a call) showed in the frame time.
 */
const advances = new Map<string, Map<string, number>>();

/**
 * A bubble's text, revealed without re-rendering it. Phaser's `Text.setText` re-measures the text,
 * redraws its canvas and uploads the texture again; called for every revealed character it was most
 * of the plugin's frame time with bubbles on screen. Here the whole wrapped text is drawn once per
 * turn into two Text objects, and a reveal step only moves their crop rectangles: one shows the
 * lines revealed in full, the other the revealed part of the next line (a prefix of wrapped text is
 * exactly those two rectangles). Characters appear one by one, as before.
 */
export class RevealLabel {
  readonly #whole: Phaser.GameObjects.Text;
  readonly #part: Phaser.GameObjects.Text;
  #wrapped: Wrapped = { lines: [], starts: [] };
  #style: LabelStyle | null = null;
  /** Distance between the tops of two lines in the rendered text (px). */
  #pitch = 0;
  /** Characters revealed; -1 after a new text or style (the crops must be set again). */
  #count = -1;
  readonly #split: RevealSplit = { rows: 0, chars: 0 };
  #wholeOn = false;
  #partOn = false;
  #visible = false;
  #x = NaN;
  #y = NaN;
  #alpha = NaN;
  /** Rows the whole-lines crop shows now (-1: set it again). */
  #rows = -1;
  /** Exact width of the partial line up to the start of the word being revealed (see #partWidth). */
  #wordRow = -1;
  #wordStart = -1;
  #wordX = 0;
  /** Advance of each character in this style's font, measured once per character and font. */
  #advance = new Map<string, number>();
  /** visiblePrefix for #prefixCount, built only when someone reads `text`. */
  #prefix = '';
  #prefixCount = 0;

  constructor(scene: Phaser.Scene, depth: number) {
    this.#whole = scene.add.text(0, 0, '', {}).setDepth(depth).setVisible(false);
    this.#part = scene.add.text(0, 0, '', {}).setDepth(depth).setVisible(false);
  }

  /** Re-renders only when the style differs from the one in use (once per bubble, then on hot reload). */
  setStyle(s: LabelStyle): void {
    if (sameStyle(this.#style, s)) return;
    this.#style = { ...s };
    for (const t of [this.#whole, this.#part]) {
      t.setStyle({ fontFamily: s.fontFamily, fontSize: `${s.fontSize}px`, color: s.color });
      t.setLineSpacing(s.lineSpacing);
    }
    const font = `${s.fontSize}px ${s.fontFamily}`;
    let adv = advances.get(font);
    if (!adv) advances.set(font, (adv = new Map()));
    this.#advance = adv;
    this.#measure();
  }

  /** A new text (a turn, a correction): drawn here, once per Text; shown as reveal() says. */
  setWrapped(w: Wrapped): void {
    this.#wrapped = w;
    const text = w.lines.join('\n');
    this.#whole.setText(text); // no-op when the text is the same (Phaser compares)
    this.#part.setText(text);
    this.#measure();
  }

  #measure(): void {
    const t = this.#whole;
    const rows = Math.max(1, this.#wrapped.lines.length);
    // Phaser's Text height: rows × line height + (rows − 1) × line spacing + padding.
    const pad = t.padding;
    this.#pitch = (t.height - (pad.top ?? 0) - (pad.bottom ?? 0) + t.lineSpacing) / rows;
    // A redraw may resize the texture: crops are in its pixels, so set them again.
    this.#count = -1;
    this.#rows = -1;
    this.#wordRow = -1;
    this.#prefixCount = -1;
  }

  /** Show the first `count` characters. Only moves crop rectangles; nothing is redrawn. */
  reveal(count: number): void {
    if (count === this.#count) return;
    this.#count = count;
    const sp = revealSplit(this.#wrapped, count, this.#split);
    const whole = this.#whole,
      part = this.#part;
    const res = whole.style.resolution || 1;
    const top = whole.padding.top ?? 0,
      left = whole.padding.left ?? 0;
    this.#wholeOn = sp.rows > 0;
    if (this.#wholeOn) whole.setCrop(0, 0, whole.width * res, (top + sp.rows * this.#pitch) * res);
    this.#partOn = sp.chars > 0;
    if (this.#partOn) {
      // Not measureText of the whole prefix per step: that shaped the line for every character
      // (~30 µs of a 200-NPC frame); #partWidth measures once per word.
      const w = this.#partWidth(sp.rows, sp.chars);
      part.setCrop(0, (top + sp.rows * this.#pitch) * res, (left + Math.ceil(w)) * res, this.#pitch * res);
    }
    this.#applyVisible();
  }

  /**
   * Width of the first `chars` characters of line `row` as drawn. canvas measureText shapes the
   * whole string (tens of µs for a line), so it runs once per word: the exact width up to the start
   * of the word being revealed, plus the cached advances of the word's characters so far (only
   * kerning inside that word is left out: well under a pixel per pair, and gone when the next word
   * starts). The Text's own context still has its font from the render, so widths match the drawing.
   */
  #partWidth(row: number, chars: number): number {
    const line = this.#wrapped.lines[row]!;
    const start = line.lastIndexOf(' ', chars - 1) + 1;
    const ctx = this.#part.context;
    if (row !== this.#wordRow || start !== this.#wordStart) {
      this.#wordRow = row;
      this.#wordStart = start;
      this.#wordX = start > 0 ? ctx.measureText(line.slice(0, start)).width : 0;
    }
    let w = this.#wordX;
    for (let i = start; i < chars; i++) {
      const c = line[i]!;
      let a = this.#advance.get(c);
      if (a === undefined) this.#advance.set(c, (a = ctx.measureText(c).width));
      w += a;
    }
    return w;
  }

  /** The revealed characters on their lines (what a player reads now). */
  get text(): string {
    const n = Math.max(0, this.#count);
    if (n !== this.#prefixCount) {
      this.#prefix = visiblePrefix(this.#wrapped, n);
      this.#prefixCount = n;
    }
    return this.#prefix;
  }

  setVisible(on: boolean): void {
    if (on === this.#visible) return;
    this.#visible = on;
    this.#applyVisible();
  }

  #applyVisible(): void {
    this.#whole.setVisible(this.#visible && this.#wholeOn);
    this.#part.setVisible(this.#visible && this.#partOn);
  }

  setAlpha(a: number): void {
    if (a === this.#alpha) return;
    this.#alpha = a;
    this.#whole.setAlpha(a);
    this.#part.setAlpha(a);
  }

  setPosition(x: number, y: number): void {
    if (x === this.#x && y === this.#y) return;
    this.#x = x;
    this.#y = y;
    this.#whole.setPosition(x, y);
    this.#part.setPosition(x, y);
  }

  destroy(): void {
    this.#whole.destroy();
    this.#part.destroy();
  }
}
