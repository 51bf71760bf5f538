/**
 * What a bubble costs per frame (bench/frame-cost.bench.ts): its text is drawn once per turn and
 * revealed by moving crop rectangles, the body is redrawn only when it moves, and the layout runs
 * only when something it reads changed. Phaser is replaced by counting fakes (the bubble code only
 * uses it through the scene), with a monospace measure of 8 px per character.
 */
import { describe, expect, it, vi } from 'vitest';
import { BubbleLayer } from '../../plugin/phaser/bubble/layer.js';
import { resolveBubbleStyle } from '../../plugin/phaser/bubble/style.js';
import { layoutBubbles, viewStands, type BubbleBox } from '../../plugin/phaser/bubble/layout.js';
import { revealSplit, visiblePrefix, wrapText } from '../../plugin/phaser/bubble/text.js';
import { TurnReveal } from '../../plugin/phaser/bubble/reveal.js';
import { count, fakeScene, type FakeText } from './bubble-fakes.js';

// The layer's layouts, counted (the layout itself is the real one).
const layouts = vi.hoisted(() => ({ runs: 0 }));
vi.mock('../../plugin/phaser/bubble/layout.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../plugin/phaser/bubble/layout.js')>();
  return {
    ...mod,
    layoutBubbles: (...a: Parameters<typeof mod.layoutBubbles>) => {
      layouts.runs++;
      return mod.layoutBubbles(...a);
    },
  };
});

const REPLY =
  'Welcome back, traveller! The road north is dark tonight and the goblins are restless, so take a ' +
  'lantern, two healing potions and some bread for the way. Come back before the bells ring at dawn.';

