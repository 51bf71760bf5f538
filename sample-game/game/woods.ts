/**
 * The Whispering Woods beyond the north gate are dark: the player sees by the lantern's light, a
 * soft circle around them, and the Moonwell, once found, glows and lifts the dark. Drawn with a
 * canvas gradient and four rectangles (no masks), so it looks the same on Phaser 3 and 4.
 */
import * as Phaser from 'phaser';

const LIGHT_R = 72;
const DARK = 0x050814;
const DARK_ALPHA = 0.9;

export class Woods {
  readonly #light: Phaser.GameObjects.Image;
  readonly #rects: Phaser.GameObjects.Rectangle[];
  #glow: Phaser.GameObjects.Arc | null = null;
  #alpha = DARK_ALPHA;

  /** `bottom`: the woods are everything north of this line (the gate's top edge), `width` wide. */
  readonly #scene: Phaser.Scene;
  readonly #bottom: number;
  readonly #width: number;
  constructor(scene: Phaser.Scene, bottom: number, width: number) {
    this.#width = width;
    this.#bottom = bottom;
    this.#scene = scene;
    if (!scene.textures.exists('lantern-light')) {
      const tex = scene.textures.createCanvas('lantern-light', LIGHT_R * 2, LIGHT_R * 2)!;
      const ctx = tex.getContext();
      const g = ctx.createRadialGradient(LIGHT_R, LIGHT_R, LIGHT_R * 0.3, LIGHT_R, LIGHT_R, LIGHT_R);
      g.addColorStop(0, 'rgba(5,8,20,0)');
      g.addColorStop(1, `rgba(5,8,20,${DARK_ALPHA})`);
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, LIGHT_R * 2, LIGHT_R * 2);
      tex.refresh();
    }
    this.#light = scene.add.image(0, 0, 'lantern-light').setDepth(4900).setVisible(false);
    this.#rects = [0, 1, 2, 3].map(() =>
      scene.add.rectangle(0, 0, 1, 1, DARK, DARK_ALPHA).setOrigin(0, 0).setDepth(4900).setVisible(false),
    );
  }

  /** The Moonwell is found: it glows, and the woods lighten. */
  moonwellFound(x: number, y: number): void {
    if (this.#glow) return;
    this.#glow = this.#scene.add
      .circle(x, y, 14, 0x9fe8ff, 0.75)
      .setDepth(4950)
      .setBlendMode(Phaser.BlendModes.ADD);
    this.#scene.tweens.add({
      targets: this.#glow,
      scale: 1.6,
      alpha: 0.35,
      duration: 1400,
      yoyo: true,
      repeat: -1,
    });
    this.#scene.tweens.add({
      targets: this,
      alpha: 0.35,
      duration: 2500,
      onUpdate: () => {
        this.#light.setAlpha(this.#alpha / DARK_ALPHA);
        for (const r of this.#rects) r.setFillStyle(DARK, this.#alpha);
      },
    });
  }

  /** Per frame: the dark covers the woods in view, except the lantern's circle around the player. */
  update(px: number, py: number, view: Phaser.Geom.Rectangle): void {
    const inWoods = view.y < this.#bottom;
    this.#light.setVisible(inWoods && py < this.#bottom + LIGHT_R);
    const top = view.y,
      bottom = Math.min(this.#bottom, view.y + view.height);
    const left = view.x,
      right = view.x + view.width;
    if (!inWoods || bottom <= top) {
      for (const r of this.#rects) r.setVisible(false);
      return;
    }
    this.#light.setPosition(px, py);
    const lx = px - LIGHT_R,
      ly = py - LIGHT_R,
      size = LIGHT_R * 2;
    // Above, below, left and right of the light's square, clipped to the woods and the view.
    this.#place(this.#rects[0]!, left, top, right - left, Math.min(ly, bottom) - top);
    this.#place(
      this.#rects[1]!,
      left,
      Math.max(ly + size, top),
      right - left,
      bottom - Math.max(ly + size, top),
    );
    const midTop = Math.max(ly, top),
      midH = Math.min(ly + size, bottom) - midTop;
    this.#place(this.#rects[2]!, left, midTop, lx - left, midH);
    this.#place(this.#rects[3]!, lx + size, midTop, right - (lx + size), midH);
    void this.#width;
  }

  #place(r: Phaser.GameObjects.Rectangle, x: number, y: number, w: number, h: number): void {
    if (w <= 0 || h <= 0) {
      r.setVisible(false);
      return;
    }
    r.setPosition(x, y).setSize(w, h).setVisible(true);
  }
}
