/**
 * Local agent capacity: how many concurrent voice conversations it holds on this machine with its
 * event-loop lag p99 ≤ 20 ms (design §8: ≥ 100). The agent runs in its own process (lag measured
 * there with perf_hooks.monitorEventLoopDelay); this process plays N players, each streaming 20 ms
 * microphone chunks in real time (speech-like bursts and silence, so the VAD finds turns) and typing
 * a question every 8-12 s, so the agent is also synthesizing and streaming replies.
 * Run: npx tsx bench/agent-capacity.bench.ts   (LEVELS=25,50,100 to choose the steps)
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createBabbleEngine } from '../plugin/server/speech/babble.js';
import { round, writeResult } from './lib/report.js';
import { AgentChild, type ServerStats } from './agent-lib.js';

const LEVELS = (process.env.LEVELS ?? '25,50,100,150,200').split(',').map(Number);
const WARM_MS = Number(process.env.WARM_MS ?? 4000);
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 12_000);
const LAG_TARGET = 20;
const QUESTIONS = [
  'Do you sell healing potions?',
  'How much is a lantern?',
  'Tell me about the quest',
  'What are your prices?',
];
const NPCS = ['mira', 'aldric', 'brenna', 'pip'];

// One 8 s microphone loop: 1.6 s of speech-like sound, then silence. Pre-encoded once.
const speech = createBabbleEngine().synthesize('do you sell healing potions today', {
  engineVoice: 'en+m3',
  rate: 170,
  pitch: 50,
}).pcm;
const loop = new Int16Array(16000 * 8);
loop.set(speech.subarray(0, Math.min(speech.length, loop.length)));
const CHUNKS: string[] = [];
for (let i = 0; i < loop.length; i += 320) {
  const c = loop.subarray(i, i + 320);
  CHUNKS.push(
    JSON.stringify({
      user_audio_chunk: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
    }),
  );
}

interface Player {
  ws: WebSocket;
  offset: number;
  nextQuestionAt: number;
  audioFrames: number;
  replies: number;
  closedWith: number | null;
  errors: number;
}

function connect(url: string, i: number): Promise<Player> {
  const ws = new WebSocket(`${url}/v1/convai/conversation?agent_id=${NPCS[i % NPCS.length]}`, ['convai']);
  const p: Player = {
    ws,
    offset: Math.floor(Math.random() * CHUNKS.length),
    nextQuestionAt: performance.now() + 2000 + Math.random() * 8000,
    audioFrames: 0,
    replies: 0,
    closedWith: null,
    errors: 0,
  };
  ws.on('message', (d) => {
    const s = d.toString();
    // Cheap dispatch: audio is most of the traffic and needs no parsing here.
    if (s.startsWith('{"type":"audio"')) {
      p.audioFrames++;
      return;
    }
    const msg = JSON.parse(s);
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', event_id: msg.ping_event.event_id }));
    else if (msg.type === 'agent_response') p.replies++;
    else if (msg.type === 'error') p.errors++;
  });
  ws.on('close', (code) => (p.closedWith = code));
  ws.on('error', () => p.errors++);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(
        JSON.stringify({
          type: 'conversation_initiation_client_data',
          conversation_config_override: { agent: {}, tts: {}, conversation: {} },
        }),
      );
      resolve(p);
    });
    ws.once('error', reject);
  });
}

async function runLevel(agent: AgentChild, n: number) {
  const players: Player[] = [];
  for (let i = 0; i < n; i++) {
    players.push(await connect(agent.url, i));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 100)); // stagger the greetings a little
  }
  const clientLag = monitorEventLoopDelay({ resolution: 5 });
  clientLag.enable();
  // One real-time ticker for every player: 20 ms of audio per player per tick.
  const start = performance.now();
  let ticks = 0;
  let stop = false;
  const tick = (): void => {
    if (stop) return;
    ticks++;
    const now = performance.now();
    for (const p of players) {
      if (p.ws.readyState !== WebSocket.OPEN) continue;
      p.ws.send(CHUNKS[(p.offset + ticks) % CHUNKS.length]!);
      if (now >= p.nextQuestionAt) {
        p.ws.send(JSON.stringify({ type: 'user_message', text: QUESTIONS[ticks % QUESTIONS.length] }));
        p.nextQuestionAt = now + 8000 + Math.random() * 4000;
      }
    }
    const next = start + (ticks + 1) * 20 - performance.now();
    setTimeout(tick, Math.max(0, next));
  };
  tick();
  await new Promise((r) => setTimeout(r, WARM_MS));
  await agent.reset();
  clientLag.reset();
  const before = players.reduce((s, p) => s + p.audioFrames, 0);
  const repliesBefore = players.reduce((s, p) => s + p.replies, 0);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const stats: ServerStats = await agent.stats();
  stop = true;
  const audioFrames = players.reduce((s, p) => s + p.audioFrames, 0) - before;
  const replies = players.reduce((s, p) => s + p.replies, 0) - repliesBefore;
  const closed = players.filter((p) => p.closedWith !== null).length;
  const errors = players.reduce((s, p) => s + p.errors, 0);
  for (const p of players) p.ws.close();
  await new Promise((r) => setTimeout(r, 500));
  clientLag.disable();
  return {
    conversations: n,
    serverLagMs: { p50: round(stats.lagMs.p50), p99: round(stats.lagMs.p99), max: round(stats.lagMs.max) },
    serverCpuPercent: round(stats.cpuPercent, 1),
    // CPU time is less sensitive than lag to other load on a shared machine.
    serverCpuMsPerConversationSecond: round((stats.cpuPercent * 10) / n, 3),
    machineLoadAvg1m: round(loadavg()[0]!, 2),
    serverRssMb: round(stats.rssMb, 0),
    replies,
    audioFramesPerSecond: round(audioFrames / (MEASURE_MS / 1000), 0),
    chunksInPerSecond: round((n * 1000) / 20, 0),
    closedOrErrored: closed + errors,
    clientLagP99Ms: round(Math.max(0, clientLag.percentile(99) / 1e6 - 5)),
    meetsLagTarget: stats.lagMs.p99 <= LAG_TARGET && closed + errors === 0,
  };
}

const agent = await AgentChild.start({
  recognizer: 'none',
  limits: { maxSessions: 1000, idleTimeoutMs: 120_000 },
});
const engine = (await agent.stats()).engine;
const levels: Awaited<ReturnType<typeof runLevel>>[] = [];
for (const n of LEVELS) {
  const r = await runLevel(agent, n);
  levels.push(r);
  process.stderr.write(
    `${n} conversations: server lag p99 ${r.serverLagMs.p99} ms, cpu ${r.serverCpuPercent} %, ${r.replies} replies\n`,
  );
}
await agent.close();
// Lag alone is not enough: when the one synthesis worker saturates, replies still start but their
// audio falls behind. A level only counts if audio per conversation keeps up with the lightest level.
const perConversation = (l: (typeof levels)[number]): number => l.audioFramesPerSecond / l.conversations;
const baseline = levels.length ? perConversation(levels[0]!) : 0;
for (const l of levels) Object.assign(l, { speechKeepsUp: perConversation(l) >= 0.75 * baseline });
const capacity = levels
  .filter((l) => l.meetsLagTarget && (l as { speechKeepsUp?: boolean }).speechKeepsUp)
  .reduce((m, l) => Math.max(m, l.conversations), 0);
const lagOnlyCapacity = levels
  .filter((l) => l.meetsLagTarget)
  .reduce((m, l) => Math.max(m, l.conversations), 0);
writeResult(
  'agent-capacity',
  {
    engine,
    lagTargetMs: LAG_TARGET,
    target: 100,
    capacity,
    levels,
    peer: 'none (no local ConvAI server to compare)',
  },
  [
    `local agent capacity (${engine}): ${capacity} concurrent voice conversations with event-loop lag p99 <= ${LAG_TARGET} ms and speech keeping up (target >= 100: ${capacity >= 100 ? 'met' : 'MISSED'}); lag alone: ${lagOnlyCapacity}`,
    ...levels.map(
      (l) =>
        `  ${String(l.conversations).padStart(4)}: lag p50 ${l.serverLagMs.p50} / p99 ${l.serverLagMs.p99} / max ${l.serverLagMs.max} ms, cpu ${l.serverCpuPercent} % (${l.serverCpuMsPerConversationSecond} ms CPU per conversation-second), load avg ${l.machineLoadAvg1m}, ${l.replies} replies, ${l.audioFramesPerSecond} audio frames/s${(l as { speechKeepsUp?: boolean }).speechKeepsUp ? '' : ' (speech behind)'}, client lag p99 ${l.clientLagP99Ms} ms`,
    ),
  ],
);
