/**
 * One figure of docs/design.md §8 as the summary shows it, and how it is taken from the benchmarks' JSON:
 * the shapes, the dotted-path reader and the evaluation against the target. The list of figures
 * itself is figures.ts. Readers are defensive: a benchmark that changed shape or did not run yields
 * `missing`, never a crash.
 */

export type Results = Record<string, Record<string, unknown> | undefined>;

export interface FigureDef {
  metric: string;
  /** How the number is taken, in words, for the summary. */
  definition: string;
  bench: string;
  unit: string;
  /** `max`: value must be ≤ target; `min`: ≥ target. */
  goal: 'max' | 'min';
  target: number;
  /** The target as docs/design.md §8 words it. */
  targetText: string;
  value: (r: Results) => number | undefined;
  peer?: (r: Results) => number | undefined;
  peerName?: string;
  /** Where `value` is a median over runs: the lowest and highest run, shown beside it. */
  range?: (r: Results) => [number, number] | undefined;
  peerRange?: (r: Results) => [number, number] | undefined;
  /** A value outside this is a broken measurement (e.g. an empty bundle), reported as not measured. */
  plausible?: (value: number) => boolean;
}

export interface Figure {
  metric: string;
  definition: string;
  bench: string;
  unit: string;
  value: number | null;
  target: number;
  targetText: string;
  peer: number | null;
  peerName: string | null;
  /** Lowest and highest run, where the figure is a median over runs. */
  range?: [number, number] | null;
  peerRange?: [number, number] | null;
  /** Peer ÷ ours for "lower is better" figures, ours ÷ peer for "higher is better": > 1 means we are better. */
  advantage: number | null;
  status: 'pass' | 'miss' | 'missing';
}

/** Reads a dotted path (`metrics.micToWireMs.ours.median`) as a finite number, else undefined. */
export function num(r: Results, bench: string, path: string): number | undefined {
  let v: unknown = r[bench];
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function evaluate(defs: FigureDef[], results: Results): Figure[] {
  return defs.map((d) => {
    const raw = safe(() => d.value(results));
    const value = raw !== undefined && d.plausible && !d.plausible(raw) ? undefined : raw;
    const peer = d.peer ? safe(() => d.peer!(results)) : undefined;
    const range = d.range ? (safeRange(() => d.range!(results)) ?? null) : undefined;
    const peerRange = d.peerRange ? (safeRange(() => d.peerRange!(results)) ?? null) : undefined;
    let advantage: number | null = null;
    if (value !== undefined && peer !== undefined && value > 0 && peer > 0)
      advantage = d.goal === 'max' ? peer / value : value / peer;
    const status =
      value === undefined
        ? 'missing'
        : (d.goal === 'max' ? value <= d.target : value >= d.target)
          ? 'pass'
          : 'miss';
    return {
      metric: d.metric,
      definition: d.definition,
      bench: d.bench,
      unit: d.unit,
      value: value ?? null,
      target: d.target,
      targetText: d.targetText,
      peer: peer ?? null,
      peerName: peer !== undefined ? (d.peerName ?? null) : null,
      ...(range !== undefined ? { range: value === undefined ? null : range } : {}),
      ...(peerRange !== undefined ? { peerRange: peer === undefined ? null : peerRange } : {}),
      advantage,
      status,
    };
  });
}

function safeRange(fn: () => [number, number] | undefined): [number, number] | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function safe(fn: () => number | undefined): number | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
