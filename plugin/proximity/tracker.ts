import { SpatialGrid } from './grid.js';
import {
  nearer,
  PROXIMITY_DEFAULTS,
  validateConfig,
  type LineOfSight,
  type ProximityChange,
  type ProximityConfig,
  type ProximityInspection,
  type ProximityOptions,
  type Rec,
} from './types.js';

/**
 * Decides, frame by frame, which NPC the player is talking to (the active one, which gets the
 * microphone) and which conversations should be open (the active one plus prewarmed ones), under a
 * concurrency cap. Pure: positions and time come in, a list of changes comes out.
 */
export class ProximityTracker {
  readonly #recs: (Rec | undefined)[] = [];
  readonly #byId = new Map<string, Rec>();
  readonly #free: number[] = [];
  readonly #grid: SpatialGrid;
  readonly #openRecs = new Set<Rec>();
  readonly #insideRecs = new Set<Rec>();
  #activeRec: Rec | null = null;
  #maxReach = 0;
  #frame = 0;
  readonly #changes: ProximityChange[] = [];
  readonly #candidates: Rec[] = [];
  readonly #warm: Rec[] = [];
  #waitingIds: string[] = [];
  #lastNow = 0;
  /** The grid query's visitor, made once (a closure per update was garbage every frame), and its inputs. */
  readonly #visitIndex = (index: number): void =>
    this.#visit(this.#recs[index]!, this.#qx, this.#qy, this.#qNow);
  #qx = 0;
  #qy = 0;
  #qNow = 0;
  maxConcurrent: number;
  lingerMs: number;
  switchMargin: number;
  lineOfSight: LineOfSight | null;