describe('bubble rendering cost', () => {
  it('a 200-character spoken reply draws its text a bounded number of times, revealed character by character', () => {
    expect(REPLY.length).toBeGreaterThanOrEqual(190);
    const layer = new BubbleLayer(fakeScene());
    let playback = 0;
    const b = layer.create(
      { anchor: (o) => ((o.x = 400), (o.y = 300), true), position: () => playback },
      resolveBubbleStyle(undefined),
    );
    Object.assign(count, { renders: 0, crops: 0 });
    b.show(REPLY, 0, { turnId: 1, followsAudio: true });
    b.reveal!.addAudio(REPLY.length * 70);
    const drawnAtShow = count.renders;
    const texts = new Set<string>();
    for (let t = 0; t <= REPLY.length * 70 + 500; t += 16.7) {
      playback = t;
      layer.update(t);
      texts.add(b.visibleText);
      const shown = b.visibleText.replace(/\n/g, ' ');
      expect(REPLY.startsWith(shown)).toBe(true);
    }
    // Two Text objects (whole lines, and the line being revealed), each styled and drawn once.
    expect(drawnAtShow).toBeLessThanOrEqual(6);
    expect(count.renders).toBe(drawnAtShow); // nothing is drawn while it reveals
    expect(texts.size).toBeGreaterThan(150); // still one character at a time
    expect(count.crops).toBeGreaterThan(150);
    expect(b.visibleText.replace(/\n/g, ' ')).toBe(REPLY);

    // The next turn on the same bubble: drawn once per Text, no restyle.
    count.renders = 0;
    b.show('Safe travels, and mind the bridge.', 20_000, { turnId: 2, followsAudio: true });
    expect(count.renders).toBe(2);
  });

  it('crops the revealed shape: whole lines, then the revealed width of the next line', () => {
    const scene = fakeScene();
    const created: FakeText[] = [];
    const make = scene.add.text.bind(scene.add);
    (scene.add as unknown as { text: () => FakeText }).text = () => {
      const t = make(0, 0, '') as unknown as FakeText;
      created.push(t);
      return t;
    };
    const layer = new BubbleLayer(scene);
    const b = layer.create(
      { anchor: (o) => ((o.x = 400), (o.y = 300), true), position: () => null },
      resolveBubbleStyle(undefined), // 220 px wide, 8 px padding: 25 characters a line here
    );
    b.show('aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll', 0, { followsAudio: false });
    const [whole, part] = created;
    // Reading speed 30 characters/s: 40 characters after 1.34 s, so line 1 whole and 15 of line 2.
    layer.update(1340);
    expect(b.visibleText).toBe('aaaa bbbb cccc dddd eeee\nffff gggg hhhh ');
    const pitch = 16 + whole!.lineSpacing; // line height + spacing of the (fake) render
    expect(whole!.crop).toEqual({ x: 0, y: 0, width: whole!.width, height: pitch });
    expect(part!.crop).toEqual({ x: 0, y: pitch, width: 15 * 8, height: pitch });
    expect([whole!.visible, part!.visible]).toEqual([true, true]);
    // Inside a word: the word's start measured exactly, its characters by their advances.
    layer.update(1400); // 42 characters: "ffff gggg hhhh ii"
    expect(part!.crop.width).toBe(17 * 8);
  });

  it('measures the partial line once per word (and each character once), not once per revealed character', () => {
    const layer = new BubbleLayer(fakeScene());
    let playback = 0;
    const b = layer.create(
      { anchor: (o) => ((o.x = 400), (o.y = 300), true), position: () => playback },
      resolveBubbleStyle(undefined),
    );
    b.show(REPLY, 0, { turnId: 1, followsAudio: true });
    b.reveal!.addAudio(REPLY.length * 70);
    count.measures = 0;
    let steps = 0;
    let last = '';
    for (let t = 0; t <= REPLY.length * 70 + 500; t += 16.7) {
      playback = t;
      layer.update(t);
      if (b.visibleText !== last) steps++;
      last = b.visibleText;
    }
    const words = REPLY.split(' ').length;
    const chars = new Set(REPLY).size;
    expect(steps).toBeGreaterThan(150);
    // canvas measureText shapes its whole string: per step it was most of a bubble's frame.
    expect(count.measures).toBeLessThanOrEqual(words + chars);
  });

  it('standing still touches nothing; a move moves the body without redrawing it; a new size redraws it', () => {
    const view = { x: 0, y: 0, width: 800, height: 600 };
    const layer = new BubbleLayer(fakeScene(view));
    const anchor = { x: 400, y: 300 };
    const b = layer.create(
      { anchor: (o) => ((o.x = anchor.x), (o.y = anchor.y), true), position: () => null },
      resolveBubbleStyle(undefined),
    );
    b.show('Hello there.', 0, { followsAudio: false });
    layer.update(1000); // fully shown (reading speed), holding
    const before = { ...count };
    for (let t = 1000; t < 1500; t += 16.7) layer.update(t);
    expect(count.redraws).toBe(before.redraws);
    expect(count.moves).toBe(before.moves);
    anchor.x += 5;
    layer.update(1500);
    expect(count.redraws).toBe(before.redraws);
    expect(count.moves).toBeGreaterThan(before.moves);
    b.show('A longer line than the first one, on two lines or more.', 1500, { followsAudio: false });
    layer.update(4000);
    expect(count.redraws).toBe(before.redraws + 1);
  });

  /** A layer over an 800×600 view at the origin, one bubble showing over a speaker standing at (x, y). */
  const speakerAt = (x: number, y: number) => {
    const view = { x: 0, y: 0, width: 800, height: 600 };
    const layer = new BubbleLayer(fakeScene(view));
    const b = layer.create(
      { anchor: (o) => ((o.x = x), (o.y = y), true), position: () => null },
      resolveBubbleStyle(undefined),
    );
    b.show('Hello there, traveller.', 0, { followsAudio: false });
    layer.update(2000);
    return { view, layer };
  };
  /** Frames `from`..`to`, the camera at `at(f)` in frame f, drawn at time t0 + f. */
  const scroll = (
    { view, layer }: ReturnType<typeof speakerAt>,
    from: number,
    to: number,
    at: (f: number) => [number, number],
    t0: number,
  ) => {
    for (let f = from; f <= to; f++) {
      [view.x, view.y] = at(f);
      layer.update(t0 + f);
    }
  };

  it('a scrolling camera lays nothing out while no bubble is held at a view edge', () => {
    const speaker = speakerAt(400, 300);
    const runs = layouts.runs;
    const moves = count.moves;
    // The player walks right at 3 px a frame, the camera following: the bubble stays put in the world.
    scroll(speaker, 1, 40, (f) => [3 * f, 0], 2000);
    expect(layouts.runs).toBe(runs);
    expect(count.moves).toBe(moves);
    // Far enough that the speaker nears the left edge: the bubble is held there, laid out every frame.
    const before = layouts.runs;
    scroll(speaker, 0, 9, (f) => [350 + 3 * f, 0], 3000);
    expect(layouts.runs).toBe(before + 10);
    expect(count.moves).toBeGreaterThan(moves);
  });

  it('a bubble held at the top edge is not laid out again while the camera scrolls sideways', () => {
    // The speaker stands just under the top edge: its bubble is held against it.
    const speaker = speakerAt(400, 20);
    const runs = layouts.runs;
    const moves = count.moves;
    scroll(speaker, 1, 40, (f) => [3 * f, 0], 2000);
    expect(layouts.runs).toBe(runs);
    expect(count.moves).toBe(moves);
    // The camera moves up (the world scrolls down): the bubble follows the edge, laid out every frame.
    scroll(speaker, 1, 5, (f) => [120, -2 * f], 2100);
    expect(layouts.runs).toBe(runs + 5);
    expect(count.moves).toBeGreaterThan(moves);
  });
});

