/** Animated props (gate, chest), item icons, and UI bits (mic, speaker, panels, key caps, shadow). */
import { Canvas, hex, type RGBA } from './canvas.js';
import { P } from './palette.js';

/** 4 frames of 32x16: closed, opening, opening, open. */
export function gateSheet(): Canvas {
  const c = new Canvas(32 * 4, 16);
  for (let f = 0; f < 4; f++) {
    const ox = f * 32;
    const w = [16, 11, 6, 3][f]!;
    for (const side of [0, 1]) {
      const x0 = side === 0 ? ox : ox + 32 - w;
      c.rect(x0, 1, w, 14, P.outline);
      if (w > 2) {
        c.rect(x0 + 1, 2, w - 2, 12, P.wood);
        for (let x = x0 + 1; x < x0 + w - 1; x += 3) c.vline(x, 2, 13, P.woodDark);
        c.hline(x0 + 1, x0 + w - 2, 2, P.woodLight);
        c.hline(x0 + 1, x0 + w - 2, 5, P.stoneDark);
        c.hline(x0 + 1, x0 + w - 2, 11, P.stoneDark);
      }
      if (f === 0) {
        // a padlock where the doors meet
        c.rect(ox + 14, 6, 4, 4, P.outline);
        c.rect(ox + 15, 7, 2, 2, P.gold);
        c.set(ox + 15, 5, P.outline);
        c.set(ox + 16, 5, P.outline);
      }
    }
    c.hline(ox + 2, ox + 29, 15, P.shadow);
  }
  return c;
}

/** 2 frames of 16x16: closed, open (with a glint). */
export function chestSheet(): Canvas {
  const c = new Canvas(32, 16);
  for (let f = 0; f < 2; f++) {
    const ox = f * 16;
    c.ellipse(ox + 1, 12, 14, 4, P.shadow);
    c.rect(ox + 1, 6, 14, 9, P.outline);
    c.rect(ox + 2, 7, 12, 7, P.wood);
    c.hline(ox + 2, ox + 13, 7, P.woodLight);
    c.vline(ox + 4, 7, 13, P.goldDark);
    c.vline(ox + 11, 7, 13, P.goldDark);
    if (f === 0) {
      c.rect(ox + 1, 2, 14, 6, P.outline);
      c.rect(ox + 2, 3, 12, 4, P.woodDark);
      c.hline(ox + 2, ox + 13, 3, P.woodLight);
      c.rect(ox + 7, 6, 2, 3, P.gold);
    } else {
      c.rect(ox + 1, 0, 14, 4, P.outline);
      c.rect(ox + 2, 1, 12, 2, P.woodDark);
      c.rect(ox + 3, 6, 10, 2, P.gold);
      c.set(ox + 5, 5, P.white);
      c.set(ox + 9, 4, P.white);
    }
  }
  return c;
}

/** Item icons, 16x16 each, in this order (the shop panel and the inventory use these names). */
export const ITEMS = ['coin', 'potion', 'lantern', 'rope', 'bread', 'moon_charm', 'key', 'letter'] as const;

