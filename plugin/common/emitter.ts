/** Unsubscribes the listener it was returned for; calling it twice is harmless. */
export type Unsubscribe = () => void;

type Listener = (...args: any[]) => void;
type Entry = Listener & { orig?: Listener };
type EventMap<E> = { [K in keyof E]: Listener };

/** Where a throwing listener is reported; the default logs it on the console. */
type ListenerErrorHandler = (event: string, error: unknown) => void;

const logListenerError: ListenerErrorHandler = (event, error) =>
  console.error(`[phaser-voice-agents] '${event}' listener threw`, error);

/**
 * The one typed event emitter of the package (sessions, audio classes, NPC handles and the plugin):
 * no Node EventEmitter in the browser build, typed listeners, and a throwing listener is reported
 * instead of thrown, so a bug in game code never drops the next audio frame or protocol message.
 */
export class Emitter<Events extends EventMap<Events>> {
  readonly #map = new Map<keyof Events, Set<Entry>>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = logListenerError) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, fn: Events[K]): Unsubscribe {
    return this.#add(event, fn, fn);
  }

  /** Subscribe for the next emit only. `off(event, fn)` with the same `fn` cancels it. */
  once<K extends keyof Events>(event: K, fn: Events[K]): Unsubscribe {
    const off = this.#add(
      event,
      (...a) => {
        off();
        fn(...a);
      },
      fn,
    );
    return off;
  }

  /**
   * Each subscription is its own entry (the same function subscribed twice is two), remembering
   * the function the caller passed so `off(event, fn)` finds the entries of `once(event, fn)` too.
   */
  #add(event: keyof Events, call: Listener, orig: Listener): Unsubscribe {
    let set = this.#map.get(event);
    if (!set) this.#map.set(event, (set = new Set()));
    const entry: Entry = (...a) => call(...a);
    entry.orig = orig;
    set.add(entry);
    this.subscribed(event);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#map.get(event) === set) this.#map.delete(event);
    };
  }

  /** Called after each new subscription, by `on` and `once` alike (subclasses react to listening). */
  protected subscribed(_event: keyof Events): void {}

  /** Removes every subscription of `fn` to `event`. */
  off<K extends keyof Events>(event: K, fn: Events[K]): void {
    const set = this.#map.get(event);
    if (!set) return;
    for (const e of set) if (e.orig === fn) set.delete(e);
    if (set.size === 0) this.#map.delete(event);
  }

  has(event: keyof Events): boolean {
    return this.#map.has(event);
  }

  /** Events with at least one listener. */
  eventNames(): (keyof Events)[] {
    return [...this.#map.keys()];
  }

  /** Listeners of one event, or of all events (tests use it to prove nothing leaks). */
  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.#map.get(event)?.size ?? 0;
    let n = 0;
    for (const s of this.#map.values()) n += s.size;
    return n;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#map.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (error) {
        this.#onListenerError(String(event), error);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#map.clear();
  }
}

/** An emitter its owner fires from outside (a session's or the plugin's own event bus). */
export class EventBus<Events extends EventMap<Events>> extends Emitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    this.emit(event, ...args);
  }

  clear(): void {
    this.removeAllListeners();
  }
}
