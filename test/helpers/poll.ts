/**
 * The one polling helper of the tests (issue 17.5), in Node and in test pages alike (no imports):
 * wait for a condition instead of sleeping, and on timeout say what was awaited and what was last
 * seen, so a failure reads as a sentence.
 */
export interface PollOptions {
  /** What is awaited, for the timeout message ("the greeting"). */
  what?: string;
  /** Give up after this long (ms). Default 5000. */
  timeout?: number;
  /** Between reads (ms). Default 5. */
  interval?: number;
  /** More to show on timeout (a page's event log, say). */
  context?: () => unknown;
}

/**
 * Reads `read()` until `ok(value)` holds and returns that value; throws on timeout with the last value.
 * A read that throws counts as not yet (a page reloading under a read throws until it is back, as
 * vitest's expect.poll also allows); on timeout the last error is what was last seen.
 */
export async function poll<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { what = 'a condition', timeout = 5000, interval = 5, context }: PollOptions = {},
): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    let seen: string;
    try {
      const value = await read();
      if (ok(value)) return value;
      seen = show(value);
    } catch (err) {
      seen = `an error: ${(err as Error)?.message ?? String(err)}`;
    }
    if (Date.now() > end) {
      const more = context ? `; ${show(await Promise.resolve(context()).catch(() => null))}` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last seen: ${seen}${more}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until `condition()` is true. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  options: PollOptions = {},
): Promise<void> {
  await poll(condition, (v) => v, { what: condition.toString(), ...options });
}

function show(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 600 ? `${s.slice(0, 600)}…` : s;
  } catch {
    return String(v);
  }
}