export function itemSheet(): Canvas {
  const c = new Canvas(16 * ITEMS.length, 16);
  const draw: Record<(typeof ITEMS)[number], (ox: number) => void> = {
    coin: (ox) => {
      c.ellipse(ox + 3, 3, 10, 10, P.outline);
      c.ellipse(ox + 4, 4, 8, 8, P.gold);
      c.vline(ox + 8, 6, 9, P.goldDark);
      c.set(ox + 6, 5, P.white);
    },
    potion: (ox) => {
      c.ellipse(ox + 3, 6, 10, 9, P.outline);
      c.rect(ox + 6, 2, 4, 5, P.outline);
      c.rect(ox + 7, 3, 2, 4, P.glassLight);
      c.ellipse(ox + 4, 7, 8, 7, P.red);
      c.set(ox + 6, 9, P.white);
      c.rect(ox + 6, 1, 4, 2, P.woodDark);
    },
    lantern: (ox) => {
      c.rect(ox + 4, 3, 8, 12, P.outline);
      c.rect(ox + 5, 5, 6, 8, P.gold);
      c.rect(ox + 7, 6, 2, 5, P.white);
      c.hline(ox + 4, ox + 11, 4, P.stoneDark);
      c.hline(ox + 4, ox + 11, 13, P.stoneDark);
      c.hline(ox + 6, ox + 9, 1, P.outline);
      c.set(ox + 5, 2, P.outline);
      c.set(ox + 10, 2, P.outline);
    },
    rope: (ox) => {
      c.ellipse(ox + 2, 3, 12, 11, P.outline);
      c.ellipse(ox + 3, 4, 10, 9, P.dirtDark);
      c.ellipse(ox + 6, 6, 4, 4, P.outline);
      for (let i = 0; i < 5; i++) c.set(ox + 4 + i * 2, 5 + (i % 2), P.dirtLight);
      c.vline(ox + 12, 11, 14, P.dirtDark);
    },
    bread: (ox) => {
      c.ellipse(ox + 1, 5, 14, 9, P.outline);
      c.ellipse(ox + 2, 6, 12, 7, P.woodLight);
      c.ellipse(ox + 3, 6, 9, 4, P.dirtLight);
      for (const x of [5, 8, 11]) c.vline(ox + x, 7, 8, P.woodDark);
    },
    moon_charm: (ox) => {
      c.hline(ox + 5, ox + 10, 1, P.stoneDark);
      c.set(ox + 4, 2, P.stoneDark);
      c.set(ox + 11, 2, P.stoneDark);
      c.ellipse(ox + 3, 3, 11, 11, P.outline);
      c.ellipse(ox + 4, 4, 9, 9, hex('#bff6ff'));
      c.ellipse(ox + 7, 3, 8, 8, P.outline);
      c.ellipse(ox + 8, 3, 8, 8, [0, 0, 0, 0]);
      for (let y = 3; y < 11; y++)
        for (let x = 8; x < 16; x++) if (((x - 11.5) / 4) ** 2 + ((y - 6.5) / 4) ** 2 < 1) c.clear(ox + x, y);
      c.set(ox + 5, 6, P.white);
    },
    key: (ox) => {
      c.ellipse(ox + 2, 3, 7, 7, P.outline);
      c.ellipse(ox + 3, 4, 5, 5, P.gold);
      c.set(ox + 5, 6, P.outline);
      c.rect(ox + 8, 5, 7, 3, P.outline);
      c.hline(ox + 8, ox + 13, 6, P.gold);
      c.rect(ox + 11, 8, 2, 3, P.outline);
      c.rect(ox + 13, 8, 2, 2, P.outline);
    },
    letter: (ox) => {
      c.rect(ox + 2, 4, 12, 9, P.outline);
      c.rect(ox + 3, 5, 10, 7, P.white);
      for (let i = 0; i < 5; i++) {
        c.set(ox + 3 + i, 5 + i, P.stoneDark);
        c.set(ox + 12 - i, 5 + i, P.stoneDark);
      }
      c.rect(ox + 7, 9, 2, 2, P.red);
    },
  };
  ITEMS.forEach((name, i) => draw[name](i * 16));
  return c;
}

/** UI sheet, 16x16 frames: mic off, mic idle, mic live, speaker, speaker muted, keyboard, warning, dot. */
export const UI_FRAMES = [
  'mic_off',
  'mic_idle',
  'mic_live',
  'speaker',
  'speaker_muted',
  'keyboard',
  'warning',
  'wifi_off',
] as const;

