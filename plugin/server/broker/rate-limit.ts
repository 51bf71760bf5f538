export interface RateLimitOptions {
  /** Requests allowed per window per client. */
  max: number;
  windowMs: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/**
 * Token bucket per client key: bursts up to `max`, refilled evenly over `windowMs`. No timers: idle
 * buckets are swept on access, so a flood of distinct clients cannot grow memory without bound.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;
  readonly #perMs: number;
  readonly #opts: RateLimitOptions;

  constructor(opts: RateLimitOptions) {
    this.#opts = opts;
    if (!(opts.max >= 1) || !(opts.windowMs > 0))
      throw new Error('rateLimit needs max >= 1 and windowMs > 0');
    this.#now = opts.now ?? Date.now;
    this.#perMs = opts.max / opts.windowMs;
  }

  take(key: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const t = this.#now();
    if (this.#buckets.size > 10_000) this.#sweep(t);
    const b = this.#buckets.get(key) ?? { tokens: this.#opts.max, at: t };
    b.tokens = Math.min(this.#opts.max, b.tokens + (t - b.at) * this.#perMs);
    b.at = t;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / this.#perMs) };
  }

  #sweep(t: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (t - b.at) * this.#perMs >= this.#opts.max) this.#buckets.delete(k);
    }
  }
}
