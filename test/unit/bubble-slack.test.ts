/**
 * The layout's slack (bubble/slack.ts): how far the camera may scroll before the bubbles must be laid
 * out again, with the bubbles held at a view edge moved along. The layer trusts it instead of laying
 * out every frame, so a wrong range would leave a bubble where a fresh layout would not put it.
 */
import { describe, expect, it } from 'vitest';
import {
  FOLLOWS_X,
  FOLLOWS_Y,
  layoutBubbles,
  movedWithView,
  viewStands,
  type BubbleBox,
  type Placement,
} from '../../plugin/phaser/bubble/layout.js';

describe('bubble layout slack', () => {
  it('within the slack it reports, a moved view gives the same layout, bubbles held at an edge moved with it', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const slack = { dxMin: 0, dxMax: 0, dyMin: 0, dyMax: 0 };
    // Equal to a fresh layout, to rounding (a held value is view.x + margin there, moved here).
    const expectNear = (got: Placement[], want: Placement[]) => {
      expect(got.length).toBe(want.length);
      got.forEach((p, i) => {
        const q = want[i]!;
        expect([p.offscreen, p.follows]).toEqual([q.offscreen, q.follows]);
        for (const k of ['x', 'y', 'baseX', 'baseY', 'tipX', 'tipY'] as const)
          expect(p[k]).toBeCloseTo(q[k], 6);
      });
    };
    let checked = 0,
      moved = 0;
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
        const want = base.map((p) => movedWithView(p, dx, dy, { ...p }));
        if (want.some((p, i) => p.x !== base[i]!.x || p.y !== base[i]!.y || p.tipX !== base[i]!.tipX))
          moved++;
        expectNear(layoutBubbles(boxes, { ...view, x: dx, y: dy }), want);
      }
    }
    // Most moves stand, and a good share of them move a bubble held at an edge.
    expect(checked).toBeGreaterThan(2500); // of 9,000 (3,177 here)
    expect(moved).toBeGreaterThan(600); // 861 here
    // Held at the left edge, its tail on its speaker: it moves with the view until the speaker would
    // leave the tail's reach or the view; a move up or down keeps it where it is.
    const held = [{ anchorX: 10, anchorY: 300, width: 100, height: 40 }];
    const heldAt = structuredClone(
      layoutBubbles(held, { x: 0, y: 0, width: 800, height: 600 }, {}, [], slack),
    );
    expect(heldAt[0]!.follows & FOLLOWS_X).toBe(FOLLOWS_X);
    expect(viewStands(slack, 1, 0) && viewStands(slack, 0, 30)).toBe(true);
    expect(viewStands(slack, 7, 0)).toBe(false); // the speaker (at 10) is behind the edge's margin
    expectNear(layoutBubbles(held, { x: 1, y: 0, width: 800, height: 600 }), [
      movedWithView(heldAt[0]!, 1, 0, { ...heldAt[0]! }),
    ]);
    expect(layoutBubbles(held, { x: 0, y: 30, width: 800, height: 600 })).toEqual(heldAt);
    // Held at the top edge: a sideways scroll keeps it where it is.
    const top = [{ anchorX: 400, anchorY: 20, width: 100, height: 40 }];
    const topAt = structuredClone(layoutBubbles(top, { x: 0, y: 0, width: 800, height: 600 }, {}, [], slack));
    expect(topAt[0]!.follows & FOLLOWS_Y).toBe(FOLLOWS_Y);
    expect(viewStands(slack, 40, 0)).toBe(true);
    expect(layoutBubbles(top, { x: 40, y: 0, width: 800, height: 600 })).toEqual(topAt);
  });
});
