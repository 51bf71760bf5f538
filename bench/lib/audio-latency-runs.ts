/**
 * What one run of the audio-latency bench (bench/audio-latency.bench.ts) records, and how its runs
 * add up to the figures: the median over runs and the range, per-run ratios, the verdict against
 * docs/design.md §8's targets and the readable table. figures.ts reads `metrics` as written here.
 */
import { median, percentile, round } from './report.js';

export type Client = 'ours' | 'official';

export const METRICS = ['micToWireMs', 'wireToEarMs', 'bargeInToSilenceMs'] as const;
export type Metric = (typeof METRICS)[number];

/** One client's trials of one metric in one run. */
export const trialStats = (v: number[]) => ({
  median: round(median(v)),
  mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  p95: round(percentile(v, 95)),
  min: round(Math.min(...v)),
  max: round(Math.max(...v)),
  n: v.length,
  samples: v.map((x) => round(x, 1)),
});
export type TrialStats = ReturnType<typeof trialStats>;

/** Send intervals as counts per 1 ms bin, e.g. { "20": 190, "10": 5 }: shows the render bursts. */
export function summariseGaps(gaps: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const g of gaps) out[String(Math.round(g))] = (out[String(Math.round(g))] ?? 0) + 1;
  return out;
}

export interface RunResult {
  run: number;
  durationS: number;
  setup: Record<Client, unknown>;
  /** Per metric: each client's stats over this run's trials, and official median / ours median. */
  metrics: Partial<Record<Metric, { ours: TrialStats; official: TrialStats; ratio: number }>>;
  /**
   * Mic trials, per trial: [chunk-grid phase, mic -> capturing context, mic -> wire] in ms: where in
   * the chunk the beep fell, and how much of the latency is the browser's hop between contexts.
   */
  micPhase: Record<Client, [number, number, number][]>;
  /** Medians of the browser's hop (mic context -> capturing context) and of the rest (-> wire). */
  micSplit: Record<Client, { toCaptureMs: number; captureToWireMs: number }>;
}

interface Range {
  median: number;
  min: number;
  max: number;
}
type PerRun = Range & { perRun: number[] };

const range = (v: number[]): Range => ({
  median: round(median(v)),
  min: round(Math.min(...v)),
  max: round(Math.max(...v)),
});

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

export interface MetricOverRuns {
  ours: PerRun;
  official: PerRun;
  /** official ÷ ours per run: > 1 means ours was faster in that run. */
  ratio: PerRun;
  /** Runs in which our median was below the official client's. */
  oursLowerRuns: number;
  /** Mean over all trials of all runs (a run's median of a two-mode distribution jumps; the mean does not). */
  pooledMean: { ours: number; official: number };
}

export type OverRuns = Partial<Record<Metric, MetricOverRuns>> & {
  /** The browser's hop (mic context -> capturing context) per run: the part neither client controls. */
  micToCaptureMs?: Partial<Record<Client, PerRun>>;
};

/** One metric's runs, both clients: the median over runs of each run's median, the range, the ratios. */
export function metricOverRuns(
  per: { ours: TrialStats; official: TrialStats; ratio: number }[],
): MetricOverRuns {
  return {
    ours: { ...range(per.map((x) => x.ours.median)), perRun: per.map((x) => x.ours.median) },
    official: { ...range(per.map((x) => x.official.median)), perRun: per.map((x) => x.official.median) },
    ratio: { ...range(per.map((x) => x.ratio)), perRun: per.map((x) => x.ratio) },
    oursLowerRuns: per.filter((x) => x.ours.median < x.official.median).length,
    pooledMean: {
      ours: round(mean(per.flatMap((x) => x.ours.samples))),
      official: round(mean(per.flatMap((x) => x.official.samples))),
    },
  };
}