describe('bubbles the player walked away from, and restyled bubbles', () => {
  const at = (x: number, y: number) => (o: { x: number; y: number }) => ((o.x = x), (o.y = y), true);

  it('a finished bubble whose speaker is off screen fades at once; one still being spoken stays, held at the edge', () => {
    const view = { x: 0, y: 0, width: 800, height: 600 };
    const layer = new BubbleLayer(fakeScene(view));
    const style = resolveBubbleStyle(undefined);
    const read = () => new TurnReveal({ readingCps: 1e6 }); // all shown at once: finished on the first frame
    const left = layer.create({ anchor: at(100, 300), position: () => null }, style);
    const stays = layer.create({ anchor: at(700, 300), position: () => null }, style);
    const talking = layer.create({ anchor: at(120, 250), position: () => 300 }, style);
    left.show('Safe travels, friend.', 0, { followsAudio: false, reveal: read() });
    stays.show('Safe travels, friend.', 0, { followsAudio: false, reveal: read() });
    talking.show(REPLY, 0, { turnId: 1, followsAudio: true });
    layer.update(10);
    expect([left.finished, stays.finished, talking.finished]).toEqual([true, true, false]);
    // The player walks right: the two speakers on the left leave the view.
    view.x = 400;
    layer.update(100);
    layer.update(101);
    expect(left.alpha).toBeLessThan(1); // fading, well inside its 2 s hold
    layer.update(100 + 401);
    expect(left.visible).toBe(false);
    expect(stays.visible).toBe(true); // on screen: keeps its hold
    expect(talking.visible).toBe(true); // still speaking: held at the view's edge
    expect(talking.alpha).toBe(1);
  });

  it('keeps off the player standing where the bubble would go, and lays out nothing for a player elsewhere', () => {
    const layer = new BubbleLayer(fakeScene());
    const b = layer.create({ anchor: at(400, 300), position: () => null }, resolveBubbleStyle(undefined));
    b.show('Hello there, traveller.', 0, { followsAudio: false });
    layer.update(2000, undefined, []);
    const [w, h] = count.body;
    const [x0, y0] = count.at;
    // The natural spot: centred above the head.
    expect(x0! + w! / 2).toBeCloseTo(400, 0);
    expect(y0! + h!).toBeLessThanOrEqual(300);
    // The player steps right into that spot (a tall sprite just above the speaker's head).
    const player = { x: 380, y: y0! - 10, width: 40, height: h! + 8 };
    layer.update(2001, undefined, [player]);
    const [x1, y1] = count.at;
    const overlaps =
      x1! < player.x + player.width &&
      player.x < x1! + w! &&
      y1! < player.y + player.height &&
      player.y < y1! + h!;
    expect(overlaps).toBe(false);
    // Walking far from any bubble: nothing to lay out again, frame after frame.
    const runs = layouts.runs;
    for (let f = 0; f < 20; f++)
      layer.update(2002 + f, undefined, [{ x: 50 + 3 * f, y: 500, width: 20, height: 28 }]);
    expect(layouts.runs).toBe(runs + 1); // once: the player left the spot
  });

  it('a new style from a hot-reloaded NPC file applies to the bubble on screen', () => {
    const layer = new BubbleLayer(fakeScene());
    const b = layer.create({ anchor: at(400, 300), position: () => null }, resolveBubbleStyle(undefined));
    b.show('Hello there, traveller.', 0, { followsAudio: false });
    layer.update(2000);
    const [w, h, fill] = count.body;
    expect(fill).toBe(0xffffff);
    b.setStyle(resolveBubbleStyle({ max_width: 220, font_size: 24, background: '#ffeeaa' }));
    layer.update(2001);
    expect(count.body[0]).toBe(w); // the fake measures 8 px per character at any size
    expect(count.body[1]).toBeGreaterThan(h); // taller lines
    expect(count.body[2]).toBe(0xffeeaa);
    expect(b.visibleText).toBe('Hello there, traveller.');
  });
});

