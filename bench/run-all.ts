/**
 * `npm run bench`: runs every bench/*.bench.ts one after another, each in its own child process (a
 * crash, a hang or a leak in one cannot skew or stop the others), then writes bench/results/latest.json,
 * bench/results/SUMMARY.md and bench/results/frame-cost.svg. A failing benchmark is reported as
 * failed, never used with stale numbers, and never stops the report.
 *
 *   npx tsx bench/run-all.ts                  run everything, then report
 *   npx tsx bench/run-all.ts --only soak,bundle-size
 *   npx tsx bench/run-all.ts --skip agent-capacity
 *   npx tsx bench/run-all.ts --report-only    report from the results already on disk
 *   npx tsx bench/run-all.ts --current-only   leave out results measured on another commit
 *   BENCH_TIMEOUT_MIN=20                       per-benchmark time limit (default 15 minutes; spoken-turn 30)
 *
 * Every result records the commit (and whether tracked files were modified) and the date it was
 * produced (bench/lib/report.ts). The summary states the commit it was generated on; a figure from a
 * result measured on another commit (a benchmark skipped or not re-run) is marked with that commit
 * and its date, or left out with --current-only; a result that records no commit is left out.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { evaluate, type Results } from './lib/figure.js';
import { FIGURES } from './lib/figures.js';
import { codeVersion, resultsDir } from './lib/report.js';
import { renderSummary, type BenchRun, type Machine, type Provenance } from './lib/summary.js';
import { frameCostChart } from './lib/svg.js';

const benchDir = fileURLToPath(new URL('./', import.meta.url));
const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const listArg = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? (args[i + 1] ?? '').split(',').filter(Boolean) : undefined;
};
const only = listArg('--only');
const skip = listArg('--skip') ?? [];
const reportOnly = args.includes('--report-only');
const currentOnly = args.includes('--current-only');
/** The code this run measures (a commit made by someone else meanwhile does not change it). */
const code = codeVersion();
const baseTimeoutMin = Number(process.env.BENCH_TIMEOUT_MIN ?? 15);
/** Benchmarks that need more than the usual limit, in minutes (spoken-turn: 120 spoken turns, each
 * waiting for the NPC's reply to play out, about 20 minutes). */
const LONGER_MIN: Record<string, number> = { 'spoken-turn': 30 };
const timeoutFor = (name: string) => Math.max(baseTimeoutMin, LONGER_MIN[name] ?? 0) * 60_000;

const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

const machine: Machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
  loadAvg: loadavg(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};

