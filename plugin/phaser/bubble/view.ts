import type * as Phaser from 'phaser';
import type { NpcBubbleStyle } from '../../npc/types.js';
import { cleanAgentText, visiblePrefix, wrapText, type Emote, type TagMode, type Wrapped } from './text.js';
import { TurnReveal } from './reveal.js';
import { bubbleAlpha } from './lifetime.js';
import { layoutBubbles, type BubbleBox, type Placement, type Rect } from './layout.js';

/** Resolved bubble style (the NPC file's `bubble` section with defaults). */
export interface BubbleStyle {
  maxWidth: number;
  fontFamily: string;
  fontSize: number;
  textColor: string;
  background: number;
  border: number;
  tags: TagMode;
}

export const DEFAULT_BUBBLE_STYLE: BubbleStyle = {
  maxWidth: 220,
  fontFamily: 'sans-serif',
  fontSize: 14,
  textColor: '#1b1b1b',
  background: 0xffffff,
  border: 0x333333,
  tags: 'emote',
};

function parseColor(s: string | undefined, fallback: number): number {
  if (!s) return fallback;
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s.trim());
  if (!m) return fallback;
  let hex = m[1]!;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  return parseInt(hex, 16);
}

export function resolveBubbleStyle(
  s: Partial<NpcBubbleStyle> | undefined,
  base = DEFAULT_BUBBLE_STYLE,
): BubbleStyle {
  return {
    maxWidth: s?.max_width ?? base.maxWidth,
    fontFamily: s?.font_family ?? base.fontFamily,
    fontSize: s?.font_size ?? base.fontSize,
    textColor: s?.text_color ?? base.textColor,
    background: parseColor(s?.background, base.background),
    border: parseColor(s?.border, base.border),
    tags: s?.tags ?? base.tags,
  };
}

const PAD_X = 8;
const PAD_Y = 6;
const TAIL = 10;
const RADIUS = 6;

let measureCtx: CanvasRenderingContext2D | null = null;
function measurer(font: string): (s: string) => number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return (s) => s.length * 8;
  return (s) => {
    ctx.font = font;
    return ctx.measureText(s).width;
  };
}

/** Where a bubble's speaker is and how it reveals: supplied by the plugin each frame. */
export interface BubbleSource {
  /** Anchor (top centre of the speaker) in world space, or null if the speaker is gone. */
  anchor(): { x: number; y: number } | null;
  /** Voice playback position (ms) in turn `turnId`; null if that turn has not started playing. */
  position(turnId: number): number | null;
}

/**
 * One speaker's bubble: a Graphics body with a tail plus a Text, revealed by a TurnReveal. Text is
 * wrapped once for the whole turn, so words never jump between lines as they appear.
 */
export class SpeechBubble {
  #bg: Phaser.GameObjects.Graphics | null = null;
  #label: Phaser.GameObjects.Text | null = null;
  #badge: Phaser.GameObjects.Text | null = null;
  #wrapped: Wrapped = { lines: [], starts: [] };
  #emotes: Emote[] = [];
  #shown = -1;
  #boxW = 0;
  #boxH = 0;
  #lastPlacement = '';
  #startedAt = 0;
  #endedAt = -1;
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
  constructor(
    scene: Phaser.Scene,
    readonly source: BubbleSource,
    style: BubbleStyle,
  ) {
    this.#style = style;
    this.#scene = scene;
  }

  get visible(): boolean {
    return this.reveal !== null && this.alpha > 0;
  }

  /** The text now on screen (for tests and accessibility mirrors). */
  get visibleText(): string {
    return this.#label?.text ?? '';
  }

