/**
 * What NPCs learned from each player (the replies' `remember`), kept for the play session: keyed
 * by the conversation's `user_id` (the plugin sends one per page load) and the NPC. Bounded in
 * players (least recently used go first), facts per NPC and age, so clients that invent user ids
 * cannot grow the agent's memory without limit.
 */
const MAX_PLAYERS = 5_000;
const MAX_FACTS = 64;
const MAX_AGE_MS = 6 * 60 * 60 * 1000;

interface Entry {
  facts: Map<string, Map<string, string>>;
  touched: number;
}

export class PlayerMemory {
  readonly #players = new Map<string, Entry>();
  readonly #now: () => number = () => Date.now();

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  /** The NPC's memory of this player, or undefined without a user id (nothing can be kept). */
  of(userId: string | undefined, npcId: string): Map<string, string> | undefined {
    if (!userId) return undefined;
    const key = userId.slice(0, 128);
    const now = this.#now();
    let entry = this.#players.get(key);
    if (entry && now - entry.touched > MAX_AGE_MS) entry = undefined;
    if (entry) this.#players.delete(key); // re-inserted below: most recent last
    entry ??= { facts: new Map(), touched: now };
    entry.touched = now;
    this.#players.set(key, entry);
    while (this.#players.size > MAX_PLAYERS) this.#players.delete(this.#players.keys().next().value!);
    let facts = entry.facts.get(npcId);
    if (!facts) entry.facts.set(npcId, (facts = new BoundedFacts()));
    return facts;
  }

  get players(): number {
    return this.#players.size;
  }
}

/** A Map that keeps at most MAX_FACTS entries (the oldest go). */
class BoundedFacts extends Map<string, string> {
  override set(key: string, value: string): this {
    this.delete(key);
    super.set(key.slice(0, 64), value.slice(0, 256));
    while (this.size > MAX_FACTS) this.delete(this.keys().next().value!);
    return this;
  }
}
