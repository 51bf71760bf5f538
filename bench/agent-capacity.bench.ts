/**
 * Local agent capacity (docs/design.md §8: ≥ 100 concurrent voice conversations on 2 cores with event-loop
 * lag p99 ≤ 20 ms): the number of conversations is raised until the agent breaks, and the bench
 * reports where: the last level that held and the first that broke, with the numbers at each step.
 *
 * A level breaks when, over its measurement (four 3 s windows):
 *  - the agent's event-loop lag p99 exceeds 20 ms (perf_hooks.monitorEventLoopDelay in its process), or
 *  - speech falls behind real time: each player plays the reply audio it receives the moment it
 *    arrives, back to back; when a frame arrives after the previous ones have finished playing, the
 *    player hears a gap. More than 1 % of the reply audio time in gaps (median of the windows) is
 *    "behind", or
 *  - (spoken) the recognizer declines more than 5 % of the spoken turns (it is overloaded, and the NPC
 *    says it did not catch them), or
 *  - conversations close or error.
 * The sweep goes up by about x1.5 until a level breaks, then halves the gap between the last level
 * that held and the first that broke twice (bisection). A level that breaks is measured once more
 * (at most RETRIES=2 times a pass): it counts as broken only if it breaks again, and one that broke
 * once and held once is reported as flaky. On a shared machine a burst of other work breaks single
 * levels; a real limit breaks every time.
 *
 * Two passes, each with its own agent process (the real local agent over loopback, 127.0.0.1):
 *  - spoken: what a player uses. Each player streams its microphone in real time (20 ms chunks): a
 *    question spoken by espeak-ng every 8 s, low noise between. The agent's VAD finds the end of each
 *    turn and pocketsphinx (apt: pocketsphinx pocketsphinx-en-us) recognizes it, and the NPC answers.
 *  - typed: the same microphone stream with no speech in it (the VAD runs on every chunk but finds no
 *    turns, the recognizer is off: recognizer 'none'); the player types the same question instead.
 * Both: 4 NPCs (mira, aldric, brenna, pip), one question per player every 8 s, greetings off (the
 * bench connects every player at once, a burst no game makes). Players are this process; the agent
 * is its own process; both share the machine's 2 cores.
 *
 * Run: npx tsx bench/agent-capacity.bench.ts   (PASSES=spoken,typed LEVELS=20,40 to pin the levels,
 * PASS_BUDGET_S=270 bounds each pass). Any setting changed from its default makes it a quick look,
 * written to bench/results/investigation/agent-capacity.partial.json, not the figure.
 */
import { loadavg } from 'node:os';
import { round, writeResult } from './lib/report.js';
import { AgentChild } from './agent-lib.js';
import { buildLoops, CYCLE_MS, type Loop } from './lib/capacity-players.js';
import {
  DECLINED_SHARE_LIMIT,
  GAP_SHARE_LIMIT,
  LAG_TARGET,
  runLevel,
  type Level,
  type Measurement,
} from './lib/capacity-level.js';

