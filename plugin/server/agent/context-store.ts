/**
 * The `contextual_update`s a conversation keeps for its brain: the latest text per `context_id`,
 * bounded in count, per-update size and total size, because every conversation holds its own and
 * one client must not grow the agent's memory without bound (issue 12.5: 64 × 256 KB each).
 */
import type { LocalAgentNotice } from './channel.js';

export interface ContextLimits {
  /** Longest update kept (characters); a longer one is cut to this and the client told once. */
  maxContextUpdateChars: number;
  /** Characters kept over all ids; the oldest ids are dropped to make room. */
  maxContextChars: number;
}

/** Sent once per conversation, the first time an update is cut (local agent only; real clients ignore it). */
export function contextCutNotice(length: number, cap: number): LocalAgentNotice {
  return {
    type: 'local_agent_notice',
    local_agent_notice_event: {
      code: 'context_truncated',
      message: `A contextual_update of ${length} characters was cut to the local agent's ${cap}-character limit.`,
    },
  };
}

/** Ids kept at most (the most recent). */
const MAX_IDS = 64;
/** Updates without an id share this many rotating slots. */
const ANONYMOUS_SLOTS = 16;

export class ContextStore {
  readonly #byId = new Map<string, string>();
  #chars = 0;
  #anonymous = 0;
  readonly #limits: ContextLimits;

  constructor(limits: ContextLimits) {
    this.#limits = limits;
  }

  /** What the brain reads: latest text per id, oldest first. */
  get entries(): ReadonlyMap<string, string> {
    return this.#byId;
  }

  get totalChars(): number {
    return this.#chars;
  }

  /**
   * Keeps `text` under `contextId`, cut to the per-update cap. Returns true when it had to be cut.
   * Cut rather than refused: a game's oversized background note should not end the player's conversation.
   */
  update(text: string, contextId?: string): boolean {
    const cut = text.length > this.#limits.maxContextUpdateChars;
    const kept = cut ? text.slice(0, this.#limits.maxContextUpdateChars) : text;
    const id = contextId ?? `anonymous-${this.#anonymous++ % ANONYMOUS_SLOTS}`;
    this.#remove(id);
    this.#byId.set(id, kept);
    this.#chars += kept.length;
    while (this.#byId.size > MAX_IDS || this.#chars > this.#limits.maxContextChars) {
      this.#remove(this.#byId.keys().next().value!);
    }
    return cut;
  }

  #remove(id: string): void {
    const old = this.#byId.get(id);
    if (old === undefined) return;
    this.#chars -= old.length;
    this.#byId.delete(id);
  }
}
