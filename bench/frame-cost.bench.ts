/**
 * Frame cost: the plugin's per-frame work with N NPCs (design §8: <= 0.1 ms at 200, <= 1 ms at
 * 10,000).
 *
 * 1. Node, the pure parts the plugin runs every frame: syncing every NPC position into the
 *    proximity tracker (a tenth of them moving), the tracker's update (spatial-grid query, hysteresis,
 *    prewarm, cap), and the reveal + layout of the bubbles on screen (up to 8).
 * 2. Chromium, the real plugin on Phaser 4: the scene's POST_UPDATE handler (positions, proximity,
 *    conversations opening against the real local agent, voice positions, bubbles, state markers)
 *    with N Phaser rectangles attached, the player walking through them.
 *
 * Run: npx tsx bench/frame-cost.bench.ts   (writes bench/results/frame-cost.json)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProximityTracker } from '../plugin/proximity/index.js';
import { TurnReveal } from '../plugin/phaser/bubble/reveal.js';
import { layoutBubbles, type BubbleBox } from '../plugin/phaser/bubble/layout.js';
import { compileNpcFile } from '../plugin/npc/index.js';
import { createLocalAgent } from '../plugin/server/index.js';
import { launchBrowser, startPageServer } from '../test/helpers/browser.js';
import { percentile, round, writeResult } from './lib/report.js';

const COUNTS = [10, 200, 1000, 10000];
const TARGET_MS: Record<number, number> = { 200: 0.1, 10000: 1 };
const root = fileURLToPath(new URL('../', import.meta.url));

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pure per-frame work in Node, timed in batches of 100 frames (timer resolution). */
function nodeFrameCost(n: number) {
  const rand = rng(n);
  const tracker = new ProximityTracker({ maxConcurrent: 10, lingerMs: 1500 });
  const side = Math.ceil(Math.sqrt(n));
  const size = side * 200;
  const xs = new Float64Array(n),
    ys = new Float64Array(n),
    idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = (i % side) * 200 + 100;
    ys[i] = Math.floor(i / side) * 200 + 100;
    tracker.add(`npc${i}`, xs[i]!, ys[i]!, {
      radius: 96,
      exitRadius: 128,
      prewarmRadius: 180,
      priority: 0,
      dwellMs: 0,
    });
    idx[i] = tracker.indexOf(`npc${i}`);
  }
  const bubbles = Array.from({ length: Math.min(8, n) }, () => {
    const r = new TurnReveal();
    r.setText('Welcome to Mira’s Wares, traveller! Looking for potions, or perhaps a lantern?');
    r.addAudio(5000);
    return r;
  });
  const boxes: BubbleBox[] = bubbles.map(() => ({ anchorX: 0, anchorY: 0, width: 200, height: 60 }));
  const view = { x: 0, y: 0, width: 800, height: 600 };
  let t = 0;
  let changes = 0;
  const frame = (f: number) => {
    const phase = (f % 2000) / 1000;
    const k = phase <= 1 ? phase : 2 - phase;
    const px = 100 + k * (size - 200),
      py = 100 + k * (size - 200) * 0.7;
    t += 16.7;
    // A tenth of the NPCs wander a little every frame.
    for (let i = 0; i < n; i++) {
      if (i % 10 === f % 10) {
        xs[i] = xs[i]! + (rand() - 0.5) * 2;
        ys[i] = ys[i]! + (rand() - 0.5) * 2;
      }
      tracker.setPositionAt(idx[i]!, xs[i]!, ys[i]!);
    }
    changes += tracker.update(px, py, t).length;
    view.x = px - 400;
    view.y = py - 300;
    for (let b = 0; b < bubbles.length; b++) {
      bubbles[b]!.visibleAt((f * 16.7) % 5000);
      boxes[b]!.anchorX = px + (b - 4) * 40;
      boxes[b]!.anchorY = py - 20 + (b % 3) * 10;
    }
    layoutBubbles(boxes, view);
  };
  for (let f = 0; f < 1000; f++) frame(f); // warm up
  const perFrame: number[] = [];
  const BATCH = 100;
  for (let b = 0; b < 40; b++) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) frame(1000 + b * BATCH + i);
    perFrame.push((performance.now() - t0) / BATCH);
  }
  return { perFrame, changes };
}

