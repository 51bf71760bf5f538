/**
 * The agent's line (`queue_status`): when its concurrency is full, the service holds a conversation
 * `waiting` and drops what the client sends meanwhile. So the session holds the game's messages
 * (in order, bounded) and drops microphone audio until `admitted`; `timed_out` means the close that
 * follows is "busy", not a dropped connection to retry.
 */
const MAX_HELD = 100;

export class AgentLine {
  #waiting = false;
  #busy = false;
  readonly #held: string[] = [];

  get waiting(): boolean {
    return this.#waiting;
  }

  /** The service said `timed_out`: the conversation ends because every slot stayed taken. */
  get busy(): boolean {
    return this.#busy;
  }

  /** `send`: where held frames go once admitted. */
  status(status: string, send: (frame: string) => void): void {
    if (status === 'waiting') this.#waiting = true;
    else if (status === 'admitted') {
      this.#waiting = false;
      for (const frame of this.#held.splice(0)) send(frame);
    } else if (status === 'timed_out') {
      this.#busy = true;
      this.#waiting = false;
      this.#held.length = 0;
    }
  }

  /** Holds an encoded frame while waiting (true); false when it can go now. */
  hold(frame: string): boolean {
    if (!this.#waiting) return false;
    if (this.#held.length < MAX_HELD) this.#held.push(frame);
    return true;
  }

  /** A new conversation starts outside any line. */
  reset(): void {
    this.#waiting = false;
    this.#busy = false;
    this.#held.length = 0;
  }
}
