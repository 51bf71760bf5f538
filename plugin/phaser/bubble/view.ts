import type * as Phaser from 'phaser';
import { cleanAgentText, wrapText, type Emote, type Wrapped } from './text.js';
import { TurnReveal } from './reveal.js';
import { bubbleAlpha, bubbleHoldMs } from './lifetime.js';
import type { BubbleBox, Placement } from './layout.js';
import { RevealLabel } from './label.js';
import type { BubbleStyle } from './style.js';

const PAD_X = 8;
const PAD_Y = 6;
export const TAIL = 10;
export const RADIUS = 6;

let measureCtx: CanvasRenderingContext2D | null = null;
let measureFont = '';
function measurer(font: string): (s: string) => number {
  if (typeof document !== 'undefined') measureCtx ??= document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return (s) => s.length * 8;
  return (s) => {
    // Setting a context's font parses it again even when it is the same: only on a change.
    if (measureFont !== font) ctx.font = measureFont = font;
    return ctx.measureText(s).width;
  };
}

/** Where a bubble's speaker is and how it reveals: supplied by the plugin each frame. */
export interface BubbleSource {
  /** Writes the anchor (top centre of the speaker) in world space; false if the speaker is gone. */
  anchor(out: { x: number; y: number }): boolean;
  /** Voice playback position (ms) in turn `turnId`; null if that turn has not started playing. */
  position(turnId: number): number | null;
}

/**
 * One speaker's bubble: a Graphics body with a tail plus a RevealLabel, revealed by a TurnReveal.
 * Text is wrapped and drawn once for the whole turn, so words never jump between lines as they
 * appear. Every frame only compares numbers: the body is redrawn when its geometry changed, game
 * objects are touched when their position, alpha or visibility changed, and nothing is allocated.
 */
export class SpeechBubble {
  #bg: Phaser.GameObjects.Graphics | null = null;
  #label: RevealLabel | null = null;
  #badge: Phaser.GameObjects.Text | null = null;
  #wrapped: Wrapped = { lines: [], starts: [] };
  #emotes: Emote[] = [];
  #shown = -1;
  #boxW = 0;
  #boxH = 0;
  /** The body's shape as last drawn: tail relative to the body (whole pixels), size; NaN: draw again. */
  readonly #drawn = { baseX: NaN, baseY: NaN, tipX: NaN, tipY: NaN, w: NaN, h: NaN };
  #objectsOn = false;
  #objectsAlpha = NaN;
  readonly #box: BubbleBox = { anchorX: 0, anchorY: 0, width: 0, height: 0, priority: 0 };
  readonly #anchor = { x: 0, y: 0 };
  #startedAt = 0;
  /** When the reveal completed (null: still revealing). May be negative after fadeNow. */
  #endedAt: number | null = null;
  /** The turn this bubble shows (audio event id), or -1 for text-only / player bubbles. */
  turnId = -1;
  reveal: TurnReveal | null = null;
  /** true: reveal follows the voice's playback position; false: reading speed from startedAt. */
  #followsAudio = false;
  alpha = 0;
  priority = 0;
  /** false: the reveal still runs (the game can read `visibleText`), nothing is drawn. */
  enabled = true;

  readonly #scene: Phaser.Scene;
  #style: BubbleStyle;
  readonly #onShow: ((b: SpeechBubble) => void) | undefined;
  /** `onShow`: called when a turn starts showing (the layer then ticks this bubble every frame). */
  constructor(
    scene: Phaser.Scene,
    readonly source: BubbleSource,
    style: BubbleStyle,
    onShow?: (b: SpeechBubble) => void,
  ) {
    this.#style = style;
    this.#scene = scene;
    this.#onShow = onShow;
  }

  get visible(): boolean {
    return this.reveal !== null && this.alpha > 0;
  }

  /** Fully revealed (spoken to the last word, read, or ended): holding, then fading. */
  get finished(): boolean {
    return this.reveal !== null && this.#endedAt !== null;
  }

  /** The text now on screen (for tests and accessibility mirrors). */
  get visibleText(): string {
    return this.#label?.text ?? '';
  }

