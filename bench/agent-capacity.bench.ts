/**
 * Local agent capacity (design §8: ≥ 100 concurrent voice conversations on 2 cores with event-loop
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
 * PASS_BUDGET_S=270 bounds each pass)
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { round, writeResult } from './lib/report.js';
import { mid, pct } from './lib/spread.js';
import { AgentChild, type ServerStats, type WindowStats } from './agent-lib.js';
import {
  buildLoops,
  connect,
  CHUNK_MS,
  CYCLE_MS,
  sum,
  type Loop,
  type Player,
} from './lib/capacity-players.js';

const PASSES = (process.env.PASSES ?? 'spoken,typed').split(',').filter(Boolean) as Array<'spoken' | 'typed'>;
const PINNED = process.env.LEVELS?.split(',').filter(Boolean).map(Number);
const START = Number(process.env.START ?? 10);
const MAX_LEVEL = Number(process.env.MAX_LEVEL ?? 1200);
const BISECTIONS = Number(process.env.BISECTIONS ?? 2);
const MAX_RETRIES = Number(process.env.RETRIES ?? 2);
const PASS_BUDGET_MS = Number(process.env.PASS_BUDGET_S ?? 270) * 1000;
const WARM_MS = Number(process.env.WARM_MS ?? 4000);
const WINDOWS = 4;
const WINDOW_MS = Number(process.env.WINDOW_MS ?? 3000);
const LAG_TARGET = 20;
/** Share of reply audio time a player may spend waiting for late audio before speech is "behind". */
const GAP_SHARE_LIMIT = 0.01;
/**
 * Share of spoken turns the recognizer may decline (overloaded: the NPC says it did not catch that)
 * before the level counts as broken: a conversation whose questions go unrecognized is not held.
 */