  constructor(opts: ProximityOptions = {}) {
    this.maxConcurrent = opts.maxConcurrent ?? PROXIMITY_DEFAULTS.maxConcurrent;
    this.lingerMs = opts.lingerMs ?? PROXIMITY_DEFAULTS.lingerMs;
    this.switchMargin = opts.switchMargin ?? PROXIMITY_DEFAULTS.switchMargin;
    this.lineOfSight = opts.lineOfSight ?? null;
    this.#grid = new SpatialGrid(opts.cellSize ?? PROXIMITY_DEFAULTS.cellSize);
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The NPC that currently has the conversation (and the microphone), or null. */
  get active(): string | null {
    return this.#activeRec?.id ?? null;
  }

  /** Ids whose conversation should be open right now. */
  openIds(): string[] {
    return [...this.#openRecs].map((r) => r.id);
  }

  /** Prewarms held back by the concurrency cap, nearest first. */
  get waiting(): readonly string[] {
    return this.#waitingIds;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  add(id: string, x: number, y: number, config: ProximityConfig): void {
    if (this.#byId.has(id)) throw new Error(`NPC ${id} is already tracked`);
    const cfg = validateConfig(id, config);
    const index = this.#free.pop() ?? this.#recs.length;
    const rec: Rec = {
      id,
      index,
      x,
      y,
      cfg,
      d2: Infinity,
      enteredAt: -1,
      open: false,
      lingerSince: -1,
      speaking: false,
      stamp: 0,
      waiting: false,
    };
    this.#recs[index] = rec;
    this.#byId.set(id, rec);
    this.#grid.set(index, x, y);
    this.#maxReach = Math.max(this.#maxReach, cfg.exitRadius, cfg.prewarmRadius);
  }

  /** Swap an NPC's settings (hot reload). Takes effect at the next update. */
  configure(id: string, config: ProximityConfig): void {
    const rec = this.#must(id);
    rec.cfg = validateConfig(id, config);
    this.#maxReach = Math.max(this.#maxReach, rec.cfg.exitRadius, rec.cfg.prewarmRadius);
  }

  /**
   * Forget an NPC. Silent by design: the caller removes an NPC because its sprite is gone, and ends
   * that conversation itself; no change is reported for it.
   */
  remove(id: string): void {
    const rec = this.#byId.get(id);
    if (!rec) return;
    this.#byId.delete(id);
    this.#grid.delete(rec.index);
    this.#recs[rec.index] = undefined;
    this.#free.push(rec.index);
    this.#openRecs.delete(rec);
    this.#insideRecs.delete(rec);
    if (this.#activeRec === rec) this.#activeRec = null;
    this.#waitingIds = this.#waitingIds.filter((w) => w !== id);
  }

  setPosition(id: string, x: number, y: number): void {
    const rec = this.#byId.get(id);
    if (!rec) return;
    this.#setPositionRec(rec, x, y);
  }

  #setPositionRec(rec: Rec, x: number, y: number): void {
    if (rec.x === x && rec.y === y) return;
    rec.x = x;
    rec.y = y;
    this.#grid.set(rec.index, x, y);
  }

  /**
   * Fast path for per-frame sync of many NPCs: `indexOf(id)` once, then positions by index. Returns
   * a dense index usable with setPositionAt until the NPC is removed.
   */
  indexOf(id: string): number {
    return this.#must(id).index;
  }

  /**
   * Calls `fn` with the index of every NPC that may be within every radius plus `margin` of (x, y)
   * by its last known position (a superset: whole grid cells).
   */
  forEachNear(x: number, y: number, margin: number, fn: (index: number) => void): void {
    this.#grid.query(x, y, this.#maxReach + margin, fn);
  }

  setPositionAt(index: number, x: number, y: number): void {
    const rec = this.#recs[index];
    if (rec) this.#setPositionRec(rec, x, y);
  }

  /** Mark an NPC as mid-sentence: while speaking it keeps the conversation until the player leaves its exit radius. */
  setSpeaking(id: string, speaking: boolean): void {
    const rec = this.#byId.get(id);
    if (rec) rec.speaking = speaking;
  }

  #must(id: string): Rec {
    const rec = this.#byId.get(id);
    if (!rec) throw new Error(`NPC ${id} is not tracked`);
    return rec;
  }

  #visit(rec: Rec, px: number, py: number, now: number): void {
    if (rec.stamp === this.#frame) return;
    rec.stamp = this.#frame;
    const dx = rec.x - px,
      dy = rec.y - py;
    rec.d2 = dx * dx + dy * dy;
    const r = rec.cfg.radius;
    if (rec.d2 <= r * r) {
      if (rec.enteredAt < 0) rec.enteredAt = now;
      this.#insideRecs.add(rec);
      if (now - rec.enteredAt >= rec.cfg.dwellMs) this.#candidates.push(rec);
    } else if (rec.enteredAt >= 0) {
      rec.enteredAt = -1;
      this.#insideRecs.delete(rec);
    }
    const pw = rec.cfg.prewarmRadius;
    if (pw > 0 && rec.d2 <= pw * pw) this.#warm.push(rec);
  }

  /** Ranking among NPCs inside their enter radius: higher priority, then nearer. */
  static #better(a: Rec, b: Rec): number {
    return b.cfg.priority - a.cfg.priority || a.d2 - b.d2;
  }

  /**
   * Advance to time `now` (ms, any monotonic clock) with the player at (px, py). Returns the changes
   * since the previous update; the array is reused by the next call.
   */
  update(px: number, py: number, now: number): readonly ProximityChange[] {
    this.#frame++;
    this.#lastNow = now;
    const changes = this.#changes;
    changes.length = 0;
    this.#candidates.length = 0;
    this.#warm.length = 0;

    this.#qx = px;
    this.#qy = py;
    this.#qNow = now;
    this.#grid.query(px, py, this.#maxReach, this.#visitIndex);
    // Records tracked from earlier frames that the query no longer reaches (the player jumped away).
    for (const rec of this.#openRecs) this.#visit(rec, px, py, now);
    for (const rec of this.#insideRecs) this.#visit(rec, px, py, now);

    // --- Who has the conversation.
    let cur = this.#activeRec;
    if (cur) {
      const e = cur.cfg.exitRadius;
      if (cur.d2 > e * e) {
        changes.push({ type: 'deactivate', id: cur.id });
        this.#activeRec = cur = null;
      }
    }
    const cands = this.#candidates;
    if (cands.length > 1) cands.sort(ProximityTracker.#better);
    let best: Rec | null = null;
    for (const c of cands) {
      if (c === cur) {
        // The incumbent ranks at least this high; nobody below it can win.
        best = c;
        break;
      }
      if (!this.lineOfSight || this.lineOfSight(c.id, c.x, c.y, px, py)) {
        best = c;
        break;
      }
    }
    let activated: Rec | null = null;
    if (cur) {
      if (best && best !== cur && !cur.speaking && this.#beats(best, cur)) {
        changes.push({ type: 'deactivate', id: cur.id });
        this.#activeRec = activated = best;
      }
    } else if (best) {
      this.#activeRec = activated = best;
    }
    const active = this.#activeRec;

    // --- Which conversations are open: linger out the unwanted ones.
    const warm = this.#warm;
    for (const rec of this.#openRecs) {
      const wanted = rec === active || this.#isWarm(rec);
      if (wanted) rec.lingerSince = -1;
      else if (rec.lingerSince < 0) rec.lingerSince = now;
      else if (now - rec.lingerSince >= this.lingerMs) this.#closeRec(rec);
    }
    // The active NPC always gets a slot: evict a lingering conversation first, else the farthest prewarm.
    if (active && !active.open) {
      if (this.#openRecs.size >= this.maxConcurrent) this.#evictFor(active);
      if (this.#openRecs.size < this.maxConcurrent) this.#openRec(active, 'active');
    }
    if (warm.length > 1) warm.sort(nearer);
    for (const id of this.#waitingIds) {
      const r = this.#byId.get(id);
      if (r) r.waiting = false;
    }
    let waiting: string[] | null = null;
    for (const rec of warm) {
      if (rec.open) continue;
      if (this.#openRecs.size < this.maxConcurrent) this.#openRec(rec, 'prewarm');
      else {
        rec.waiting = true;
        (waiting ??= []).push(rec.id);
      }
    }
    if (waiting || this.#waitingIds.length) this.#waitingIds = waiting ?? [];
    if (activated && activated.open) changes.push({ type: 'activate', id: activated.id });
    else if (activated) this.#activeRec = null; // no slot at all (maxConcurrent 0): nobody is active
    return changes;
  }

  #isWarm(rec: Rec): boolean {
    const pw = rec.cfg.prewarmRadius;
    return pw > 0 && rec.d2 <= pw * pw;
  }

  #beats(challenger: Rec, incumbent: Rec): boolean {
    if (challenger.cfg.priority !== incumbent.cfg.priority)
      return challenger.cfg.priority > incumbent.cfg.priority;
    return Math.sqrt(challenger.d2) + this.switchMargin < Math.sqrt(incumbent.d2);
  }

  #openRec(rec: Rec, reason: 'prewarm' | 'active'): void {
    rec.open = true;
    rec.lingerSince = -1;
    rec.waiting = false;
    this.#openRecs.add(rec);
    this.#changes.push({ type: 'open', id: rec.id, reason });
  }

  #closeRec(rec: Rec): void {
    rec.open = false;
    rec.lingerSince = -1;
    this.#openRecs.delete(rec);
    this.#changes.push({ type: 'close', id: rec.id });
  }

  #evictFor(keep: Rec): void {
    let victim: Rec | null = null;
    for (const rec of this.#openRecs) {
      if (rec === keep) continue;
      if (!victim) victim = rec;
      else if (rec.lingerSince >= 0 !== victim.lingerSince >= 0) {
        if (rec.lingerSince >= 0) victim = rec;
      } else if (rec.lingerSince >= 0 ? rec.lingerSince < victim.lingerSince : rec.d2 > victim.d2)
        victim = rec;
    }
    if (victim) this.#closeRec(victim);
  }

  /** Close everything (scene shutdown). Returns the changes, like update(). */
  clear(): readonly ProximityChange[] {
    const changes = this.#changes;
    changes.length = 0;
    if (this.#activeRec) changes.push({ type: 'deactivate', id: this.#activeRec.id });
    this.#activeRec = null;
    for (const rec of [...this.#openRecs]) this.#closeRec(rec);
    for (const rec of this.#insideRecs) rec.enteredAt = -1;
    this.#insideRecs.clear();
    this.#waitingIds = [];
    return changes;
  }

  inspect(id: string): ProximityInspection | null {
    const rec = this.#byId.get(id);
    if (!rec) return null;
    const fresh = rec.stamp === this.#frame;
    const now = this.#lastNow;
    return {
      id,
      x: rec.x,
      y: rec.y,
      config: rec.cfg,
      distance: fresh ? Math.sqrt(rec.d2) : Infinity,
      active: rec === this.#activeRec,
      open: rec.open,
      waiting: rec.waiting,
      speaking: rec.speaking,
      dwellRemainingMs: rec.enteredAt >= 0 ? Math.max(0, rec.cfg.dwellMs - (now - rec.enteredAt)) : 0,
      closesInMs: rec.lingerSince >= 0 ? Math.max(0, this.lingerMs - (now - rec.lingerSince)) : null,
    };
  }
}
