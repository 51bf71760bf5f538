/**
 * Every timer a session starts, so ending it clears them all at once (a conversation that ended
 * must not fire a metadata timeout or a reconnect later), and the one wait `close()` cuts short.
 */
export class SessionTimers {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #wakeSleeper: (() => void) | undefined;

  set(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  clear(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  /** A wait that `wake()` (or `clearAll()`) ends early. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.set(() => done(), ms);
      const done = () => {
        this.clear(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      this.#wakeSleeper = done;
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    this.#wakeSleeper?.();
  }

  /** Clears every timer and ends the current sleep. */
  clearAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.wake();
  }
}
