import type { NpcBubbleStyle } from '../../npc/types.js';
import type { TagMode } from './text.js';

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