describe('bubble layout and reveal helpers', () => {
  it('within the slack it reports, a moved view gives the same layout; a pinned bubble follows only its axis', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const slack = { dxMin: 0, dxMax: 0, dyMin: 0, dyMax: 0 };
    let checked = 0,
      acrossPin = 0;
    for (let trial = 0; trial < 300; trial++) {
      const boxes: BubbleBox[] = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => ({
        anchorX: rand() * 900 - 50,
        anchorY: rand() * 700 - 50,
        width: 60 + rand() * 160,
        height: 30 + rand() * 60,
        priority: rand() < 0.2 ? 1 : 0,
      }));
      const view = { x: 0, y: 0, width: 800, height: 600 };
      const base = structuredClone(layoutBubbles(boxes, view, {}, [], slack));
      for (let k = 0; k < 30; k++) {
        // Two thirds of the moves along one axis only (a third sideways, a third up or down): a
        // camera following a player who walks a row.
        const along = k % 3;
        const dx = along === 2 ? 0 : (rand() - 0.5) * 200,
          dy = along === 1 ? 0 : (rand() - 0.5) * 200;
        if (!viewStands(slack, dx, dy)) continue;
        checked++;
        // What per-axis pinning adds: the other axis is pinned, and the move along this one stands.
        if ((dx === 0 && slack.dxMin === Infinity) || (dy === 0 && slack.dyMin === Infinity)) acrossPin++;
        expect(layoutBubbles(boxes, { ...view, x: dx, y: dy })).toEqual(base);
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(acrossPin).toBeGreaterThan(400);
    // Held at the left edge: any sideways move changes the result, and an up or down move does not.
    const held = [{ anchorX: 10, anchorY: 300, width: 100, height: 40 }];
    const heldAt = structuredClone(
      layoutBubbles(held, { x: 0, y: 0, width: 800, height: 600 }, {}, [], slack),
    );
    expect(viewStands(slack, 1, 0) || viewStands(slack, -1, 0)).toBe(false);
    expect(viewStands(slack, 0, 30)).toBe(true);
    expect(layoutBubbles(held, { x: 0, y: 30, width: 800, height: 600 })).toEqual(heldAt);
    expect(layoutBubbles(held, { x: 1, y: 0, width: 800, height: 600 })).not.toEqual(heldAt);
    // Held at the top edge: a sideways scroll keeps it where it is.
    const top = [{ anchorX: 400, anchorY: 20, width: 100, height: 40 }];
    const topAt = structuredClone(layoutBubbles(top, { x: 0, y: 0, width: 800, height: 600 }, {}, [], slack));
    expect(viewStands(slack, 0, 1)).toBe(false);
    expect(viewStands(slack, 40, 0)).toBe(true);
    expect(layoutBubbles(top, { x: 40, y: 0, width: 800, height: 600 })).toEqual(topAt);
  });

  it('revealSplit is the shape of visiblePrefix for every count', () => {
    const text = 'The quick brown fox jumps over the lazy dog, twice, then sleeps by the warm fire.';
    const w = wrapText(text, 120, (s) => s.length * 8);
    const sp = { rows: 0, chars: 0 };
    for (let n = 0; n <= text.length; n++) {
      revealSplit(w, n, sp);
      const shape = [
        ...w.lines.slice(0, sp.rows),
        ...(sp.chars ? [w.lines[sp.rows]!.slice(0, sp.chars)] : []),
      ];
      expect(shape.join('\n')).toBe(visiblePrefix(w, n));
    }
  });

  it('a layout into reused placements equals a fresh one, frame after frame', () => {
    const view = { x: 0, y: 0, width: 400, height: 300 };
    const reused: ReturnType<typeof layoutBubbles> = [];
    const avoid = [{ x: 150, y: 0, width: 100, height: 60 }];
    for (let f = 0; f < 20; f++) {
      const boxes: BubbleBox[] = Array.from({ length: 6 }, (_, i) => ({
        anchorX: 120 + i * 30 + f,
        anchorY: 150 + (i % 3) * 10 - f,
        width: 90,
        height: 40,
        priority: i === 2 ? 1 : 0,
      }));
      const fresh = layoutBubbles(boxes, view, { avoid });
      const out = layoutBubbles(boxes, view, { avoid }, reused);
      expect(out).toBe(reused);
      expect(out).toEqual(fresh);
    }
  });
});
