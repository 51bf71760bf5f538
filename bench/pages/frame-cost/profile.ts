/**
 * Where the frame-cost bench's plugin frame goes: a CPU profile (Chrome DevTools protocol) of the
 * walking case, self time summed per function, only samples under the page's timed POST_UPDATE emit.
 * Run: npx tsx bench/pages/frame-cost/profile.ts   (N=200 FRAMES=3000 SILENT=1 CROWD=1)
 */
import { fileURLToPath } from 'node:url';
import { benchNpc, crossOriginIsolate } from '../../lib/frame-cost-setup.js';
import type { FrameCostConfig, RunOptions } from './frame-cost.js';
import { createLocalAgent } from '../../../plugin/server/index.js';
import { launchBrowser, startPageServer } from '../../../harness/browser.js';
import { pageReady } from '../../../harness/poll.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const N = Number(process.env.N ?? 200);
const FRAMES = Number(process.env.FRAMES ?? 3000);
const npc = benchNpc(root);
const agent = await createLocalAgent({ port: 0, npcs: [npc], llm: false });
const { server, url } = await startPageServer({ phaser: '4', plugins: [crossOriginIsolate] });
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.addInitScript((cfg: FrameCostConfig) => (window.frameCostConfig = cfg), {
    npc,
    agentUrl: agent.url,
  });
  await page.goto(`${url}/bench/pages/frame-cost/index.html`);
  await pageReady(page, 'frame-cost', 60_000);
  const run = (o: RunOptions) => page.evaluate((o) => window.frameCostBench.run(o), o);
  await run({ n: 50, runs: 1, frames: 300 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 25 });
  await cdp.send('Profiler.start');
  const res = await run({
    n: N,
    runs: 1,
    frames: FRAMES,
    silent: !!process.env.SILENT,
    crowd: !!process.env.CROWD,
  });
  const { profile } = await cdp.send('Profiler.stop');
  type ProfileNode = (typeof profile.nodes)[number];
  const ms = res.runs[0]!.frameMs.slice().sort((a, b) => a - b);
  console.log(`median frame ${ms[ms.length >> 1]!.toFixed(4)} ms over ${ms.length} frames`);
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++)
    dt.set(samples[i]!, (dt.get(samples[i]!) ?? 0) + deltas[i]! / 1000);
  const node = (id: number): ProfileNode => byId.get(id)!; // ids from the same profile
  const name = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  // Under the timed emit: an ancestor is `emit` in frame-cost.ts.
  const under = (id: number): boolean => {
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const cf = node(p).callFrame;
      if (cf.functionName === 'emit' && cf.url.includes('frame-cost.ts')) return true;
    }
    return false;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (const [id, t] of dt) {
    if (!under(id)) continue;
    total += t;
    self.set(name(node(id)), (self.get(name(node(id))) ?? 0) + t);
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const k = name(node(p));
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
  const per = (t: number) => ((t / FRAMES) * 1000).toFixed(1).padStart(6) + ' us/frame';
  console.log(`sampled under emit: ${per(total)}`);
  console.log('--- self');
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(per(t), k);
  console.log('--- inclusive');
  for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(per(t), k);
} finally {
  await browser.close();
  await server.close();
  await agent.close();
}
