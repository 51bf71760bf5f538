// Counting fakes of the Phaser objects a speech bubble draws with (not a test file itself): text
// measured monospace at 8 px a character, and a count of every render, crop, redraw and move.
import type * as Phaser from 'phaser';

export const count = {
  renders: 0,
  crops: 0,
  redraws: 0,
  moves: 0,
  measures: 0,
  body: [0, 0, 0] as [number, number, number],
  at: [0, 0],
};

export class FakeText {
  text = '';
  x = 0;
  y = 0;
  width = 0;
  height = 0;
  visible = true;
  alpha = 1;
  lineSpacing = 0;
  padding = { top: 0, left: 0, right: 0, bottom: 0 };
  style = { resolution: 1 };
  context = {
    measureText: (s: string) => {
      count.measures++;
      return { width: s.length * 8 };
    },
  };
  crop = { x: 0, y: 0, width: 0, height: 0 };
  #render() {
    count.renders++;
    const lines = this.text.split('\n');
    this.width = Math.max(...lines.map((l) => l.length * 8));
    this.height = lines.length * 16 + (lines.length - 1) * this.lineSpacing;
  }
  setText(t: string) {
    if (t !== this.text) {
      this.text = t;
      this.#render();
    }
    return this;
  }
  setStyle() {
    this.#render();
    return this;
  }
  setLineSpacing(v: number) {
    this.lineSpacing = v;
    this.#render();
    return this;
  }
  setCrop(x: number, y: number, width: number, height: number) {
    count.crops++;
    this.crop = { x, y, width, height };
    return this;
  }
  setPosition(x: number, y: number) {
    count.moves++;
    this.x = x;
    this.y = y;
    return this;
  }
  setVisible(v: boolean) {
    this.visible = v;
    return this;
  }
  setAlpha(a: number) {
    this.alpha = a;
    return this;
  }
  setDepth() {
    return this;
  }
  setOrigin() {
    return this;
  }
  destroy() {}
}

class FakeGraphics {
  x = 0;
  y = 0;
  clear() {
    count.redraws++;
    return this;
  }
  setPosition(x: number, y: number) {
    count.moves++;
    this.x = x;
    this.y = y;
    count.at = [x, y];
    return this;
  }
  setDepth() {
    return this;
  }
  setVisible() {
    return this;
  }
  setAlpha() {
    return this;
  }
  #fill = 0;
  fillStyle(color: number) {
    this.#fill = color;
  }
  lineStyle() {}
  /** The last body drawn: width, height and fill colour. */
  fillRoundedRect(_x: number, _y: number, w: number, h: number) {
    count.body = [w, h, this.#fill];
  }
  strokeRoundedRect() {}
  fillTriangle() {}
  lineBetween() {}
  destroy() {}
}

export function fakeScene(view = { x: 0, y: 0, width: 800, height: 600 }) {
  return {
    add: { text: () => new FakeText(), graphics: () => new FakeGraphics() },
    cameras: { main: { worldView: view, width: 800, height: 600, x: 0, y: 0 } },
  } as unknown as Phaser.Scene;
}
