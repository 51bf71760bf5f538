import { describe, it, expect } from 'vitest';
import { ProximityTracker } from '../../plugin/proximity/index.js';
import { proximityFromNpc } from '../../plugin/phaser/npc-proximity.js';
import { compileNpcFile } from '../../plugin/npc/index.js';
import { parseMap, losFor, cfg, Walk } from './proximity-walk.js';

describe('proximity: who gets the conversation', () => {
  it('gives it to the nearest NPC inside its enter radius, and opens that conversation first', () => {
    const w = new Walk(
      parseMap(`
        ..........
        .A.....B..
        ......1...
        ..........
      `),
    );
    w.at('1');
    expect(w.take()).toEqual(['open:B', 'activate:B']);
    expect(w.tracker.active).toBe('B');
  });

  it('nobody is active when the player stands outside every enter radius', () => {
    const w = new Walk(
      parseMap(`
        A.........
        ..........
        .........1
      `),
    );
    w.at('1').wait(500);
    expect(w.take()).toEqual([]);
    expect(w.tracker.active).toBeNull();
  });

  it('walking along the edge between the enter and the exit radius does not flap', () => {
    // A at x=5; the player zig-zags between 25 px (inside enter 30) and 42 px (inside exit 45).
    const w = new Walk(parseMap(`A....`));
    const y = 5;
    for (let i = 0; i < 40; i++) w.pos(5 + (i % 2 ? 42 : 25), y);
    expect(w.take()).toEqual(['open:A', 'activate:A']);
    // Out past the exit radius: the conversation ends (and closes after the linger).
    w.pos(5 + 50, y);
    expect(w.take()).toEqual(['deactivate:A']);
    w.wait(1600);
    expect(w.take()).toEqual(['close:A']);
  });

  it('an NPC takes the conversation only after the player dwells inside for dwell_ms', () => {
    const w = new Walk(
      parseMap(`
        .A....
        ..1..2
      `),
      { A: { dwellMs: 300 } },
    );
    w.at('1').wait(200);
    expect(w.tracker.active).toBeNull();
    // Stepping out resets the dwell clock.
    w.at('2');
    w.at('1').wait(200);
    expect(w.tracker.active).toBeNull();
    w.wait(150);
    expect(w.tracker.active).toBe('A');
    expect(w.take()).toEqual(['open:A', 'activate:A']);
  });

  it('priority beats distance among NPCs in range; equal priority falls back to distance', () => {
    const map = parseMap(`
      A...1.B
    `);
    const r = { radius: 45, exitRadius: 60 };
    const w = new Walk(map, { A: { ...r, priority: 1 }, B: r });
    w.at('1'); // A is 40 px away, B 20 px: both inside a 45 px radius
    const w2 = new Walk(map, { A: r, B: r });
    w2.at('1');
    expect(w.tracker.active).toBe('A');
    expect(w2.tracker.active).toBe('B');
  });

  it('a switch needs the challenger to be clearly nearer, not just a pixel nearer', () => {
    const w = new Walk(parseMap(`A..B`), {}, { switchMargin: 12 });
    // Both at 15 px either side of the midpoint (x=20); A first.
    w.pos(19, 5);
    expect(w.tracker.active).toBe('A');
    w.pos(21, 5).pos(23, 5).pos(19, 5).pos(22, 5);
    expect(w.tracker.active).toBe('A');
    w.pos(30, 5); // 25 px from A, 5 from B: 20 px nearer, beyond the margin
    expect(w.tracker.active).toBe('B');
    expect(w.take()).toEqual(['open:A', 'activate:A', 'deactivate:A', 'open:B', 'activate:B']);
  });

  it('an NPC that is mid-sentence keeps the conversation until the player leaves its exit radius', () => {
    const map = parseMap(`
      A.1.2.B
      .......
    `);
    const w = new Walk(map, { A: { exitRadius: 45 } });
    w.at('1'); // 20 px from A
    expect(w.tracker.active).toBe('A');
    w.tracker.setSpeaking('A', true);
    w.at('2'); // 40 px from A (inside exit 45), 20 px from B
    expect(w.tracker.active).toBe('A');
    w.wait(500);
    expect(w.tracker.active).toBe('A');
    // The sentence ends: the nearer NPC takes over.
    w.tracker.setSpeaking('A', false);
    w.wait(16);
    expect(w.tracker.active).toBe('B');

    // And while speaking, leaving the exit radius does end it.
    const w2 = new Walk(map, { A: { exitRadius: 45 } });
    w2.at('1');
    w2.tracker.setSpeaking('A', true);
    w2.pos(map.npcs.get('B')!.x, 5);
    expect(w2.tracker.active).toBe('B');
  });

  it('honours the line-of-sight predicate: an NPC behind a wall is skipped for the next one', () => {
    const map = parseMap(`
      .A#1...B
      ..#.....
    `);
    const w = new Walk(map, { A: { radius: 40 }, B: { radius: 45 } }, { lineOfSight: losFor(map) });
    w.at('1'); // A is 20 px away but walled off; B is 40 px away
    expect(w.tracker.active).toBe('B');
    const noLos = new Walk(map, { A: { radius: 40 }, B: { radius: 45 } });
    noLos.at('1');
    expect(noLos.tracker.active).toBe('A');
  });

  it('a removed NPC (sprite destroyed) silently stops being active', () => {
    const w = new Walk(parseMap(`A1`));
    w.at('1');
    expect(w.tracker.active).toBe('A');
    w.take();
    w.tracker.remove('A');
    expect(w.tracker.active).toBeNull();
    w.wait(2000);
    expect(w.take()).toEqual([]);
    expect(w.tracker.openIds()).toEqual([]);
  });

  it('hot reload: new radii apply at the next update', () => {
    const w = new Walk(parseMap(`A....1`));
    w.at('1'); // 50 px
    expect(w.tracker.active).toBeNull();
    w.tracker.configure('A', cfg({ radius: 60, exitRadius: 80 }));
    w.wait(16);
    expect(w.tracker.active).toBe('A');
  });
});

