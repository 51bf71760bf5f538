import type { Conversation } from './conversation.js';
import type { DirectedBubble, DirectedNpc, NpcTalk } from './director-parts.js';
import type { NpcState } from './events.js';
import type { SyncedNpc } from './position-sync.js';

/**
 * One NPC's conversation state. Written by the director only (and `slot` by its PositionSync, which
 * keeps it as the NPC's place in the sync's list): everyone else sees NpcTalk.
 */
export class Talk<B extends DirectedBubble> implements NpcTalk, SyncedNpc {
  state: NpcState = 'idle';
  conversation: Conversation | null = null;
  bubble: B | null = null;
  pendingReload = false;
  /** The last conversation ended idle: the next one opens without a greeting. */
  quietNext = false;
  /** The last level given to the mouth callback. */
  mouth = 0;
  /** The mouth callback threw once (said then, not again every frame). */
  #mouthFailed = false;
  /** Being detached: a detach from a listener of its last events (or its object's destroy) is a no-op. */
  leaving = false;
  index = -1;
  slot = -1;
  constructor(readonly gameObject: { readonly x: number; readonly y: number }) {}

  /** The game's mouth callback, which runs inside the frame: a throw must not stop the game's loop. */
  moveMouth<N extends DirectedNpc>(npc: N, level: number, failed: (npc: N, cause: unknown) => void): void {
    try {
      npc.mouth(level);
    } catch (cause) {
      if (this.#mouthFailed) return;
      this.#mouthFailed = true;
      failed(npc, cause);
    }
  }
}
