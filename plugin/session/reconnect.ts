/**
 * Reconnect policy: only after an abnormal close (network drop, 1001/1012/1014, a rate limit),
 * never after 1000, our own close, or 1002/1008/1011, which would fail the same way again. Waits
 * `baseDelayMs * 2^(n-1)` before attempt n (1 s, 2 s, 4 s, 8 s, 16 s by default), n counting the
 * attempts of the last `windowMs` whether or not they connected; a rate limit waits
 * at least `rateLimitDelayMs` or the server's Retry-After, whichever is longer.
 */
import { isRetryable, type EndReason } from '../protocol/index.js';

export interface ReconnectOptions {
  /**
   * Attempts allowed within `windowMs` before giving up. Counted across drops, not per drop: a
   * server that accepts and then drops every connection is not reconnected to forever. Default 5.
   */
  maxAttempts?: number;
  /** The sliding window `maxAttempts` is counted over. Default 120000 ms. */
  windowMs?: number;
  /** Delay before the first attempt; doubles each attempt. Default 1000 ms. */
  baseDelayMs?: number;
  /** Minimum wait after a rate limit (1013, HTTP 429 from the broker). Default 5000 ms. */
  rateLimitDelayMs?: number;
  /**
   * A reconnect is a new conversation. By default it is sent `first_message: ""` so the agent does
   * not greet the player again mid-conversation; set true to hear the greeting again. Note: on the
   * real service the agent must allow the `first_message` override, or the reconnect is refused (1008).
   */
  replayGreeting?: boolean;
}

export type ResolvedReconnect = Required<ReconnectOptions>;

export function resolveReconnect(
  options: ReconnectOptions | false | undefined,
): ResolvedReconnect | undefined {
  if (options === false) return undefined;
  return {
    maxAttempts: options?.maxAttempts ?? 5,
    windowMs: options?.windowMs ?? 120_000,
    baseDelayMs: options?.baseDelayMs ?? 1000,
    rateLimitDelayMs: options?.rateLimitDelayMs ?? 5000,
    replayGreeting: options?.replayGreeting ?? false,
  };
}

export function shouldReconnect(reason: EndReason): boolean {
  return isRetryable(reason);
}

/** Wait before attempt `attempt` (1-based), given why the previous connection or attempt ended. */
export function reconnectDelay(
  attempt: number,
  policy: ResolvedReconnect,
  cause: EndReason,
  retryAfterMs?: number,
): number {
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  if (cause.kind === 'error' && cause.error === 'rate_limited') {
    return Math.max(backoff, policy.rateLimitDelayMs, retryAfterMs ?? 0);
  }
  return backoff;
}