const DECLINED_SHARE_LIMIT = 0.05;
const started = performance.now();
const progress = (msg: string): void => {
  if (process.env.BENCH_VERBOSE)
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${msg}\n`);
};

interface WindowResult extends WindowStats {
  gapShare: number;
  audioSecondsPerConversationSecond: number;
  chunksSentShare: number;
  clientLagP99Ms: number;
}

/** IPC answers from the agent must come within this; otherwise its event loop is stuck. */
const IPC_TIMEOUT_MS = 20_000;

async function runLevel(agent: AgentChild, n: number, loops: Loop[]) {
  const players: Player[] = [];
  const connectStart = performance.now();
  let connectFailures = 0;
  for (let i = 0; i < n; i += 25) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(25, n - i) }, (_, j) => connect(agent.url, i + j, loops)),
    );
    for (const r of batch) {
      if (r.status === 'fulfilled') players.push(r.value);
      else connectFailures++;
    }
  }
  const connectMs = performance.now() - connectStart;
  progress(`${n} connected in ${connectMs.toFixed(0)} ms (${connectFailures} failed)`);
  const clientLag = monitorEventLoopDelay({ resolution: 5 });
  clientLag.enable();
  const cpu0 = process.cpuUsage();
  // One real-time ticker for every player: 20 ms of audio per player per tick.
  const start = performance.now();
  let ticks = 0;
  let stop = false;
  const tick = (): void => {
    if (stop) return;
    ticks++;
    for (const p of players) {
      if (p.ws.readyState !== WebSocket.OPEN) continue;
      const idx = (p.offset + ticks) % p.loop.chunks.length;
      p.ws.send(p.loop.chunks[idx]!);
      p.sent++;
      const q = p.loop.typedAt.get(idx);
      if (q) p.ws.send(JSON.stringify({ type: 'user_message', text: q }));
    }
    setTimeout(tick, Math.max(0, start + (ticks + 1) * CHUNK_MS - performance.now()));
  };
  const windows: WindowResult[] = [];
  let stats: ServerStats | null = null;
  let unresponsive = '';
  let totals0 = { replies: 0, transcripts: 0 };
  try {
    tick();
    await new Promise((r) => setTimeout(r, WARM_MS));
    await agent.reset(IPC_TIMEOUT_MS);
    progress('warmed');
    totals0 = {
      replies: sum(players, (p) => p.replies),
      transcripts: sum(players, (p) => p.transcripts),
    };
    for (let w = 0; w < WINDOWS; w++) {
      const before = {
        audio: sum(players, (p) => p.audioMs),
        gap: sum(players, (p) => p.gapMs),
        sent: sum(players, (p) => p.sent),
        at: performance.now(),
      };
      clientLag.reset();
      await new Promise((r) => setTimeout(r, WINDOW_MS));
      const s = await agent.window(IPC_TIMEOUT_MS);
      progress(`window ${w}: lag p99 ${s.lagMs.p99.toFixed(1)} ms`);
      const audio = sum(players, (p) => p.audioMs) - before.audio;
      const gap = sum(players, (p) => p.gapMs) - before.gap;
      const secs = (performance.now() - before.at) / 1000;
      windows.push({
        ...s,
        gapShare: audio > 0 ? gap / audio : 0,
        audioSecondsPerConversationSecond: audio / 1000 / Math.max(1, players.length) / secs,
        chunksSentShare:
          (sum(players, (p) => p.sent) - before.sent) /
          (Math.max(1, players.length) * ((secs * 1000) / CHUNK_MS)),
        clientLagP99Ms: Math.max(0, clientLag.percentile(99) / 1e6 - 5),
      });
    }
    stats = await agent.stats(IPC_TIMEOUT_MS);
  } catch (err) {
    unresponsive = (err as Error).message;
  } finally {
    stop = true;
  }
  const cpu = process.cpuUsage(cpu0);
  const clientCpuPercent = ((cpu.user + cpu.system) / 1000 / (performance.now() - start)) * 100;
  const closed = players.filter((p) => p.closedWith !== null).length;
  const errors = sum(players, (p) => p.errors);
  const replies = sum(players, (p) => p.replies) - totals0.replies;
  const transcripts = sum(players, (p) => p.transcripts) - totals0.transcripts;
  // Counted by the agent since the reset: on the wire a decline and a turn the NPC did not understand
  // look alike (its "say again" line, no transcript).
  const turns = stats?.spokenTurns ?? { decoded: 0, declined: 0 };
  const declinedShare = turns.declined / Math.max(1, turns.declined + turns.decoded);
  const gapMs = sum(players, (p) => p.gapMs);
  const audioMs = sum(players, (p) => p.audioMs);
  for (const p of players) p.ws.close();
  await new Promise((r) => setTimeout(r, 500));
  clientLag.disable();

  const measureS = (WINDOWS * WINDOW_MS) / 1000;
  const gapShare = windows.length ? mid(windows.map((w) => w.gapShare)) : 0;
  const lagMs = stats?.lagMs ?? {
    p50: NaN,
    p99: windows.length ? Math.max(...windows.map((w) => w.lagMs.p99)) : NaN,
    max: windows.length ? Math.max(...windows.map((w) => w.lagMs.max)) : NaN,
  };
  const lagBroke = !(lagMs.p99 <= LAG_TARGET);
  const speechBehind = gapShare > GAP_SHARE_LIMIT;
  const recognizerBehind = declinedShare > DECLINED_SHARE_LIMIT;
  const playersBehind = windows.length > 0 && mid(windows.map((w) => w.chunksSentShare)) < 0.95;
  const failed = closed + errors + connectFailures > 0;
  const agentBroke = Boolean(unresponsive) || lagBroke || speechBehind || recognizerBehind || failed;
  // Players that fell behind gave the agent less than the nominal load: a break still counts (it broke
  // under less), a level that held does not (it was not shown to hold at n).
  const clientBehind = playersBehind && !agentBroke;
  const ttfa = stats?.turnToFirstAudioMs ?? [];
  const asr = stats?.asrMs ?? [];
  return {
    conversations: n,
    held: !agentBroke && !clientBehind,
    why: [
      unresponsive ? `${unresponsive} (its event loop was stuck)` : '',
      lagBroke && !unresponsive ? `lag p99 ${round(lagMs.p99)} ms > ${LAG_TARGET}` : '',
      speechBehind ? `speech behind real time (gaps ${round(gapShare * 100, 1)} % of reply audio)` : '',
      recognizerBehind
        ? `recognizer behind (${round(declinedShare * 100, 1)} % of spoken turns declined as not caught)`
        : '',
      failed ? `${connectFailures} connects failed, ${closed} closed, ${errors} errors` : '',
      clientBehind
        ? 'the players (this process) could not keep 20 ms chunks in real time: not a valid level'
        : playersBehind
          ? `the players sent only ${round(mid(windows.map((w) => w.chunksSentShare)) * 100, 0)} % of their chunks`
          : '',
    ].filter(Boolean),
    unresponsive: Boolean(unresponsive),
    clientBehind,
    lagMs: { p50: round(lagMs.p50), p99: round(lagMs.p99), max: round(lagMs.max) },
    windowLagP99Ms: windows.map((w) => round(w.lagMs.p99)),
    gapSharePercent: round(gapShare * 100, 2),
    windowGapSharePercent: windows.map((w) => round(w.gapShare * 100, 2)),
    gapsPerReply: replies ? round(sum(players, (p) => p.gaps) / Math.max(1, replies), 2) : 0,
    gapMsTotal: round(gapMs, 0),
    replyAudioSecondsTotal: round(audioMs / 1000, 1),
    replyAudioPerConversationSecond: windows.length
      ? round(mid(windows.map((w) => w.audioSecondsPerConversationSecond)), 3)
      : 0,
    turnToFirstAudioMs: ttfa.length
      ? { p50: round(pct(ttfa, 50)), p95: round(pct(ttfa, 95)), n: ttfa.length }
      : null,
    recognizerMs: asr.length ? { p50: round(pct(asr, 50)), p95: round(pct(asr, 95)), n: asr.length } : null,
    repliesPerSecond: round(replies / measureS, 1),
    transcriptsPerSecond: round(transcripts / measureS, 1),
    declinedTurnsPercent: round(declinedShare * 100, 1),
    agentCpuPercent: stats ? round(stats.cpuPercent, 1) : null,
    windowAgentCpuPercent: windows.map((w) => round(w.cpuPercent, 0)),
    clientCpuPercent: round(clientCpuPercent, 1),
    clientLagP99Ms: windows.length ? round(mid(windows.map((w) => w.clientLagP99Ms))) : null,
    chunksSentShare: windows.length ? round(mid(windows.map((w) => w.chunksSentShare)), 3) : null,
    agentRssMb: stats ? round(stats.rssMb, 0) : null,
    machineLoadAvg1m: round(loadavg()[0]!, 2),
    connectMs: round(connectMs, 0),
    closedOrErrored: closed + errors + connectFailures,
  };
}

type Level = Awaited<ReturnType<typeof runLevel>>;

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
      const r = await runLevel(agent, n, loops);
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

writeResult(
  'agent-capacity',
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
    measurement: { warmMs: WARM_MS, windows: WINDOWS, windowMs: WINDOW_MS, cycleMs: CYCLE_MS },
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
