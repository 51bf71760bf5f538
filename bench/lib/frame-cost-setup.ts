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
