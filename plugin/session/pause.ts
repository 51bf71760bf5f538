/**
 * The session's one timer of its own: the pause before a reconnect attempt, which `close()` cuts
 * short so a session that is ending never waits out a backoff. A connection attempt's timers
 * (metadata, line) are the attempt's, and stop when its socket closes.
 */
export class ReconnectPause {
  #end: (() => void) | undefined;

  /** Resolves after `ms`, or sooner on `wake()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.#end = undefined;
        resolve();
      };
      this.#end = done;
    });
  }

  /** Ends the current pause, if any. */
  wake(): void {
    this.#end?.();
  }
}