const resultPath = (name: string) => `${resultsDir}${name}.json`;
const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** Runs one benchmark in a child process; resolves with what happened, never rejects. */
function runOne(name: string): Promise<BenchRun> {
  const file = `bench/${name}.bench.ts`;
  const before = mtime(resultPath(name));
  const start = performance.now();
  const timeoutMs = timeoutFor(name);
  return new Promise((resolve) => {
    // --expose-gc lets benchmarks that measure memory force a collection (the soak does).
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
      detached: true,
    });
    let out = '';
    const keep = (chunk: Buffer) => {
      process.stdout.write(chunk);
      out = (out + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: benchmarks start browsers and servers of their own.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    const finish = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      const durationMs = performance.now() - start;
      const freshResult = mtime(resultPath(name)) > before;
      const ok = !timedOut && code === 0 && !spawnError;
      const lines = out.trim().split('\n');
      const readable = lines
        // The benchmark's readable summary, without its JSON line or tool noise (vite warnings, stacks).
        .filter(
          (l) =>
            !l.startsWith('{') && !l.includes('\x1b[') && !/^\s+at |Are they installed|imported by/.test(l),
        )
        .slice(-6)
        .join('\n')
        .trim();
      resolve({
        endedAt: new Date().toISOString(),
        name,
        file,
        status: timedOut ? 'timeout' : ok ? 'ok' : 'failed',
        exitCode: code,
        durationMs,
        freshResult,
        note: ok
          ? readable.slice(0, 600)
          : spawnError
            ? spawnError.message
            : timedOut
              ? `killed after ${timeoutMs / 60_000} min`
              : out.trim()
                ? lines.slice(-8).join('\n').slice(-800)
                : `exited with code ${code} and no output${code === 13 ? ' (13: a top-level await never settled)' : ''}`,
      });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

function readResults(names: string[], usable: (name: string) => boolean): Results {
  const results: Results = {};
  for (const name of names) {
    if (!usable(name) || !existsSync(resultPath(name))) continue;
    try {
      results[name] = JSON.parse(readFileSync(resultPath(name), 'utf8')) as Record<string, unknown>;
    } catch {
      /* an unreadable result counts as not measured */
    }
  }
  return results;
}

mkdirSync(resultsDir, { recursive: true });
const runs: BenchRun[] = [];
let ranAt: { date: string; machine: Machine } | undefined;
let previousDate: string | undefined;
/** The previous run's record of each benchmark, for those not re-run now (--only, --skip, --report-only). */
const previousRuns = new Map<string, BenchRun>();
try {
  const previous = JSON.parse(readFileSync(`${resultsDir}latest.json`, 'utf8')) as {
    benchmarks?: BenchRun[];
    date?: string;
    machine?: Machine;
  };
  for (const b of previous.benchmarks ?? [])
    if (b && typeof b.status === 'string' && b.file) previousRuns.set(b.name, { ...b, note: b.note ?? '' });
  previousDate = previous.date;
  if (reportOnly && previous.date && previous.machine)
    ranAt = { date: previous.date, machine: previous.machine };
} catch {
  /* no previous run */
}
if (reportOnly) {
  // This only re-reads results and re-renders: keep the last run's record, date and machine.
  runs.push(...previousRuns.values());
} else {
  for (const name of benches) {
    if ((only && !only.includes(name)) || skip.includes(name)) {
      const before = previousRuns.get(name);
      if (before && before.status !== 'skipped') {
        runs.push({
          ...before,
          note: before.note.startsWith('(previous run)') ? before.note : `(previous run) ${before.note}`,
        });
        continue;
      }
      runs.push({
        name,
        file: `bench/${name}.bench.ts`,
        status: 'skipped',
        exitCode: null,
        durationMs: 0,
        freshResult: false,
        note: '',
      });
      continue;
    }
    process.stdout.write(`\n=== ${name} ===\n`);
    runs.push(await runOne(name));
  }
}

// Figures come only from results this run produced, or (skipped / --report-only) from what is on disk.
const byName = new Map(runs.map((r) => [r.name, r]));
const results = readResults(benches, (name) => {
  const run = byName.get(name);
  if (!run || run.status === 'skipped') return true;
  if (run.note.startsWith('(previous run)')) return run.status === 'ok';
  return run.status === 'ok' && run.freshResult;
});
// A carried-over record whose result file was rewritten since (a benchmark re-run by hand): say so,
// since the figures come from that newer file, not from the run the record describes.
for (const r of runs) {
  if (!r.note.startsWith('(previous run)') && !reportOnly) continue;
  const recordedAt = Date.parse(r.endedAt ?? previousDate ?? '') || 0;
  const at = mtime(resultPath(r.name));
  if (recordedAt && at > recordedAt + 60_000)
    r.note = `result file rewritten at ${new Date(at).toISOString()} by a separate run: the figures use it`;
}
// Which commit each result was measured on. One without a commit cannot be named: left out.
const provenance: Record<string, Provenance> = {};
const excluded: { name: string; why: string }[] = [];
for (const [name, doc] of Object.entries(results)) {
  const commit = typeof doc?.commit === 'string' ? doc.commit : null;
  const date = typeof doc?.date === 'string' ? doc.date : null;
  const current = commit !== null && commit === code.commit;
  if (commit === null) {
    excluded.push({
      name,
      why: `records no commit (written ${date ?? 'at an unknown date'}, before results were stamped)`,
    });
    delete results[name];
  } else if (!current && currentOnly) {
    excluded.push({
      name,
      why: `measured on ${commit.slice(0, 7)} on ${date ?? 'an unknown date'}, not this commit (--current-only)`,
    });
    delete results[name];
  } else {
    provenance[name] = { commit, dirty: typeof doc?.dirty === 'boolean' ? doc.dirty : null, date, current };
  }
}
const figures = evaluate(FIGURES, results);
const expected = [...new Set(FIGURES.map((f) => f.bench))];
const missingBenches = expected.filter((b) => !benches.includes(b));

const chartFile = 'frame-cost.svg';
const hasFrameCost = results['frame-cost'] !== undefined;
if (hasFrameCost) writeFileSync(`${resultsDir}${chartFile}`, frameCostChart(results['frame-cost']));

// --report-only keeps the date and machine load of the run that produced the numbers.
const date = ranAt?.date ?? new Date().toISOString();
if (ranAt) Object.assign(machine, ranAt.machine);
const latest = {
  name: 'latest',
  date,
  commit: code.commit,
  dirty: code.dirty,
  ...(code.dirtyFiles ? { dirtyFiles: code.dirtyFiles } : {}),
  machine,
  figures,
  benchmarks: runs.length
    ? runs.map((r) => ({ ...r, durationMs: Math.round(r.durationMs) }))
    : benches.map((name) => ({ name, file: `bench/${name}.bench.ts`, status: 'not run (--report-only)' })),
  missingBenches,
  /** Per result used: the commit and date it was measured on, and whether that is this commit. */
  provenance,
  excluded,
  results,
};
writeFileSync(`${resultsDir}latest.json`, JSON.stringify(latest, null, 2) + '\n');
writeFileSync(
  `${resultsDir}SUMMARY.md`,
  renderSummary({
    date,
    machine,
    figures,
    runs: runs.length
      ? runs
      : benches.map((name) => ({
          name,
          file: `bench/${name}.bench.ts`,
          status: 'skipped' as const,
          exitCode: null,
          durationMs: 0,
          freshResult: false,
          note: 'not run (--report-only): figures use the result on disk',
        })),
    missingBenches,
    chart: hasFrameCost ? chartFile : null,
    code,
    redrawn: reportOnly,
    provenance,
    excluded,
  }),
);

const line = (f: (typeof figures)[number]) =>
  `${f.status === 'pass' ? 'PASS' : f.status === 'miss' ? 'MISS' : '----'}  ${f.metric}: ${f.value ?? 'not measured'} ${f.value === null ? '' : f.unit} (target ${f.targetText})`;
process.stdout.write(
  `\n${figures.map(line).join('\n')}\n\n` +
    `commit ${code.commit?.slice(0, 7) ?? 'unknown'}${code.dirty ? ' (+ uncommitted changes)' : ''}; ` +
    (Object.values(provenance).some((p) => !p.current)
      ? `from older commits: ${Object.entries(provenance)
          .filter(([, p]) => !p.current)
          .map(([n, p]) => `${n} (${p.commit?.slice(0, 7)}, ${p.date?.slice(0, 10)})`)
          .join(', ')}; `
      : '') +
    (excluded.length ? `left out: ${excluded.map((e) => e.name).join(', ')}; ` : '') +
    `${runs.filter((r) => r.status !== 'ok' && r.status !== 'skipped').length} benchmark(s) failed; ` +
    `report: bench/results/SUMMARY.md, bench/results/latest.json${hasFrameCost ? ', bench/results/frame-cost.svg' : ''}\n`,
);