export function uiSheet(): Canvas {
  const c = new Canvas(16 * UI_FRAMES.length, 16);
  const mic = (ox: number, body: RGBA, crossed: boolean) => {
    c.rect(ox + 5, 1, 6, 9, P.outline);
    c.rect(ox + 6, 2, 4, 7, body);
    c.set(ox + 7, 3, P.white);
    c.vline(ox + 3, 6, 9, P.outline);
    c.vline(ox + 12, 6, 9, P.outline);
    c.hline(ox + 4, ox + 11, 11, P.outline);
    c.vline(ox + 8, 11, 13, P.outline);
    c.hline(ox + 5, ox + 10, 14, P.outline);
    if (crossed)
      for (let i = 0; i < 14; i++) {
        c.set(ox + 1 + i, 1 + i, P.red);
        c.set(ox + 2 + i, 1 + i, P.redDark);
      }
  };
  mic(0, hex('#9a93a6'), true);
  mic(16, hex('#e8e4ee'), false);
  mic(32, P.red, false);
  const speaker = (ox: number, muted: boolean) => {
    c.rect(ox + 2, 5, 4, 6, P.outline);
    c.rect(ox + 3, 6, 2, 4, hex('#e8e4ee'));
    for (let i = 0; i < 5; i++) c.vline(ox + 6 + i, 5 - i, 10 + i, P.outline);
    for (let i = 0; i < 4; i++) c.vline(ox + 6 + i, 6 - i, 9 + i, hex('#e8e4ee'));
    if (muted) {
      for (let i = 0; i < 4; i++) {
        c.set(ox + 11 + i, 6 + i, P.red);
        c.set(ox + 14 - i, 6 + i, P.red);
      }
    } else {
      c.vline(ox + 12, 6, 9, hex('#e8e4ee'));
      c.vline(ox + 14, 4, 11, hex('#e8e4ee'));
    }
  };
  speaker(48, false);
  speaker(64, true);
  // keyboard
  c.rect(80 + 1, 4, 14, 9, P.outline);
  c.rect(80 + 2, 5, 12, 7, hex('#e8e4ee'));
  for (let y = 6; y < 10; y += 2) for (let x = 3; x < 14; x += 2) c.set(80 + x, y, P.stoneDark);
  c.hline(80 + 5, 80 + 10, 10, P.stoneDark);
  // warning triangle
  for (let y = 0; y < 13; y++) {
    const w = Math.floor(y / 2) + 1;
    c.hline(96 + 8 - w, 96 + 7 + w, 2 + y, P.outline);
    if (y > 1 && y < 12) c.hline(96 + 9 - w, 96 + 6 + w, 2 + y, P.gold);
  }
  c.vline(96 + 7, 6, 10, P.outline);
  c.vline(96 + 8, 6, 10, P.outline);
  c.rect(96 + 7, 12, 2, 1, P.outline);
  // plug / connection lost
  c.rect(112 + 3, 5, 6, 6, P.outline);
  c.rect(112 + 4, 6, 4, 4, hex('#e8e4ee'));
  c.hline(112 + 9, 112 + 11, 6, P.outline);
  c.hline(112 + 9, 112 + 11, 9, P.outline);
  c.hline(112 + 0, 112 + 2, 8, P.outline);
  for (let i = 0; i < 12; i++) c.set(112 + 2 + i, 14 - i, P.red);
  return c;
}

/** A 24x24 9-slice panel (6 px borders): parchment with a dark wooden frame. */
export function panel(): Canvas {
  const c = new Canvas(24, 24);
  c.rect(1, 0, 22, 24, P.outline);
  c.rect(0, 1, 24, 22, P.outline);
  c.rect(1, 1, 22, 22, P.woodDark);
  c.rect(2, 2, 20, 20, P.woodDeep);
  c.rect(3, 3, 18, 18, hex('#f3e6c4'));
  c.hline(3, 20, 3, hex('#fff6dc'));
  c.hline(3, 20, 20, hex('#e0cc9e'));
  for (const [x, y] of [
    [1, 1],
    [22, 1],
    [1, 22],
    [22, 22],
  ] as const)
    c.set(x, y, P.gold);
  return c;
}

/** A 24x24 9-slice dark translucent HUD panel (6 px borders). */
export function hudPanel(): Canvas {
  const c = new Canvas(24, 24);
  const bg = hex('#1d1526', 215);
  c.rect(1, 0, 22, 24, P.outline);
  c.rect(0, 1, 24, 22, P.outline);
  c.rect(1, 1, 22, 22, bg);
  c.hline(2, 21, 1, hex('#4a3b5c', 255));
  return c;
}

/** A 12x12 9-slice key cap (4 px borders): light key with a darker bottom edge. */
export function keycap(): Canvas {
  const c = new Canvas(12, 12);
  c.rect(1, 0, 10, 12, P.outline);
  c.rect(0, 1, 12, 10, P.outline);
  c.rect(1, 1, 10, 10, hex('#b9b0c8'));
  c.rect(1, 1, 10, 8, hex('#f2eef8'));
  return c;
}

export function shadow(): Canvas {
  const c = new Canvas(14, 6);
  c.ellipse(0, 0, 14, 6, hex('#1a1020', 80));
  return c;
}

/** A small "talk" marker shown over an NPC the player can talk to: a speech-bubble glyph, 12x10. */
export function talkMarker(): Canvas {
  const c = new Canvas(12, 11);
  c.rect(1, 0, 10, 8, P.outline);
  c.rect(0, 1, 12, 6, P.outline);
  c.rect(1, 1, 10, 6, P.white);
  c.rect(4, 8, 3, 1, P.outline);
  c.rect(4, 9, 2, 1, P.outline);
  c.set(5, 7, P.white);
  c.set(4, 8, P.white);
  for (const x of [3, 6, 9]) c.rect(x - 1, 3, 2, 2, P.outline);
  return c;
}