/** Median over runs of each run's median, the range over runs, per-run ratios. */
export function overRuns(runs: RunResult[]): OverRuns {
  const out: OverRuns = {};
  for (const k of METRICS) {
    const per = runs.map((r) => r.metrics[k]).filter((x) => x !== undefined);
    if (per.length) out[k] = metricOverRuns(per);
  }
  if (runs.some((r) => r.metrics.micToWireMs)) {
    const hop = (c: Client) => runs.map((r) => r.micSplit[c].toCaptureMs).filter(Number.isFinite);
    const ours = hop('ours');
    const official = hop('official');
    out.micToCaptureMs = {
      ...(ours.length ? { ours: { ...range(ours), perRun: ours } } : {}),
      ...(official.length ? { official: { ...range(official), perRun: official } } : {}),
    };
  }
  return out;
}

/** The targets the bench states, judged on the median over `runCount` runs. */
export function verdict(om: OverRuns, runCount: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (om.micToWireMs) {
    out.micToWire = {
      oursLowerRuns: `${om.micToWireMs.oursLowerRuns} of ${runCount}`,
      oursLowerInNineOfTen: om.micToWireMs.oursLowerRuns >= Math.ceil(0.9 * runCount),
      medianOverRunsAtMost25: om.micToWireMs.ours.median <= 25,
    };
  }
  if (om.wireToEarMs) {
    out.wireToEar = {
      oursMinusOfficialMs: round(om.wireToEarMs.ours.median - om.wireToEarMs.official.median),
      atMostOneMsAboveOfficial: om.wireToEarMs.ours.median <= om.wireToEarMs.official.median + 1,
    };
  }
  return out;
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

/** One line per run: each metric's medians, ours / official, and their ratio. */
export function runTable(runs: RunResult[]): string[] {
  const table = [
    `run | mic-to-wire ours / official (ratio) | wire-to-ear ours / official (ratio) | barge-in ours / official (ratio) | s`,
  ];
  for (const r of runs) {
    const cell = (k: Metric) => {
      const x = r.metrics[k];
      return x ? `${f1(x.ours.median)} / ${f1(x.official.median)} (x${x.ratio.toFixed(2)})` : '-';
    };
    table.push(
      `${String(r.run).padStart(3)} | ${cell('micToWireMs')} | ${cell('wireToEarMs')} | ${cell('bargeInToSilenceMs')} | ${r.durationS}`,
    );
  }
  return table;
}

/** "ours median [range] / official median [range] (x official÷ours median [range])", or "-". */
export function bothOverRuns(x: MetricOverRuns | undefined): string {
  return x
    ? `${f1(x.ours.median)} [${f1(x.ours.min)}-${f1(x.ours.max)}] / ${f1(x.official.median)} [${f1(x.official.min)}-${f1(x.official.max)}] (x${x.ratio.median.toFixed(2)} [${x.ratio.min.toFixed(2)}-${x.ratio.max.toFixed(2)}])`
    : '-';
}

/** The figures over runs, as the summary prints them. */
export function overRunsText(om: OverRuns, runCount: number): string[] {
  const overCell = (k: Metric) => bothOverRuns(om[k]);
  const one = (x?: Range) => (x ? `${f1(x.median)} [${f1(x.min)}-${f1(x.max)}]` : '-');
  const hop = om.micToCaptureMs;
  return [
    `median [range] over runs, ours / official (official÷ours):`,
    `  mic-to-wire ${overCell('micToWireMs')}; ours lower in ${om.micToWireMs?.oursLowerRuns ?? '-'} of ${runCount} runs; ` +
      `mean of all trials ${om.micToWireMs?.pooledMean.ours ?? '-'} / ${om.micToWireMs?.pooledMean.official ?? '-'}`,
    `    of which the browser's hop into the capturing context ${one(hop?.ours)} / ${one(hop?.official)}`,
    `  wire-to-ear ${overCell('wireToEarMs')}`,
    `  barge-in    ${overCell('bargeInToSilenceMs')}`,
  ];
}