  /** A new style (a hot-reloaded NPC file) applies to the words on screen now, not just the next turn. */
  setStyle(style: BubbleStyle): void {
    this.#style = style;
    if (!this.reveal || !this.#label) return;
    this.#relayout(this.reveal.currentText);
    this.#shown = -1; // reveal the same count again into the relaid-out label
  }

  /** Start a turn. `raw` may contain expressive tags; they never reach the screen. */
  show(
    raw: string,
    now: number,
    opts: { turnId?: number; followsAudio: boolean; reveal?: TurnReveal },
  ): void {
    const clean = cleanAgentText(raw, this.#style.tags);
    this.reveal = opts.reveal ?? new TurnReveal();
    this.reveal.setText(clean.text);
    this.#emotes = clean.emotes;
    this.turnId = opts.turnId ?? -1;
    this.#followsAudio = opts.followsAudio;
    this.#startedAt = now;
    this.#endedAt = null;
    this.#shown = -1;
    this.alpha = 1;
    this.#relayout(clean.text);
    this.#onShow?.(this);
  }

  /** Replace the text with what was actually heard (agent_response_correction, or a local skip). */
  correct(raw: string, now: number): void {
    if (!this.reveal) return;
    const clean = cleanAgentText(raw, this.#style.tags);
    this.reveal.correct(clean.text);
    this.#emotes = this.#emotes.filter((e) => e.at <= clean.text.length);
    this.#relayout(clean.text);
    this.#shown = -1;
    this.end(now);
  }

  /** Keep only the first `count` characters (what was heard before a skip), then fade. */
  cutAt(count: number, now: number): void {
    if (!this.reveal) return;
    const text = this.reveal.currentText.slice(0, count).trimEnd();
    this.reveal.correct(text);
    this.#emotes = this.#emotes.filter((e) => e.at <= text.length);
    this.#relayout(text);
    this.#shown = -1;
    this.end(now);
  }

  /**
   * Skip the rest of the hold of a finished bubble: it fades from now. No effect while the turn is
   * still being revealed (a speaker still talking keeps its bubble, held at the view's edge).
   */
  fadeNow(now: number): void {
    const r = this.reveal;
    if (!r || this.#endedAt === null) return;
    this.#endedAt = Math.min(this.#endedAt, now - bubbleHoldMs(r.length));
  }

  /** The speech ended: reveal the rest and start the hold-then-fade clock. */
  end(now: number): void {
    if (!this.reveal || this.#endedAt !== null) return;
    this.reveal.end();
    this.#endedAt = now;
  }

  clear(): void {
    this.reveal = null;
    this.alpha = 0;
    this.turnId = -1;
    this.#showObjects(false);
  }

  /** Once per turn or correction (not per frame): wrap, size the box, draw the text. */
  #relayout(text: string): void {
    const s = this.#style;
    const measure = measurer(`${s.fontSize}px ${s.fontFamily}`);
    this.#wrapped = wrapText(text, s.maxWidth - 2 * PAD_X, measure);
    let w = 0;
    for (const line of this.#wrapped.lines) w = Math.max(w, measure(line));
    const lineH = Math.ceil(s.fontSize * 1.25);
    this.#boxW = Math.ceil(Math.max(w, s.fontSize) + 2 * PAD_X);
    this.#boxH = Math.max(1, this.#wrapped.lines.length) * lineH + 2 * PAD_Y;
    this.#ensureObjects();
    const label = this.#label!;
    label.setStyle({
      fontFamily: s.fontFamily,
      fontSize: s.fontSize,
      color: s.textColor,
      lineSpacing: lineH - s.fontSize - 2,
    });
    label.setWrapped(this.#wrapped);
    this.#drawn.w = NaN;
  }

  #ensureObjects(): void {
    if (this.#bg) return;
    const depth = 10_000;
    this.#bg = this.#scene.add.graphics().setDepth(depth).setVisible(false);
    this.#label = new RevealLabel(this.#scene, depth + 1);
    this.#badge = this.#scene.add
      .text(0, 0, '', { fontSize: '14px' })
      .setDepth(depth + 2)
      .setOrigin(0.5, 0.5)
      .setVisible(false);
    this.#objectsOn = false;
  }

  /**
   * Advance the reveal. `positionMs`: the voice's playback position in this bubble's turn (or null
   * if that turn is not playing yet). Returns the layout box (reused: read it before the next
   * tick), or null when nothing is shown.
   */
  tick(now: number, positionMs: number | null): BubbleBox | null {
    const r = this.reveal;
    if (!r) return null;
    let count: number;
    if (this.#followsAudio) count = positionMs === null ? r.visibleAt(-1) : r.visibleAt(positionMs);
    else count = r.visibleAt(now - this.#startedAt);
    // Fully revealed (spoken to the last word, or read): the hold-then-fade clock starts.
    if (count >= r.length && r.length > 0 && this.#endedAt === null) this.#endedAt = now;
    if (count !== this.#shown) {
      this.#shown = count;
      this.#label!.reveal(count);
      // Emotes are in text order: the last one reached shows.
      let glyph = '';
      for (let i = 0; i < this.#emotes.length && this.#emotes[i]!.at <= count; i++)
        glyph = this.#emotes[i]!.glyph;
      const badge = this.#badge!;
      if (badge.text !== glyph) badge.setText(glyph).setVisible(this.#objectsOn && glyph !== '');
    }
    this.alpha = this.#endedAt === null ? 1 : bubbleAlpha(now - this.#endedAt, r.length);
    if (this.alpha <= 0 || count === 0) {
      if (this.alpha <= 0) this.clear();
      else this.#showObjects(false);
      return null;
    }
    if (!this.enabled) {
      this.#showObjects(false);
      return null;
    }
    if (!this.source.anchor(this.#anchor)) {
      this.clear();
      return null;
    }
    const box = this.#box;
    box.anchorX = this.#anchor.x;
    box.anchorY = this.#anchor.y;
    box.width = this.#boxW;
    box.height = this.#boxH;
    box.priority = this.priority;
    return box;
  }

  #showObjects(on: boolean): void {
    if (on === this.#objectsOn || !this.#bg) return;
    this.#objectsOn = on;
    this.#bg.setVisible(on);
    this.#label!.setVisible(on);
    this.#badge!.setVisible(on && this.#badge!.text !== '');
  }

  /** Draw at a computed placement: only what changed since the last frame is touched. */
  place(p: Placement): void {
    this.#showObjects(true);
    const bg = this.#bg!,
      label = this.#label!,
      badge = this.#badge!;
    if (this.alpha !== this.#objectsAlpha) {
      this.#objectsAlpha = this.alpha;
      bg.setAlpha(this.alpha);
      label.setAlpha(this.alpha);
      badge.setAlpha(this.alpha);
    }
    label.setPosition(Math.round(p.x + PAD_X), Math.round(p.y + PAD_Y));
    const bx = p.x + this.#boxW;
    if (badge.x !== bx || badge.y !== p.y) badge.setPosition(bx, p.y);
    // The body is drawn relative to the Graphics' position: a bubble that only moves (a camera
    // scrolling a bubble held at the view's edge, a walking speaker) is moved, not redrawn. It is
    // redrawn when its size or its tail (relative to the body, to the whole pixel) changed.
    if (bg.x !== p.x || bg.y !== p.y) bg.setPosition(p.x, p.y);
    const d = this.#drawn;
    const baseX = p.baseX - p.x,
      baseY = p.baseY - p.y,
      tipX = p.tipX - p.x,
      tipY = p.tipY - p.y;
    if (
      (baseX | 0) === d.baseX &&
      (baseY | 0) === d.baseY &&
      (tipX | 0) === d.tipX &&
      (tipY | 0) === d.tipY &&
      d.w === this.#boxW &&
      d.h === this.#boxH
    )
      return;
    d.baseX = baseX | 0;
    d.baseY = baseY | 0;
    d.tipX = tipX | 0;
    d.tipY = tipY | 0;
    d.w = this.#boxW;
    d.h = this.#boxH;
    const s = this.#style;
    bg.clear();
    bg.fillStyle(s.background, 1);
    bg.lineStyle(2, s.border, 1);
    bg.fillRoundedRect(0, 0, this.#boxW, this.#boxH, RADIUS);
    bg.strokeRoundedRect(0, 0, this.#boxW, this.#boxH, RADIUS);
    // Tail: a triangle from the body edge toward the tip, at most TAIL long so a far tip does not draw a spear.
    const dx = tipX - baseX,
      dy = tipY - baseY;
    const len = Math.hypot(dx, dy) || 1;
    const reach = Math.min(len, TAIL + 4);
    const tx = baseX + (dx / len) * reach,
      ty = baseY + (dy / len) * reach;
    const nx = -dy / len,
      ny = dx / len;
    const half = 6;
    bg.fillTriangle(baseX + nx * half, baseY + ny * half, baseX - nx * half, baseY - ny * half, tx, ty);
    bg.lineBetween(baseX + nx * half, baseY + ny * half, tx, ty);
    bg.lineBetween(baseX - nx * half, baseY - ny * half, tx, ty);
  }

  destroy(): void {
    this.#bg?.destroy();
    this.#label?.destroy();
    this.#badge?.destroy();
    this.#bg = this.#label = this.#badge = null;
    this.reveal = null;
  }
}
