/**
 * Distributions for the benchmark reports: on a noisy shared machine one number is not a figure.
 * Every run is kept; the summary is the median and the range (never the best run).
 */

/** Nearest-rank percentile (the same rule as report.ts's `percentile`). */
export function pct(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function mid(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export interface Spread {
  /** Every run, in the order they ran. */
  runs: number[];
  median: number;
  min: number;
  max: number;
}

const r = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function spread(runs: readonly number[], digits = 4): Spread {
  return {
    runs: runs.map((v) => r(v, digits)),
    median: r(mid(runs), digits),
    min: r(Math.min(...runs), digits),
    max: r(Math.max(...runs), digits),
  };
}

/** "median 1.23 (1.10–1.50, 10 runs)" */
export function spreadText(s: Spread, digits = 3, unit = ''): string {
  const f = (v: number) => v.toFixed(digits) + unit;
  return `median ${f(s.median)} (${f(s.min)}–${f(s.max)}, ${s.runs.length} runs)`;
}
