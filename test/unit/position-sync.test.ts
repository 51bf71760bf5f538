/**
 * The plugin copies NPC positions into the proximity tracker every frame: all of them up to 64,
 * beyond that the NPCs near the player every frame and the rest in turns. What a player notices is
 * whether an NPC that walks (or is moved) up to them gets the conversation as soon as it is in
 * reach, however many NPCs the scene has.
 */
import { describe, expect, it } from 'vitest';
import { ProximityTracker, type ProximityChange } from '../../plugin/proximity/index.js';
import { PositionSync, type SyncedNpc } from '../../plugin/phaser/position-sync.js';

const CFG = { radius: 96, exitRadius: 128, prewarmRadius: 0, priority: 0, dwellMs: 0 };

function scene(count: number) {
  const tracker = new ProximityTracker({ maxConcurrent: 4, lingerMs: 0 });
  const sync = new PositionSync(tracker);
  const npcs: (SyncedNpc & { id: string; gameObject: { x: number; y: number } })[] = [];
  for (let i = 0; i < count; i++) {
    // A row far to the east of the player at (0, 0), 100 px apart.
    const id = `npc${i}`;
    const gameObject = { x: 2000 + i * 100, y: 0 };
    tracker.add(id, gameObject.x, gameObject.y, CFG);
    const h = { id, index: tracker.indexOf(id), slot: -1, gameObject };
    sync.add(h);
    npcs.push(h);
  }
  let now = 0;
  /** One frame: sync, update; the ids activated this frame. */
  const frame = (): string[] => {
    now += 16;
    sync.sync(0, 0);
    const changes: readonly ProximityChange[] = tracker.update(0, 0, now);
    return changes.filter((c) => c.type === 'activate').map((c) => c.id);
  };
  return { tracker, sync, npcs, frame };
}

describe('PositionSync', () => {
  it.each([10, 200, 10_000])(
    '%i NPCs: one teleported next to the player is active within 4 frames',
    (count) => {
      const { npcs, frame } = scene(count);
      expect(frame()).toEqual([]);
      const far = npcs[Math.floor(count / 2)]!;
      far.gameObject.x = 40;
      let frames = 0;
      let active: string[] = [];
      while (active.length === 0 && frames < 10) {
        active = frame();
        frames++;
      }
      expect(active).toEqual([far.id]);
      expect(frames).toBeLessThanOrEqual(count <= 64 ? 1 : 4);
    },
  );

  it('an NPC walking up at 30 px a frame is active the frame it is in reach, among 10,000', () => {
    const { npcs, frame } = scene(10_000);
    const walker = npcs[7_777]!;
    walker.gameObject.x = 1500;
    for (let i = 0; i < 8; i++) frame(); // its new place is known by now
    let at = -1;
    for (let i = 0; at < 0 && i < 100; i++) {
      walker.gameObject.x -= 30;
      if (frame().includes(walker.id)) at = walker.gameObject.x;
    }
    // Reach is 96 px: the first frame at or inside it.
    expect(at).toBeGreaterThan(96 - 30);
    expect(at).toBeLessThanOrEqual(96);
  });

  it('forgets a removed NPC: its tracker index can be reused without reading the old object', () => {
    const { tracker, sync, npcs, frame } = scene(100);
    const gone = npcs[50]!;
    sync.remove(gone);
    tracker.remove(gone.id);
    gone.gameObject.x = 0; // a destroyed object the game moved: must not be read
    tracker.add('newcomer', 5000, 0, CFG);
    const newcomer = {
      id: 'newcomer',
      index: tracker.indexOf('newcomer'),
      slot: -1,
      gameObject: { x: 5000, y: 0 },
    };
    sync.add(newcomer);
    for (let i = 0; i < 8; i++) expect(frame()).toEqual([]);
    newcomer.gameObject.x = 10;
    let active: string[] = [];
    for (let i = 0; active.length === 0 && i < 8; i++) active = frame();
    expect(active).toEqual(['newcomer']);
  });
});