describe('proximity: prewarm and the concurrency cap', () => {
  const approach = parseMap(`
    A.....1.......2
    ...............
  `);

  it('crossing the prewarm radius opens the conversation early; arriving activates it without reopening', () => {
    const w = new Walk(approach, { A: { radius: 30, exitRadius: 45, prewarmRadius: 100 } });
    w.at('2'); // 140 px
    expect(w.take()).toEqual([]);
    w.walkTo('1'); // 60 px: inside prewarm, outside enter
    expect(w.take()).toEqual(['open:A']);
    expect(w.tracker.active).toBeNull();
    w.pos(30, 5); // 25 px
    expect(w.take()).toEqual(['activate:A']);
  });

  it('brushing past the prewarm radius closes only after the linger; coming back in time keeps it', () => {
    const w = new Walk(approach, { A: { prewarmRadius: 100 } }, { lingerMs: 1000 });
    w.at('1');
    expect(w.take()).toEqual(['open:A']);
    w.at('2').wait(600);
    w.at('1');
    expect(w.take()).toEqual([]); // back within the linger: the same conversation
    w.at('2').wait(900);
    expect(w.take()).toEqual([]);
    w.wait(200);
    expect(w.take()).toEqual(['close:A']);
  });

  it('over the cap, prewarms wait (nearest first) and open as slots free', () => {
    const map = parseMap(`
      A.B.C.........................9
      ..1............................
    `);
    const pre = { prewarmRadius: 60 };
    const w = new Walk(map, { A: pre, B: pre, C: pre }, { maxConcurrent: 2, lingerMs: 100 });
    w.at('1');
    // 1 is at (25,15): A 14 px, B 14 px, C 32 px. A is nearest-ranked first.
    const opened = w.take().filter((c) => c.startsWith('open'));
    expect(opened).toHaveLength(2);
    expect(w.tracker.waiting).toEqual(['C']);
    expect(w.tracker.openIds()).not.toContain('C');
    // Move right so A falls out of prewarm: it lingers, closes, and C gets the slot.
    w.pos(80, 15).wait(200);
    const log = w.take();
    expect(log).toContain('close:A');
    expect(log).toContain('open:C');
    expect(log.indexOf('close:A')).toBeLessThan(log.indexOf('open:C'));
    expect(w.tracker.waiting).toEqual([]);
  });

  it('the active NPC always gets a slot, evicting a lingering conversation before a prewarm', () => {
    const map = parseMap(`
      A...................B.......C
      ....1...............2........
    `);
    const w = new Walk(
      map,
      { A: { prewarmRadius: 50 }, B: { prewarmRadius: 200 }, C: { radius: 40 } },
      { maxConcurrent: 2, lingerMs: 5000 },
    );
    w.at('1'); // A active+open, B prewarm open (B is 160 px away)
    expect(new Set(w.tracker.openIds())).toEqual(new Set(['A', 'B']));
    w.pos(map.npcs.get('C')!.x - 20, 15); // A lingers (far), B still prewarm, C enter radius
    const log = w.take();
    expect(log).toContain('close:A');
    expect(log).toContain('open:C');
    expect(w.tracker.active).toBe('C');
    expect(new Set(w.tracker.openIds())).toEqual(new Set(['B', 'C']));
  });

  it('a cap of one still lets the active NPC talk: the prewarm gives way', () => {
    const map = parseMap(`
      A.....1...B
    `);
    const w = new Walk(map, { A: { prewarmRadius: 100 }, B: {} }, { maxConcurrent: 1 });
    w.at('1'); // A 60 px (prewarm), B 40 px (enter 30? no) -> move closer to B
    expect(w.tracker.openIds()).toEqual(['A']);
    w.pos(map.npcs.get('B')!.x - 10, 5);
    expect(w.tracker.active).toBe('B');
    expect(w.tracker.openIds()).toEqual(['B']);
    expect(w.tracker.waiting).toEqual(['A']);
  });

  it('clear() ends everything (scene shutdown)', () => {
    const w = new Walk(approach, { A: { prewarmRadius: 100 } });
    w.pos(20, 5);
    w.take();
    expect([...w.tracker.clear()].map((c) => `${c.type}:${c.id}`)).toEqual(['deactivate:A', 'close:A']);
    expect(w.tracker.active).toBeNull();
    expect(w.tracker.openIds()).toEqual([]);
  });
});