const PASSES = (process.env.PASSES ?? 'spoken,typed').split(',').filter(Boolean) as Array<'spoken' | 'typed'>;
const PINNED = process.env.LEVELS?.split(',').filter(Boolean).map(Number);
const START = Number(process.env.START ?? 10);
const MAX_LEVEL = Number(process.env.MAX_LEVEL ?? 1200);
const BISECTIONS = Number(process.env.BISECTIONS ?? 2);
const MAX_RETRIES = Number(process.env.RETRIES ?? 2);
const PASS_BUDGET_MS = Number(process.env.PASS_BUDGET_S ?? 270) * 1000;
/** WARM_MS and WINDOW_MS shorten levels for a quick look; the result records what was used. */
const MEASUREMENT: Measurement = {
  warmMs: Number(process.env.WARM_MS ?? 4000),
  windows: 4,
  windowMs: Number(process.env.WINDOW_MS ?? 3000),
};
const started = performance.now();
const progress = (msg: string): void => {
  if (process.env.BENCH_VERBOSE)
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}\n`);
};

function nextUp(n: number): number {
  return Math.min(MAX_LEVEL, Math.max(n + 5, Math.round((n * 1.5) / 5) * 5));
}

async function runPass(kind: 'spoken' | 'typed', loops: Loop[]) {
  if (kind === 'spoken' && process.env.VOICE_AGENTS_ASR === 'none') delete process.env.VOICE_AGENTS_ASR;
  const agent = await AgentChild.start({
    recognizer: kind === 'spoken' ? 'auto' : 'none',
    limits: { maxSessions: 5000, idleTimeoutMs: 120_000 },
  });
  progress(`${kind} agent started`);
  const passStart = performance.now();
  const levels: Level[] = [];
  let engine = '';
  let recognizer: string | null = null;
  try {
    const s0 = await agent.stats();
    engine = s0.engine;
    recognizer = s0.recognizer ?? null;
    if (kind === 'spoken' && !recognizer)
      throw new Error('the spoken pass needs pocketsphinx: apt-get install pocketsphinx pocketsphinx-en-us');
    const runOnce = async (n: number): Promise<Level> => {
      const r = await runLevel(agent, n, loops, MEASUREMENT, progress);
      levels.push(r);
      process.stderr.write(
        `${kind} ${n}: ${r.held ? 'held' : `BROKE (${r.why.join('; ')})`}; lag p99 ${r.lagMs.p99} ms, gaps ${r.gapSharePercent} %, agent cpu ${r.agentCpuPercent} %, client cpu ${r.clientCpuPercent} % [${((performance.now() - started) / 1000).toFixed(0)} s]\n`,
      );
      return r;
    };
    const overBudget = () => performance.now() - passStart > PASS_BUDGET_MS;
    let retries = 0;
    /** A level that breaks is measured once more (a burst of other work breaks single levels here). */
    const run = async (n: number): Promise<Level> => {
      const r = await runOnce(n);
      if (r.held || r.unresponsive || r.clientBehind || retries >= MAX_RETRIES || overBudget()) return r;
      retries++;
      return runOnce(n);
    };
    if (PINNED) {
      for (const n of PINNED) {
        if (overBudget()) break;
        if ((await runOnce(n)).unresponsive) break; // the agent is stuck: nothing more to measure with it
      }
    } else {
      let n = START;
      let lastHeld: Level | null = null;
      let firstBroke: Level | null = null;
      for (;;) {
        const r = await run(n);
        if (!r.held) {
          firstBroke = r;
          break;
        }
        lastHeld = r;
        if (n >= MAX_LEVEL || overBudget()) break;
        n = nextUp(n);
      }
      // Bisect between the last level that held and the first that broke (not past a client limit).
      for (
        let b = 0;
        b < BISECTIONS && firstBroke && !firstBroke.clientBehind && !firstBroke.unresponsive && !overBudget();
        b++
      ) {
        const lo = lastHeld?.conversations ?? 0;
        const hi = firstBroke.conversations;
        const m = Math.round((lo + hi) / 2);
        if (hi - lo < 10 || m <= lo || m >= hi) break;
        const r = await run(m);
        if (r.held) lastHeld = r;
        else firstBroke = r;
      }
    }
  } finally {
    await agent.close(10_000);
  }
  // Per level: broken only if every attempt at it broke; one that broke once and then held is flaky.
  const verdicts = [...new Set(levels.map((l) => l.conversations))]
    .sort((a, b) => a - b)
    .map((n) => {
      const tries = levels.filter((l) => l.conversations === n && !l.clientBehind);
      return {
        conversations: n,
        attempts: tries.length,
        held: tries.some((t) => t.held),
        flaky: tries.some((t) => t.held) && tries.some((t) => !t.held),
        clientBehind: tries.length === 0,
      };
    })
    .filter((v) => !v.clientBehind);
  const held = verdicts.filter((v) => v.held).map((v) => v.conversations);
  const broke = verdicts.filter((v) => !v.held).map((v) => v.conversations);
  // The bracket: the highest level that held below the lowest that broke.
  const firstBrokeN = broke.length ? Math.min(...broke) : null;
  const lastHeldN = held
    .filter((n) => firstBrokeN === null || n < firstBrokeN)
    .reduce((m, n) => Math.max(m, n), 0);
  const heldAbove = held.filter((n) => firstBrokeN !== null && n > firstBrokeN);
  return {
    kind,
    engine,
    recognizer,
    lastHeld: lastHeldN,
    firstBroke: firstBrokeN,
    firstBrokeWhy: levels.find((l) => l.conversations === firstBrokeN)?.why ?? [],
    ...(heldAbove.length ? { heldAboveFirstBreak: heldAbove } : {}),
    flakyLevels: verdicts.filter((v) => v.flaky).map((v) => v.conversations),
    clientLimited: levels.some((l) => l.clientBehind),
    seconds: round((performance.now() - passStart) / 1000, 0),
    /** Every attempt, in the order run. */
    levels,
  };
}

const loops = buildLoops();
progress('microphone loops built');
const passes: Array<Awaited<ReturnType<typeof runPass>>> = [];
for (const kind of PASSES) passes.push(await runPass(kind, kind === 'spoken' ? loops.spoken : loops.typed));

const byKind = Object.fromEntries(passes.map((p) => [p.kind, p]));
const spoken = byKind.spoken;
const typed = byKind.typed;
const describePass = (p: (typeof passes)[number]): string =>
  `${p.kind === 'spoken' ? 'spoken (VAD + ' + p.recognizer + ')' : 'typed (recognizer none)'}: held ${p.lastHeld}, ` +
  (p.firstBroke !== null ? `broke at ${p.firstBroke} (${p.firstBrokeWhy.join('; ')})` : 'no level broke') +
  (p.heldAboveFirstBreak
    ? `; held again at ${p.heldAboveFirstBreak.join(', ')} (noise near the limit)`
    : '') +
  (p.flakyLevels.length ? `; flaky (broke once, held once): ${p.flakyLevels.join(', ')}` : '') +
  (p.clientLimited ? '; the players in this process could not go higher in real time' : '') +
  ` [${p.seconds} s]`;
const row = (l: Level): string =>
  `  ${String(l.conversations).padStart(5)} ${l.held ? 'held ' : 'BROKE'}  lag p50 ${l.lagMs.p50} / p99 ${l.lagMs.p99} (windows ${l.windowLagP99Ms.join(' ')}) / max ${l.lagMs.max} ms` +
  `  gaps ${l.gapSharePercent} % (windows ${l.windowGapSharePercent.join(' ')})` +
  `  first audio p50 ${l.turnToFirstAudioMs?.p50 ?? '-'} / p95 ${l.turnToFirstAudioMs?.p95 ?? '-'} ms` +
  (l.recognizerMs ? `  asr p50 ${l.recognizerMs.p50} ms` : '') +
  (l.declinedTurnsPercent ? `  declined ${l.declinedTurnsPercent} % of spoken turns` : '') +
  `  ${l.repliesPerSecond} replies/s${l.transcriptsPerSecond ? `, ${l.transcriptsPerSecond} transcripts/s` : ''}` +
  `  agent cpu ${l.agentCpuPercent} %, players cpu ${l.clientCpuPercent} %, load ${l.machineLoadAvg1m}` +
  (l.why.length ? `  <- ${l.why.join('; ')}` : '');

// Only the full sweep with both passes and full-length levels is the figure; a quick look (pinned
// levels, shorter windows, one pass) goes to investigation/ and leaves SUMMARY.md's source alone.
const partial =
  PINNED !== undefined ||
  PASSES.length < 2 ||
  START !== 10 ||
  MAX_LEVEL !== 1200 ||
  BISECTIONS !== 2 ||
  MAX_RETRIES !== 2 ||
  PASS_BUDGET_MS !== 270_000 ||
  MEASUREMENT.warmMs !== 4000 ||
  MEASUREMENT.windowMs !== 3000;
writeResult(
  partial ? 'investigation/agent-capacity.partial' : 'agent-capacity',
  {
    definition:
      'concurrent voice conversations (20 ms mic chunks in real time, one question per player every 8 s) the local agent holds on this machine; a level breaks on event-loop lag p99 > 20 ms, reply audio arriving too late to play in real time (> 1 % gaps), spoken turns the recognizer declines as overloaded (> 5 %), or failed conversations',
    lagTargetMs: LAG_TARGET,
    gapShareLimitPercent: GAP_SHARE_LIMIT * 100,
    declinedShareLimitPercent: DECLINED_SHARE_LIMIT * 100,
    target: 100,
    // The headline: what a player uses (spoken input), else the typed pass.
    capacity: spoken?.lastHeld ?? typed?.lastHeld ?? 0,
    spoken: spoken ?? null,
    typed: typed ?? null,
    measurement: { ...MEASUREMENT, cycleMs: CYCLE_MS },
    peer: 'none (no local ConvAI server to compare)',
  },
  [
    'local agent capacity: concurrent voice conversations until it breaks (lag p99 > 20 ms, speech gaps > 1 %, > 5 % of spoken turns not recognized, or failures)',
    ...passes.flatMap((p) => ['', `${p.kind}: every attempt, in the order run`, ...p.levels.map(row)]),
    '',
    `took ${((performance.now() - started) / 1000).toFixed(0)} s, load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    ...passes.map(describePass),
    `target >= 100 (spoken): ${spoken ? (spoken.lastHeld >= 100 ? 'met' : 'MISSED') : 'not run'}; typed: ${typed ? (typed.lastHeld >= 100 ? 'met' : 'MISSED') : 'not run'}`,
  ],
);
