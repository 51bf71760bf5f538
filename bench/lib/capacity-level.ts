/**
 * One level of the capacity bench (bench/agent-capacity.bench.ts): `n` players hold conversations
 * with the agent at once, and the level is measured and judged held or broken. Which levels to try
 * is the bench's sweep; what counts as broken is here, with the limits the result reports.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { AgentChild, ServerStats, WindowStats } from '../agent-lib.js';
import { connect, CHUNK_MS, sum, type Loop, type Player } from './capacity-players.js';
import { round } from './report.js';
import { mid, pct } from './spread.js';

export const LAG_TARGET = 20;
/** Share of reply audio time a player may spend waiting for late audio before speech is "behind". */
export const GAP_SHARE_LIMIT = 0.01;
/**
 * Share of spoken turns the recognizer may decline (overloaded: the NPC says it did not catch that)
 * before the level counts as broken: a conversation whose questions go unrecognized is not held.
 */
export const DECLINED_SHARE_LIMIT = 0.05;

/** A level's warm-up, then its measurement: `windows` windows of `windowMs` each. */
export interface Measurement {
  warmMs: number;
  windows: number;
  windowMs: number;
}

interface WindowResult extends WindowStats {
  gapShare: number;
  audioSecondsPerConversationSecond: number;
  chunksSentShare: number;
  clientLagP99Ms: number;
}

/** IPC answers from the agent must come within this; otherwise its event loop is stuck. */
const IPC_TIMEOUT_MS = 20_000;

/** Connects `n` players, lets them warm up, measures `m.windows` windows and judges the level. */
export async function runLevel(
  agent: AgentChild,
  n: number,
  loops: Loop[],
  m: Measurement,
  progress: (msg: string) => void,
) {
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
    await new Promise((r) => setTimeout(r, m.warmMs));
    await agent.reset(IPC_TIMEOUT_MS);
    progress('warmed');
    totals0 = {
      replies: sum(players, (p) => p.replies),
      transcripts: sum(players, (p) => p.transcripts),
    };
    for (let w = 0; w < m.windows; w++) {
      const before = {
        audio: sum(players, (p) => p.audioMs),
        gap: sum(players, (p) => p.gapMs),
        sent: sum(players, (p) => p.sent),
        at: performance.now(),
      };
      clientLag.reset();
      await new Promise((r) => setTimeout(r, m.windowMs));
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

  const measureS = (m.windows * m.windowMs) / 1000;
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

export type Level = Awaited<ReturnType<typeof runLevel>>;