describe('proximity: spatial index', () => {
  /** Deterministic pseudo-random numbers (mulberry32). */
  function rng(seed: number) {
    return () => {
      seed |= 0;
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('gives exactly the decisions of a full scan, also when the player teleports and NPCs move', () => {
    const rand = rng(42);
    const opts = { maxConcurrent: 3, lingerMs: 300 };
    const gridded = new ProximityTracker({ ...opts, cellSize: 64 });
    const scan = new ProximityTracker({ ...opts, cellSize: 1e7 }); // one cell: every NPC every frame
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const c = cfg({
        radius: 20 + rand() * 40,
        exitRadius: 70 + rand() * 20,
        prewarmRadius: rand() < 0.5 ? 0 : 90 + rand() * 60,
        priority: Math.floor(rand() * 3),
        dwellMs: rand() < 0.5 ? 0 : 100,
      });
      const x = rand() * 2000,
        y = rand() * 2000;
      gridded.add(`n${i}`, x, y, c);
      scan.add(`n${i}`, x, y, c);
      ids.push(`n${i}`);
    }
    let px = 1000,
      py = 1000;
    const a: string[] = [],
      b: string[] = [];
    for (let t = 16; t < 16 * 3000; t += 16) {
      if (rand() < 0.005) {
        px = rand() * 2000; // teleport
        py = rand() * 2000;
      } else {
        px += (rand() - 0.5) * 12;
        py += (rand() - 0.5) * 12;
      }
      if (rand() < 0.2) {
        const id = ids[Math.floor(rand() * ids.length)]!;
        const x = rand() * 2000,
          y = rand() * 2000;
        gridded.setPosition(id, x, y);
        scan.setPosition(id, x, y);
      }
      if (rand() < 0.01) {
        const id = ids[Math.floor(rand() * ids.length)]!;
        const s = rand() < 0.5;
        gridded.setSpeaking(id, s);
        scan.setSpeaking(id, s);
      }
      for (const c of gridded.update(px, py, t)) a.push(`${t} ${c.type}:${c.id}`);
      for (const c of scan.update(px, py, t)) b.push(`${t} ${c.type}:${c.id}`);
    }
    expect(a.length).toBeGreaterThan(50); // the walk really met NPCs
    expect(a).toEqual(b);
  });
});

describe('proximity: NPC file mapping', () => {
  it('maps snake_case fields, and a hand-built NPC gets the defaults a YAML file gets', () => {
    expect(
      proximityFromNpc({ radius: 96, exit_radius: 128, priority: 2, dwell_ms: 50, prewarm_radius: 200 }),
    ).toEqual({ radius: 96, exitRadius: 128, priority: 2, dwellMs: 50, prewarmRadius: 200 });
    const d = proximityFromNpc({ radius: 60 });
    expect(d.exitRadius).toBeGreaterThan(60);
    const r = compileNpcFile(
      'name: A\nagent: { prompt: { text: hi } }\nproximity: { radius: 60 }\n',
      'a.npc.yaml',
    );
    if (!r.ok) throw new Error('does not compile');
    expect(d).toEqual(proximityFromNpc(r.npc.proximity));
    expect(proximityFromNpc(undefined)).toEqual({
      radius: 96,
      exitRadius: 128,
      prewarmRadius: 192,
      priority: 0,
      dwellMs: 250,
    });
  });

  it('rejects a negative or NaN radius with the NPC named', () => {
    const t = new ProximityTracker();
    expect(() => t.add('mira', 0, 0, cfg({ radius: -1 }))).toThrow(/mira.*radius/);
    expect(() => t.add('mira', 0, 0, cfg({ dwellMs: NaN }))).toThrow(/mira.*dwellMs/);
  });
});
