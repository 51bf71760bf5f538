/**
 * JavaScript source shared by both AudioWorklets (inlined with a Blob URL: no extra file to serve,
 * no CSP-hostile eval). Kept as plain ES2017 text because it runs in the AudioWorkletGlobalScope,
 * which cannot import our modules.
 *
 * `Resampler` streams through the polyphase filter designed in fir.ts. It keeps a linear history
 * buffer (allocated once) and compacts it with copyWithin, so push/pull never allocate.
 *
 * Notes on the source (comments inside the string would ship to every player):
 *  - `reset`: a pre-roll of half-1 zeros aligns the first output sample with the first input sample.
 */
export const RESAMPLER_JS = String.raw`
class Resampler {
  constructor(d, capacity) {
    this.L = d.L; this.M = d.M; this.K = d.K; this.taps = d.taps; this.rate = d.inRate;
    this.half = d.K >> 1;
    this.buf = new Float32Array(capacity + d.K * 2);
    this.reset();
  }
  reset() {
    this.buf.fill(0);
    this.len = this.half - 1; this.n = this.half - 1; this.acc = 0;
    this.g = 1; this.gStep = 0;
  }
  /** Ramp the next n input samples up from 0 (applied before the filter, so it is band-limited). */
  fadeIn(n) { this.g = 0; this.gStep = 1 / Math.max(1, n); }
  compact() {
    const start = this.n - this.half + 1;
    if (start <= 0) return;
    this.buf.copyWithin(0, start, this.len);
    this.len -= start; this.n -= start;
  }
  space() { return this.buf.length - this.len; }
  /** Int16 or Float32 source, count samples from off. Returns how many were taken. */
  pushI16(src, off, count) {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space()); const b = this.buf; let w = this.len;
    if (this.g >= 1) for (let i = 0; i < c; i++) b[w++] = src[off + i] / 32768;
    else for (let i = 0; i < c; i++) {
      b[w++] = (src[off + i] / 32768) * this.g;
      this.g = Math.min(1, this.g + this.gStep);
    }
    this.len = w; return c;
  }
  pushF32(src, off, count) {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space()); const b = this.buf; let w = this.len;
    for (let i = 0; i < c; i++) b[w++] = src[off + i];
    this.len = w; return c;
  }
  pushZeros(count) {
    if (this.space() < count) this.compact();
    const c = Math.min(count, this.space()); const b = this.buf; let w = this.len;
    for (let i = 0; i < c; i++) b[w++] = 0;
    this.len = w; return c;
  }
  /**
   * The input ran out: continue it with its own last n samples, time-reversed and faded to zero.
   * The value stays continuous and the level decays, so an underrun never clicks.
   */
  pushTail(n) {
    if (this.space() < n) this.compact();
    const b = this.buf, end = this.len;
    n = Math.min(n, this.space(), end);
    for (let k = 0; k < n; k++) b[end + k] = b[end - 1 - k] * (1 - (k + 1) / n);
    this.len = end + n;
  }
  /** Input samples still needed before the next output sample can be computed. */
  needed() { return Math.max(0, this.n + this.half + 1 - this.len); }
  /** Writes up to max samples into out from off; returns how many. */
  pull(out, off, max) {
    const K = this.K, L = this.L, M = this.M, taps = this.taps, b = this.buf, half = this.half;
    let i = 0;
    while (i < max && this.n + half < this.len) {
      const base = this.n + half, row = this.acc * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += taps[row + k] * b[base - k];
      out[off + i++] = s;
      this.acc += M;
      if (this.acc >= L) { this.n += (this.acc / L) | 0; this.acc %= L; }
    }
    return i;
  }
}
`;