  setStyle(style: BubbleStyle): void {
    this.#style = style;
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
    this.#endedAt = -1;
    this.#shown = -1;
    this.alpha = 1;
    this.#relayout(clean.text);
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

  /** The speech ended: reveal the rest and start the hold-then-fade clock. */
  end(now: number): void {
    if (!this.reveal || this.#endedAt >= 0) return;
    this.reveal.end();
    this.#endedAt = now;
  }

  clear(): void {
    this.reveal = null;
    this.alpha = 0;
    this.turnId = -1;
    this.#bg?.setVisible(false);
    this.#label?.setVisible(false);
    this.#badge?.setVisible(false);
  }

  #relayout(text: string): void {
    const s = this.#style;
    const font = `${s.fontSize}px ${s.fontFamily}`;
    const measure = measurer(font);
    this.#wrapped = wrapText(text, s.maxWidth - 2 * PAD_X, measure);
    let w = 0;
    for (const line of this.#wrapped.lines) w = Math.max(w, measure(line));
    const lineH = Math.ceil(s.fontSize * 1.25);
    this.#boxW = Math.ceil(Math.max(w, s.fontSize) + 2 * PAD_X);
    this.#boxH = Math.max(1, this.#wrapped.lines.length) * lineH + 2 * PAD_Y;
    this.#ensureObjects();
    this.#label!.setStyle({ fontFamily: s.fontFamily, fontSize: `${s.fontSize}px`, color: s.textColor });
    this.#label!.setLineSpacing(lineH - s.fontSize - 2);
    this.#lastPlacement = '';
  }

  #ensureObjects(): void {
    if (this.#bg) return;
    const depth = 10_000;
    this.#bg = this.#scene.add.graphics().setDepth(depth);
    this.#label = this.#scene.add.text(0, 0, '', {}).setDepth(depth + 1);
    this.#badge = this.#scene.add
      .text(0, 0, '', { fontSize: '14px' })
      .setDepth(depth + 2)
      .setOrigin(0.5, 0.5);
  }

  /**
   * Advance the reveal. `positionMs`: the voice's playback position in this bubble's turn (or null
   * if that turn is not playing yet). Returns the layout box, or null when nothing is shown.
   */
  tick(now: number, positionMs: number | null): BubbleBox | null {
    const r = this.reveal;
    if (!r) return null;
    let count: number;
    if (this.#followsAudio) count = positionMs === null ? r.visibleAt(-1) : r.visibleAt(positionMs);
    else count = r.visibleAt(now - this.#startedAt);
    // Fully revealed (spoken to the last word, or read): the hold-then-fade clock starts.
    if (count >= r.length && r.length > 0 && this.#endedAt < 0) this.#endedAt = now;
    if (count !== this.#shown) {
      this.#shown = count;
      this.#label!.setText(visiblePrefix(this.#wrapped, count));
      const emote = this.#emotes.filter((e) => e.at <= count).pop();
      this.#badge!.setText(emote ? emote.glyph : '');
    }
    this.alpha = this.#endedAt < 0 ? 1 : bubbleAlpha(now - this.#endedAt, r.length);
    if (this.alpha <= 0 || count === 0) {
      if (this.alpha <= 0) this.clear();
      else this.#hideObjects();
      return null;
    }
    if (!this.enabled) {
      this.#hideObjects();
      return null;
    }
    const a = this.source.anchor();
    if (!a) {
      this.clear();
      return null;
    }
    return { anchorX: a.x, anchorY: a.y, width: this.#boxW, height: this.#boxH, priority: this.priority };
  }

  #hideObjects(): void {
    this.#bg?.setVisible(false);
    this.#label?.setVisible(false);
    this.#badge?.setVisible(false);
  }

  /** Draw at a computed placement (redraws the body only when the geometry changed). */
  place(p: Placement): void {
    const bg = this.#bg!,
      label = this.#label!,
      badge = this.#badge!;
    bg.setVisible(true).setAlpha(this.alpha);
    label
      .setVisible(true)
      .setAlpha(this.alpha)
      .setPosition(Math.round(p.x + PAD_X), Math.round(p.y + PAD_Y));
    badge
      .setVisible(badge.text !== '')
      .setAlpha(this.alpha)
      .setPosition(p.x + this.#boxW, p.y);
    const key = `${p.x | 0},${p.y | 0},${p.tipX | 0},${p.tipY | 0},${this.#boxW},${this.#boxH}`;
    if (key === this.#lastPlacement) return;
    this.#lastPlacement = key;
    const s = this.#style;
    bg.clear();
    bg.fillStyle(s.background, 1);
    bg.lineStyle(2, s.border, 1);
    bg.fillRoundedRect(p.x, p.y, this.#boxW, this.#boxH, RADIUS);
    bg.strokeRoundedRect(p.x, p.y, this.#boxW, this.#boxH, RADIUS);
    // Tail: a triangle from the body edge toward the tip, at most TAIL long so a far tip does not draw a spear.
    const dx = p.tipX - p.baseX,
      dy = p.tipY - p.baseY;
    const len = Math.hypot(dx, dy) || 1;
    const reach = Math.min(len, TAIL + 4);
    const tx = p.baseX + (dx / len) * reach,
      ty = p.baseY + (dy / len) * reach;
    const nx = -dy / len,
      ny = dx / len;
    const half = 6;
    bg.fillTriangle(
      p.baseX + nx * half,
      p.baseY + ny * half,
      p.baseX - nx * half,
      p.baseY - ny * half,
      tx,
      ty,
    );
    bg.lineBetween(p.baseX + nx * half, p.baseY + ny * half, tx, ty);
    bg.lineBetween(p.baseX - nx * half, p.baseY - ny * half, tx, ty);
  }

  destroy(): void {
    this.#bg?.destroy();
    this.#label?.destroy();
    this.#badge?.destroy();
    this.#bg = this.#label = this.#badge = null;
    this.reveal = null;
  }
}

const NO_AREAS: readonly Rect[] = [];

/** Lays out every visible bubble of a scene each frame. */
export class BubbleLayer {
  readonly bubbles = new Set<SpeechBubble>();
  readonly #boxes: BubbleBox[] = [];
  readonly #live: SpeechBubble[] = [];
  readonly #avoid: Rect[] = [];

  readonly #scene: Phaser.Scene;
  constructor(scene: Phaser.Scene) {
    this.#scene = scene;
  }

  create(source: BubbleSource, style: BubbleStyle): SpeechBubble {
    const b = new SpeechBubble(this.#scene, source, style);
    this.bubbles.add(b);
    return b;
  }

  remove(b: SpeechBubble): void {
    b.destroy();
    this.bubbles.delete(b);
  }

  /** `avoidScreen`: areas of the game canvas (pixels) that bubbles keep out of, e.g. HUD panels. */
  update(now: number, avoidScreen?: () => readonly Rect[]): void {
    this.#boxes.length = 0;
    this.#live.length = 0;
    for (const b of this.bubbles) {
      if (!b.reveal) continue;
      const box = b.tick(now, b.source.position(b.turnId));
      if (box) {
        this.#boxes.push(box);
        this.#live.push(b);
      }
    }
    if (this.#live.length === 0) return;
    const cam = this.#scene.cameras.main;
    const view = cam.worldView;
    // Canvas pixels to world: the camera's viewport maps onto its world view (zoom; no rotation).
    const kx = view.width / (cam.width || 1),
      ky = view.height / (cam.height || 1);
    const avoid = this.#avoid;
    const screen = avoidScreen?.() ?? NO_AREAS;
    avoid.length = screen.length;
    for (let i = 0; i < screen.length; i++) {
      const r = screen[i]!;
      const w = (avoid[i] ??= { x: 0, y: 0, width: 0, height: 0 });
      w.x = view.x + (r.x - cam.x) * kx;
      w.y = view.y + (r.y - cam.y) * ky;
      w.width = r.width * kx;
      w.height = r.height * ky;
    }
    const placed = layoutBubbles(this.#boxes, view, { tail: TAIL, radius: RADIUS, avoid });
    for (let i = 0; i < this.#live.length; i++) this.#live[i]!.place(placed[i]!);
  }

  clear(): void {
    for (const b of this.bubbles) b.clear();
  }

  destroy(): void {
    for (const b of this.bubbles) b.destroy();
    this.bubbles.clear();
  }
}

/** The player's bubble (what they said or typed): light blue, tags dropped, drawn above NPC bubbles. */
export function createPlayerBubble(
  layer: BubbleLayer,
  anchor: () => { x: number; y: number } | null,
  style: Partial<NpcBubbleStyle> | undefined,
): SpeechBubble {
  const b = layer.create(
    { anchor, position: () => null },
    resolveBubbleStyle(style, { ...DEFAULT_BUBBLE_STYLE, background: 0xe8f4ff, tags: 'drop' }),
  );
  b.priority = 1;
  return b;
}
