import type { ProximityTracker } from '../proximity/index.js';

/** Up to this many NPCs, every position is read every frame. */
const READ_ALL_UP_TO = 64;
/** Beyond it, an NPC away from the listener is read every this many frames… */
const ROUNDS = 4;
/**
 * …and "away" means beyond every NPC's reach plus this margin (px), by its last known position: an
 * NPC walking towards the player at up to 32 px a frame (about 2,000 px/s) is read every frame
 * before it is in reach of anything.
 */
const NEAR_MARGIN = 128;

/**
 * Copies NPC game-object positions into the proximity tracker each frame. Reading a game object's
 * x and y is a cache miss per object: with 10,000 NPCs those reads were most of the plugin's frame
 * (0.89 ms with no conversation open). Only the NPCs near the listener can start or end a
 * conversation this frame, so they are read every frame and the rest in turns.
 */
/** What the sync needs of an NpcHandle: its tracker index, its place in the list, and where it is. */
export interface SyncedNpc {
  readonly index: number;
  slot: number;
  readonly gameObject: { readonly x: number; readonly y: number };
}

export class PositionSync<H extends SyncedNpc = SyncedNpc> {
  readonly #tracker: ProximityTracker;
  readonly #list: H[] = [];
  /** Handles by tracker index, for the tracker's spatial query. */
  readonly #byIndex: (H | undefined)[] = [];
  #cursor = 0;
  readonly #readIndex = (index: number): void => {
    const h = this.#byIndex[index];
    if (h) this.#tracker.setPositionAt(index, h.gameObject.x, h.gameObject.y);
  };

  constructor(tracker: ProximityTracker) {
    this.#tracker = tracker;
  }

  /** After the tracker has the NPC (`h.index` set). */
  add(h: H): void {
    h.slot = this.#list.push(h) - 1;
    this.#byIndex[h.index] = h;
  }

  remove(h: H): void {
    const last = this.#list.pop()!;
    if (last !== h) this.#list[(last.slot = h.slot)] = last;
    h.slot = -1;
    if (this.#byIndex[h.index] === h) this.#byIndex[h.index] = undefined;
  }

  /** Per frame, before the tracker's update. */
  sync(listenerX: number, listenerY: number): void {
    const list = this.#list,
      n = list.length,
      tracker = this.#tracker;
    if (n <= READ_ALL_UP_TO) {
      for (let i = 0; i < n; i++) {
        const h = list[i]!,
          go = h.gameObject;
        tracker.setPositionAt(h.index, go.x, go.y);
      }
      return;
    }
    tracker.forEachNear(listenerX, listenerY, NEAR_MARGIN, this.#readIndex);
    let c = this.#cursor;
    for (let k = Math.ceil(n / ROUNDS); k > 0; k--) {
      if (c >= n) c = 0;
      const h = list[c++]!,
        go = h.gameObject;
      tracker.setPositionAt(h.index, go.x, go.y);
    }
    this.#cursor = c;
  }
}
