/**
 * The NPC state markers (plugin/phaser/markers.ts): what they show, and that a speaking NPC's dot,
 * which changes size every frame with the voice level, is scaled instead of redrawn. Phaser is
 * replaced by fake circles that count what is done to them (the markers use it only through
 * `scene.add.circle`).
 */
import { describe, expect, it } from 'vitest';
import type * as Phaser from 'phaser';
import { StateMarkers } from '../../plugin/phaser/markers.js';
import type { NpcHandle } from '../../plugin/phaser/npc-handle.js';

const calls = { circles: 0, graphics: 0, setPosition: 0, setScale: 0, setFillStyle: 0 };

class FakeArc {
  x = 0;
  y = 0;
  scale = 1;
  visible = true;
  depth = 0;
  destroyed = false;
  constructor(
    readonly radius: number,
    public fillColor: number,
    public fillAlpha: number,
  ) {
    calls.circles++;
  }
  setDepth(d: number) {
    this.depth = d;
    return this;
  }
  setVisible(v: boolean) {
    this.visible = v;
    return this;
  }
  setPosition(x: number, y: number) {
    calls.setPosition++;
    this.x = x;
    this.y = y;
    return this;
  }
  setScale(s: number) {
    calls.setScale++;
    this.scale = s;
    return this;
  }
  setFillStyle(c: number, a: number) {
    calls.setFillStyle++;
    this.fillColor = c;
    this.fillAlpha = a;
    return this;
  }
  destroy() {
    this.destroyed = true;
  }
}

function fakeScene() {
  const arcs: FakeArc[] = [];
  const scene = {
    add: {
      circle: (_x: number, _y: number, r: number, c: number, a: number) => {
        const arc = new FakeArc(r, c, a);
        arcs.push(arc);
        return arc;
      },
      graphics: () => {
        calls.graphics++;
        throw new Error('markers draw no Graphics');
      },
    },
  } as unknown as Phaser.Scene;
  return { scene, arcs };
}

/** A talking NPC as the markers read it: its object, state, level and an open conversation. */
function npc(x: number, y: number, state: NpcHandle['state'], level = 0) {
  return {
    gameObject: { x, y, displayWidth: 16, displayHeight: 16, originY: 0.5 },
    options: {},
    state,
    level,
    conversation: {},
  } as unknown as NpcHandle & { level: number; state: string };
}

/** Radius drawn: the dot's base radius times its scale. */
const radius = (a: FakeArc) => a.radius * a.scale;

describe('NPC state markers', () => {
  it('a dot with a dark ring beside the head, coloured by state, sized by the voice level', () => {
    const { scene, arcs } = fakeScene();
    const m = new StateMarkers(scene);
    const a = npc(100, 200, 'listening');
    const b = npc(300, 200, 'speaking', 0.1);
    m.draw([a, b], 0);
    expect(arcs).toHaveLength(4);
    const [ringA, dotA, ringB, dotB] = arcs as [FakeArc, FakeArc, FakeArc, FakeArc];
    // Head top at y 192, half width 8: the marker sits 6 px right of the body, 4 px below its top.
    expect([dotA.x, dotA.y]).toEqual([114, 196]);
    expect([ringA.x, ringA.y]).toEqual([114, 196]);
    expect(dotA.fillColor).toBe(0x3ecf5a);
    expect(radius(dotA)).toBeCloseTo(4);
    expect(radius(ringA)).toBeCloseTo(5.5);
    expect([ringA.fillColor, ringA.fillAlpha]).toEqual([0x000000, 0.5]);
    expect(dotB.fillColor).toBe(0x4a90e2);
    expect(radius(dotB)).toBeCloseTo(4 + 0.1 * 24);
    expect(radius(ringB)).toBeCloseTo(4 + 0.1 * 24 + 1.5);
    expect(arcs.every((c) => c.visible && c.depth === 9_999)).toBe(true);
    // The ring is made before its dot: at the same depth, it is drawn under it.
    expect(arcs.indexOf(ringB)).toBeLessThan(arcs.indexOf(dotB));
  });

  it('a speaking dot follows the level by scale: no Graphics, no new objects, nothing else touched', () => {
    const { scene, arcs } = fakeScene();
    const m = new StateMarkers(scene);
    const s = npc(100, 200, 'speaking', 0);
    m.draw([s], 0);
    const made = calls.circles;
    const before = { ...calls };
    for (let f = 1; f <= 120; f++) {
      s.level = 0.08 + 0.08 * Math.sin(f / 3);
      m.draw([s], f * 16.7);
    }
    expect(calls.graphics).toBe(0);
    expect(calls.circles).toBe(made);
    expect(calls.setScale - before.setScale).toBe(2 * 120); // ring and dot, every frame the level moved
    expect(calls.setPosition).toBe(before.setPosition); // the NPC stood still
    expect(calls.setFillStyle).toBe(before.setFillStyle); // still speaking
    expect(radius(arcs[1]!)).toBeCloseTo(4 + Math.min(4, s.level * 24));
  });

  it('a closed conversation hides its marker; the next one reuses it; destroy removes them', () => {
    const { scene, arcs } = fakeScene();
    const m = new StateMarkers(scene);
    const a = npc(100, 200, 'connecting');
    const b = npc(300, 200, 'ready');
    m.draw([a, b], 0);
    expect(arcs).toHaveLength(4);
    m.draw([b], 16);
    expect(arcs.map((c) => c.visible)).toEqual([true, true, false, false]);
    expect(arcs[1]!.fillColor).toBe(0x9b9b9b); // b's marker moved into the first pair
    m.draw([a, b, { ...b, conversation: null } as unknown as NpcHandle], 32);
    expect(arcs).toHaveLength(4);
    expect(arcs.every((c) => c.visible)).toBe(true);
    m.draw([], 48);
    expect(arcs.some((c) => c.visible)).toBe(false);
    m.destroy();
    expect(arcs.every((c) => c.destroyed)).toBe(true);
  });
});
