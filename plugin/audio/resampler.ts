import type { ResamplerDesign } from './fir.js';

/**
 * Streams samples through the polyphase filter designed in fir.ts. It keeps a linear history
 * buffer (allocated once) and compacts it with copyWithin, so push/pull never allocate.
 *
 * One class for both places it runs: the main thread (track-processor capture) imports it, and the
 * worklets' build bundles it into their module text (harness/worklets.ts).
 */
export class Resampler {
  L: number;
  M: number;
  K: number;
  taps: Float32Array;
  rate: number;
  half: number;
  buf: Float32Array;
  len = 0;
  n = 0;
  acc = 0;
  g = 1;
  gStep = 0;

  constructor(d: ResamplerDesign, capacity: number) {
    this.L = d.L;
    this.M = d.M;
    this.K = d.K;
    this.taps = d.taps;
    this.rate = d.inRate;
    this.half = d.K >> 1;
    this.buf = new Float32Array(capacity + d.K * 2);
    this.reset();
  }

  reset(): void {
    this.buf.fill(0);
    // A pre-roll of half-1 zeros aligns the first output sample with the first input sample.
    this.len = this.half - 1;
    this.n = this.half - 1;
    this.acc = 0;
    this.g = 1;
    this.gStep = 0;
  }

  /** Ramp the next n input samples up from 0 (applied before the filter, so it is band-limited). */
  fadeIn(n: number): void {
    this.g = 0;
    this.gStep = 1 / Math.max(1, n);
  }

  compact(): void {
    const start = this.n - this.half + 1;
    if (start <= 0) return;
    this.buf.copyWithin(0, start, this.len);
    this.len -= start;
    this.n -= start;
  }

  space(): number {
    return this.buf.length - this.len;
  }

  /** count Int16 samples from off. Returns how many were taken. */
  pushI16(src: Int16Array, off: number, count: number): number {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space());
    const b = this.buf;
    let w = this.len;
    if (this.g >= 1) for (let i = 0; i < c; i++) b[w++] = src[off + i]! / 32768;
    else
      for (let i = 0; i < c; i++) {
        b[w++] = (src[off + i]! / 32768) * this.g;
        this.g = Math.min(1, this.g + this.gStep);
      }
    this.len = w;
    return c;
  }

  /** count Float32 samples from off. Returns how many were taken. */
  pushF32(src: Float32Array, off: number, count: number): number {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space());
    const b = this.buf;
    let w = this.len;
    for (let i = 0; i < c; i++) b[w++] = src[off + i]!;
    this.len = w;
    return c;
  }

  pushZeros(count: number): number {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space());
    const b = this.buf;
    let w = this.len;
    for (let i = 0; i < c; i++) b[w++] = 0;
    this.len = w;
    return c;
  }

  /**
   * The input ran out: continue it with its own last n samples, time-reversed and faded to zero.
   * The value stays continuous and the level decays, so an underrun never clicks.
   */
  pushTail(n: number): void {
    if (this.space() < n) this.compact();
    const b = this.buf;
    const end = this.len;
    n = Math.min(n, this.space(), end);
    for (let k = 0; k < n; k++) b[end + k] = b[end - 1 - k]! * (1 - (k + 1) / n);
    this.len = end + n;
  }

  /** Input samples still needed before the next output sample can be computed. */
  needed(): number {
    return Math.max(0, this.n + this.half + 1 - this.len);
  }

  /** Writes up to max samples into out from off; returns how many. */
  pull(out: Float32Array, off: number, max: number): number {
    const K = this.K;
    const L = this.L;
    const M = this.M;
    const taps = this.taps;
    const b = this.buf;
    const half = this.half;
    let i = 0;
    while (i < max && this.n + half < this.len) {
      const base = this.n + half;
      const row = this.acc * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += taps[row + k]! * b[base - k]!;
      out[off + i++] = s;
      this.acc += M;
      if (this.acc >= L) {
        this.n += (this.acc / L) | 0;
        this.acc %= L;
      }
    }
    return i;
  }
}
