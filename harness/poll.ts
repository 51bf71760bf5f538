/**
 * The one polling helper of the tests and the benches (issue 17.5), in Node and in test and bench
 * pages alike (no imports that run: the page type is erased): wait for a condition instead of
 * sleeping, and on timeout say what was awaited and what was last seen, so a failure reads as a
 * sentence. Lint refuses the other mechanisms (vitest's expect.poll and vi.waitFor, Playwright's
 * page.waitForFunction) in test/, bench/ and harness/.
 */
import type { Page } from 'playwright-core';

interface PollOptions {
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
 * vitest's expect.poll also allows); on timeout the last error is what was last seen. An `ok` that is
 * a type guard (`(f) => f !== undefined`) narrows the value returned.
 */
export async function poll<T, U extends T>(
  read: () => T | Promise<T>,
  ok: (value: T) => value is U,
  options?: PollOptions,
): Promise<U>;
export async function poll<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  options?: PollOptions,
): Promise<T>;
export async function poll<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { what = 'a condition', timeout = 5000, interval = 5, context }: PollOptions = {},
): Promise<T> {
  const end = Date.now() + timeout;
  let seen = 'nothing yet';
  for (;;) {
    try {
      // A read started before the deadline may finish a little after it (a page busy for a moment).
      const value = await byDeadline(read(), end + READ_GRACE_MS);
      if (ok(value)) return value;
      seen = show(value);
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      // A stuck read says so, after the last value that was read: that is what was last seen.
      seen = err instanceof StuckRead ? `${seen}, then ${message}` : `an error: ${message}`;
    }
    if (Date.now() > end) {
      const more = context ? `; ${show(await settled(context))}` : '';
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

/**
 * The other side of poll(), for "nothing shows up for a while": reads `read()` every `interval` ms
 * (default 5) for `duration` ms and throws at the first value for which `ok` fails, saying what
 * should have held and what was seen. A read that throws fails it too (nothing is awaited here).
 */
export async function holds<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { what, duration, interval = 5 }: { what: string; duration: number; interval?: number },
): Promise<void> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (!ok(value)) {
      throw new Error(`${what} stopped holding after ${Date.now() - start} ms; seen: ${show(value)}`);
    }
    if (Date.now() - start >= duration) return;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * poll() for a value read inside a browser page: `read` runs in the page (page.evaluate, so it sees
 * the page's `window`) every 25 ms by default, and a read that throws while the page (re)loads counts
 * as not yet. Say `what` is awaited: the read's source is no sentence.
 */
export function pollPage<T>(
  page: Page,
  read: () => T,
  ok: (value: Awaited<T>) => boolean,
  options: PollOptions & { what: string },
): Promise<Awaited<T>> {
  return poll(() => page.evaluate(read) as Promise<Awaited<T>>, ok, { interval: 25, ...options });
}

/** A bench or test page has set `window.__ready` (its setup is done); `page` names it in a timeout. */
export function pageReady(page: Page, name: string, timeout: number): Promise<unknown> {
  return pollPage(
    page,
    () => (window as { __ready?: boolean }).__ready,
    (r) => r === true,
    { what: `the ${name} page to set window.__ready`, timeout },
  );
}

/** How long past the poll's deadline a read already started may take. */
const READ_GRACE_MS = 1000;

class StuckRead extends Error {}

/**
 * A read that never answers (a page whose main thread is stuck, an evaluate lost in a navigation)
 * must not hold the poll much past its timeout: it then counts as not yet, and is left to settle.
 */
function byDeadline<T>(value: T | Promise<T>, deadline: number): Promise<T> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    const ms = Math.max(0, deadline - Date.now());
    timer = setTimeout(() => reject(new StuckRead(`a read had not answered after the deadline`)), ms);
  });
  return Promise.race([value, late]).finally(() => clearTimeout(timer));
}

/** The timeout message's context: what it returns, or null if it throws or does not answer (the same stuck page). */
function settled(context: () => unknown): Promise<unknown> {
  return byDeadline(Promise.resolve().then(context), Date.now() + READ_GRACE_MS).catch(() => null);
}

function show(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 600 ? `${s.slice(0, 600)}…` : s;
  } catch {
    return String(v);
  }
}
