/** Small HUD building blocks: text styles, key caps, hint rows. */
import * as Phaser from 'phaser';

export const FONT = 'DejaVu Sans, Segoe UI, sans-serif';

export function text(
  scene: Phaser.Scene,
  x: number,
  y: number,
  s: string,
  size = 14,
  color = '#f3ead6',
  extra: Phaser.Types.GameObjects.Text.TextStyle = {},
): Phaser.GameObjects.Text {
  return scene.add.text(x, y, s, {
    fontFamily: FONT,
    fontSize: `${size}px`,
    color,
    stroke: '#1d1526',
    strokeThickness: 3,
    ...extra,
  });
}

/** A key cap with its label ("Space", "Enter", "M"), returned as a container of known width. */
export function keycap(scene: Phaser.Scene, label: string): Phaser.GameObjects.Container {
  const t = scene.add.text(0, 0, label, {
    fontFamily: FONT,
    fontSize: '13px',
    color: '#2b1d2f',
    fontStyle: 'bold',
  });
  const w = Math.max(24, Math.ceil(t.width) + 14);
  const cap = scene.add.nineslice(0, 0, 'keycap', undefined, w, 24, 4, 4, 4, 4).setOrigin(0, 0);
  t.setPosition(Math.round((w - t.width) / 2), 3);
  const c = scene.add.container(0, 0, [cap, t]);
  c.setSize(w, 24);
  return c;
}

export type Hint = { keys: string[]; text: string };

/** Lays out hint pairs ("[Space] Hold to talk to Mira") centred at (cx, y). */
export function hintRow(
  scene: Phaser.Scene,
  cx: number,
  y: number,
  hints: Hint[],
): Phaser.GameObjects.Container {
  const row = scene.add.container(0, y);
  let x = 0;
  for (const h of hints) {
    h.keys.forEach((k, i) => {
      const cap = keycap(scene, k);
      cap.setPosition(x, 0);
      row.add(cap);
      x += cap.width + (i < h.keys.length - 1 ? 4 : 8);
    });
    const t = text(scene, x, 2, h.text, 15);
    row.add(t);
    x += t.width + 22;
  }
  const width = x - 22;
  const bg = scene.add.nineslice(-14, -8, 'hud-panel', undefined, width + 28, 40, 6, 6, 6, 6).setOrigin(0, 0);
  row.addAt(bg, 0);
  row.setX(Math.round(cx - width / 2));
  row.setSize(width, 24);
  return row;
}
