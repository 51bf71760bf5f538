/**
 * Waiting for typed events in tests, LiveKit style (`subscribeToEvents().waitFor()`): wait for the
 * next matching event with a timeout, assert none arrives, or record everything in order.
 */
type Listener = (...args: any[]) => void;
/**
 * Anything with `on(name, fn) => unsubscribe`. The event map is read from a type-only `eventTypes`
 * property (AgentSession declares one), because TypeScript cannot infer it from a generic `on`.
 */
export interface EventSource<E extends { [K in keyof E]: Listener }> {
  on<K extends keyof E>(event: K, listener: E[K]): () => void;
  readonly eventTypes?: E;
}
type Args<E, K extends keyof E> = E[K] extends (...args: infer A) => void ? A : never;

export interface WaitOptions<A extends unknown[]> {
  /** Default 3000 ms. */
  timeout?: number;
  predicate?: (...args: A) => boolean;
}

/** Resolves with the first argument of the next `name` event matching `predicate`; rejects on timeout. */
export function waitForEvent<E extends { [K in keyof E]: Listener }, K extends keyof E>(
  source: EventSource<E>,
  name: K,
  options: WaitOptions<Args<E, K>> = {},
): Promise<Args<E, K>[0]> {
  const { timeout = 3000, predicate } = options;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeout} ms waiting for '${String(name)}'`));
    }, timeout);
    const off = source.on(name, ((...args: Args<E, K>) => {
      if (predicate && !predicate(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args[0]);
    }) as E[K]);
  });
}

/** Rejects if `name` fires (matching `predicate`) within `ms`. Keep windows short; prefer a sentinel. */
export function expectNoEvent<E extends { [K in keyof E]: Listener }, K extends keyof E>(
  source: EventSource<E>,
  name: K,
  ms: number,
  predicate?: (...args: Args<E, K>) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      resolve();
    }, ms);
    const off = source.on(name, ((...args: Args<E, K>) => {
      if (predicate && !predicate(...args)) return;
      clearTimeout(timer);
      off();
      reject(new Error(`unexpected '${String(name)}' event: ${safeJson(args)}`));
    }) as E[K]);
  });
}

export interface Recorded<E> {
  name: keyof E;
  args: unknown[];
}

/** Records the named events in arrival order. */
export function recordEvents<E extends { [K in keyof E]: Listener }>(
  source: EventSource<E>,
  names: (keyof E)[],
): {
  all: Recorded<E>[];
  of<K extends keyof E>(name: K): Args<E, K>[0][];
  names(): (keyof E)[];
  stop(): void;
} {
  const all: Recorded<E>[] = [];
  const offs = names.map((name) =>
    source.on(name, ((...args: unknown[]) => void all.push({ name, args })) as unknown as E[keyof E]),
  );
  return {
    all,
    of: (name) => all.filter((r) => r.name === name).map((r) => r.args[0] as never),
    names: () => all.map((r) => r.name),
    stop: () => offs.forEach((off) => off()),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) =>
      ArrayBuffer.isView(x)
        ? `<${x.constructor.name} ${(x as Int16Array).length}>`
        : typeof x === 'string' && x.length > 80
          ? `${x.slice(0, 40)}…(${x.length} chars)`
          : x,
    );
  } catch {
    return String(v);
  }
}
