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
        expect(p.follows).toBe(q.follows);
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
    expect(checked).toBeGreaterThan(3000); // of 9,000 (3,624 here)
    expect(moved).toBeGreaterThan(800); // 1,097 here
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

  it('crowds by a view edge: within the slack, a moved view gives the same layout, moved', () => {
    // Where the search for a clear spot starts from a bubble held at the edge, and its distances
    // move with the view: small camera moves, often along both axes.
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const slack = { dxMin: 0, dxMax: 0, dyMin: 0, dyMax: 0 };
    const view = { x: 0, y: 0, width: 800, height: 600 };
    let checked = 0,
      searchedAndMoved = 0;
    for (let trial = 0; trial < 400; trial++) {
      const cx = [40, 760, 400][trial % 3]!,
        cy = [300, 300, 30][trial % 3]!;
      const boxes: BubbleBox[] = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => ({
        anchorX: cx + (rand() - 0.5) * 160,
        anchorY: cy + (rand() - 0.5) * 120,
        width: 100 + rand() * 120,
        height: 30 + rand() * 40,
      }));
      const base = structuredClone(layoutBubbles(boxes, view, {}, [], slack));
      // A bubble off both its natural spot and its clamp was placed by the search.
      const searched = base.some((p, i) => {
        const b = boxes[i]!;
        const natural = Math.min(Math.max(b.anchorX - b.width / 2, 4), 796 - b.width);
        return Math.abs(p.x - natural) > 0.5 || p.y > b.anchorY;
      });
      for (let k = 0; k < 30; k++) {
        const dx = k % 3 === 1 ? 0 : (rand() - 0.5) * 60,
          dy = k % 3 === 2 ? 0 : (rand() - 0.5) * 60;
        if (!viewStands(slack, dx, dy)) continue;
        checked++;
        const want = base.map((p) => movedWithView(p, dx, dy, { ...p }));
        if (searched && base.some((p) => p.follows)) searchedAndMoved++;
        const got = layoutBubbles(boxes, { ...view, x: dx, y: dy });
        got.forEach((p, i) => {
          for (const key of ['x', 'y', 'baseX', 'baseY', 'tipX', 'tipY'] as const)
            expect(p[key], `trial ${trial} move ${dx}, ${dy} bubble ${i} ${key}`).toBeCloseTo(
              want[i]![key],
              6,
            );
        });
      }
    }
    expect(checked).toBeGreaterThan(4000); // of 12,000 (5,111 here)
    expect(searchedAndMoved).toBeGreaterThan(2000); // 2,488 here
  });

  it('three crowded bubbles by the left edge, the camera walking right: moved, not laid out, on most frames', () => {
    // Speakers close together: the later bubbles search for a clear spot, starting from one held
    // at the edge. The layer's rule: keep the last layout while the move from its view stands.
    const boxes: BubbleBox[] = [
      { anchorX: 150, anchorY: 300, width: 180, height: 40 },
      { anchorX: 190, anchorY: 290, width: 160, height: 40 },
      { anchorX: 230, anchorY: 280, width: 200, height: 56 },
    ];
    const slack = { dxMin: 0, dxMax: 0, dyMin: 0, dyMax: 0 };
    let at = { x: 0, y: 0, width: 800, height: 600 };
    let laid = structuredClone(layoutBubbles(boxes, at, {}, [], slack));
    let layouts = 1,
      searched = 0;
    for (let f = 1; f <= 60; f++) {
      const view = { ...at, x: 3 * f };
      const fresh = layoutBubbles(boxes, view);
      // A bubble off its natural spot (above its speaker, or held at the edge) came from the search.
      searched += fresh.some((p, i) => p.y < Math.max(4, boxes[i]!.anchorY - 10 - boxes[i]!.height) - 0.5)
        ? 1
        : 0;
      if (viewStands(slack, view.x - at.x, 0)) {
        fresh.forEach((p, i) => {
          const want = movedWithView(laid[i]!, view.x - at.x, 0, { ...laid[i]! });
          for (const k of ['x', 'y', 'baseX', 'baseY', 'tipX', 'tipY'] as const)
            expect(p[k]).toBeCloseTo(want[k], 6);
        });
        continue;
      }
      layouts++;
      at = view;
      laid = structuredClone(layoutBubbles(boxes, at, {}, [], slack));
    }
    expect(searched).toBe(60);
    expect(layouts).toBeLessThan(20); // 14 here; 56 when a search from a held value gave the slack up
  });
});
