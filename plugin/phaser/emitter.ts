type Listener = (...args: any[]) => void;

/**
 * Typed events for game code (`npc.on('tool:open_shop', fn)` returns an unsubscribe). A throwing
 * game listener is reported on the console and never breaks the conversation.
 */
export class TypedEvents<Events extends { [K in keyof Events]: Listener }> {
  private readonly map = new Map<keyof Events, Set<Listener>>();

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, fn: Events[K]): () => void {
    let set = this.map.get(event);
    if (!set) this.map.set(event, (set = new Set()));
    const entry: Listener = (...a) => (fn as Listener)(...a);
    set.add(entry);
    (entry as { orig?: Listener }).orig = fn as Listener;
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.map.get(event) === set) this.map.delete(event);
    };
  }

  once<K extends keyof Events>(event: K, fn: Events[K]): () => void {
    const off = this.on(event, ((...a: unknown[]) => {
      off();
      (fn as Listener)(...a);
    }) as Events[K]);
    return off;
  }

  /** Remove every subscription of `fn` to `event`. */
  off<K extends keyof Events>(event: K, fn: Events[K]): void {
    const set = this.map.get(event);
    if (!set) return;
    for (const e of set) if ((e as { orig?: Listener }).orig === fn) set.delete(e);
    if (set.size === 0) this.map.delete(event);
  }

  /** Events with at least one listener. */
  eventNames(): (keyof Events)[] {
    return [...this.map.keys()];
  }

  /** Listeners of one event, or of all events. */
  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.map.get(event)?.size ?? 0;
    let n = 0;
    for (const s of this.map.values()) n += s.size;
    return n;
  }

  protected emit(event: keyof Events | string, ...args: unknown[]): void {
    const set = this.map.get(event as keyof Events);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        console.error(`[phaser-voice-agents] '${String(event)}' listener threw`, err);
      }
    }
  }

  protected removeAllListeners(): void {
    this.map.clear();
  }
}

/** An emitter its owner fires from outside (the plugin's own event bus). */
export class EventBus<Events extends { [K in keyof Events]: Listener }> extends TypedEvents<Events> {
  fire(event: keyof Events | string, ...args: unknown[]): void {
    this.emit(event, ...args);
  }

  clear(): void {
    this.removeAllListeners();
  }
}
