// What the frame-cost bench and its profiler share: the cross-origin-isolated page server plugin and
// the bench NPC (Mira with radii sized for the walk).
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { compileNpcFile } from '../../plugin/npc/index.js';
import type { RunResult } from '../pages/frame-cost/frame-cost.js';

/** Serves the bench page cross-origin isolated: performance.now() then has 5 µs resolution. */
export const crossOriginIsolate: Plugin = {
  name: 'bench-cross-origin-isolate',
  // Its own dependency cache: tests running meanwhile re-optimise the shared one.
  config: () => ({ cacheDir: 'node_modules/.vite-bench-frame-cost' }),
  configureServer(server) {
    server.middlewares.use((_req, res, next) => {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      next();
    });
  },
};

/** Mira, with the radii the walk is sized for. */
export function benchNpc(root: string) {
  const file = `${root}assets/npcs/mira.npc.yaml`;
  const compiled = compileNpcFile(readFileSync(file, 'utf8'), file);
  if (!compiled.ok) throw new Error('mira.npc.yaml does not compile');
  return {
    ...compiled.npc,
    proximity: { ...compiled.npc.proximity, radius: 96, exit_radius: 128, prewarm_radius: 180 },
  };
}

/** One bench result from several: every run's frames in order, the counts summed, the largest step. */
export function mergeRuns(results: RunResult[]): RunResult {
  const sum = (k: 'startedInWarmup' | 'warmupFrames' | 'opened' | 'asked' | 'activeChanges') =>
    results.reduce((a, r) => a + r[k], 0);
  return {
    runs: results.flatMap((r) => r.runs),
    startedInWarmup: sum('startedInWarmup'),
    warmupFrames: sum('warmupFrames'),
    opened: sum('opened'),
    asked: sum('asked'),
    activeChanges: sum('activeChanges'),
    maxStepPx: Math.max(...results.map((r) => r.maxStepPx)),
  };
}

/** The bench's settings (environment variables) and their defaults, written once. */
const DEFAULTS = {
  COUNTS: '10,200,1000,10000',
  SILENT_COUNTS: '200,10000',
  CROWD_COUNTS: '200,10000',
  RUNS: '10',
  FRAMES: '200',
  WARM_FRAMES: '600',
  NODE_FRAMES: '400',
};
type Setting = keyof typeof DEFAULTS;
const numbers = (v: string) => v.split(',').filter(Boolean).map(Number);

/**
 * The settings from `env`, and whether any differs from its default: only a run with every default
 * is the figure SUMMARY.md reads, so a quick look must not replace it (an empty list skips a part).
 */
export function frameCostSettings(env: Record<string, string | undefined>) {
  const get = (k: Setting) => env[k] ?? DEFAULTS[k];
  const partial = (Object.keys(DEFAULTS) as Setting[]).some(
    (k) => numbers(get(k)).join() !== numbers(DEFAULTS[k]).join(),
  );
  return {
    COUNTS: numbers(get('COUNTS')),
    SILENT_COUNTS: numbers(get('SILENT_COUNTS')),
    CROWD_COUNTS: numbers(get('CROWD_COUNTS')),
    RUNS: Number(get('RUNS')),
    FRAMES: Number(get('FRAMES')),
    WARM_FRAMES: Number(get('WARM_FRAMES')),
    NODE_FRAMES: Number(get('NODE_FRAMES')),
    partial,
  };
}