async function browserFrameCost(counts: number[]) {
  const file = `${root}assets/npcs/mira.npc.yaml`;
  const compiled = compileNpcFile(readFileSync(file, 'utf8'), file);
  if (!compiled.ok) throw new Error('mira.npc.yaml does not compile');
  const npc = {
    ...compiled.npc,
    proximity: { ...compiled.npc.proximity, radius: 96, exit_radius: 128, prewarm_radius: 180 },
  };
  const agent = await createLocalAgent({ port: 0, npcs: [npc], llm: false });
  const scan = {
    name: 'scan-bench-page',
    config: () => ({ optimizeDeps: { entries: ['test/browser/pages/phaser/bench.html'] } }),
  };
  const { server, url } = await startPageServer({ phaser: '4', plugins: [scan] });
  const browser = await launchBrowser();
  const out: Record<number, { perFrame: number[]; opened: number; started: number }> = {};
  let version = '';
  try {
    const page = await browser.newPage();
    await page.addInitScript((cfg) => ((window as any).__cfg = cfg), { npc, agentUrl: agent.url });
    await page.goto(`${url}/test/browser/pages/phaser/bench.html`);
    await page.waitForFunction(() => (window as any).__ready === true, null, { timeout: 60_000 });
    version = await page.evaluate(() => (window as any).__bench.version);
    // One untimed pass first: the first conversation compiles every cold path (session, voice
    // graph, bubble text), a one-off cost that is not a per-frame cost.
    await page.evaluate(() => (window as any).__bench.run(50, 2000));
    for (const n of counts) {
      out[n] = await page.evaluate(([n, frames]) => (window as any).__bench.run(n, frames), [
        n,
        1500,
      ] as const);
    }
  } finally {
    await browser.close();
    await server.close();
    await agent.close();
  }
  return { version, out };
}

const stats = (v: number[]) => ({
  mean_ms: round(v.reduce((a, b) => a + b, 0) / v.length, 4),
  p50_ms: round(percentile(v, 50), 4),
  p99_ms: round(percentile(v, 99), 4),
});

const node: Record<string, unknown> = {};
const summary: string[] = [
  'frame cost (plugin work per game frame)',
  '',
  'Node, pure parts (proximity + positions + bubbles):',
];
for (const n of COUNTS) {
  const r = nodeFrameCost(n);
  const s = stats(r.perFrame);
  const target = TARGET_MS[n];
  node[n] = {
    ...s,
    ...(target ? { target_ms: target, meets_target: s.p50_ms <= target } : {}),
    proximity_changes: r.changes,
  };
  summary.push(
    `  N=${String(n).padStart(5)}  median ${s.p50_ms.toFixed(4)} ms  mean ${s.mean_ms.toFixed(4)} ms  p99 ${s.p99_ms.toFixed(4)} ms${target ? `  (target <= ${target} ms on the median: ${s.p50_ms <= target ? 'met' : 'MISSED'})` : ''}`,
  );
}
const b = await browserFrameCost(COUNTS);
const browser: Record<string, unknown> = {};
summary.push('', `Chromium, Phaser ${b.version}, the plugin's POST_UPDATE handler (batches of 25 frames):`);
for (const n of COUNTS) {
  const r = b.out[n]!;
  const s = stats(r.perFrame);
  const target = TARGET_MS[n];
  browser[n] = {
    ...s,
    ...(target ? { target_ms: target, meets_target: s.p50_ms <= target } : {}),
    conversations_open_at_end: r.opened,
    conversations_started: r.started,
  };
  summary.push(
    `  N=${String(n).padStart(5)}  median ${s.p50_ms.toFixed(4)} ms  mean ${s.mean_ms.toFixed(4)} ms  p99 ${s.p99_ms.toFixed(4)} ms${target ? `  (target <= ${target} ms on the median: ${s.p50_ms <= target ? 'met' : 'MISSED'})` : ''}  conversations started: ${r.started}`,
  );
}
writeResult(
  'frame-cost',
  {
    definition:
      'plugin work per game frame with N NPCs; p99 over batches (Node: 100 frames, Chromium: 25 frames)',
    targets_ms: TARGET_MS,
    node,
    browser: { phaser: b.version, ...browser },
    peer: 'none: @elevenlabs/client has no per-frame game work to compare',
  },
  summary,
);
