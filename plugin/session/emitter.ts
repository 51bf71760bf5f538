/** Unsubscribes the listener it was returned for; calling it twice is harmless. */
export type Unsubscribe = () => void;

type Listener = (...args: any[]) => void;

/**
 * A minimal typed listener set (no Node EventEmitter in the browser build). A throwing listener is
 * reported and never breaks protocol handling: a bug in game code must not drop the next audio frame.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  #listeners = new Map<keyof Events, Set<Listener>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  on<K extends keyof Events>(event: K, fn: Events[K]): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    // Wrap so the same function subscribed twice yields two independent subscriptions.
    const entry: Listener = (...args) => fn(...args);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#listeners.get(event) === set) this.#listeners.delete(event);
    };
  }

  has(event: keyof Events): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
