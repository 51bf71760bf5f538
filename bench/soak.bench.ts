/**
 * Soak (docs/design.md §8, memory): does a long conversation leave anything behind?
 *
 * Node: 30 simulated minutes of agent speech (SOAK_MINUTES) through AgentSession and the real local
 * agent, run faster than real time by holding SOAK_PARALLEL conversations at once (each paced at
 * real time by the agent, as a player hears it). Every conversation is closed and reopened after a
 * few turns, as a player walks from NPC to NPC. Heap after forced GC is sampled throughout; open
 * sockets, timers and socket listeners are counted before and after.
 *
 * Chromium: the Phaser plugin's whole audio path (session, voice worklet, spatial graph, mic, bubble)
 * for SOAK_BROWSER_TURNS turns: most cut short by skip (the flush path), every fifth played to the
 * end, walking away and back every ten turns (voice and mic graphs torn down and rebuilt). JS heap
 * (CDP collectGarbage + getHeapUsage) and wired AudioNodes before and after.
 *
 * Run: node --expose-gc --import tsx bench/soak.bench.ts   (npm run bench passes --expose-gc)
 */
import WebSocket from 'ws';
import { createLocalAgent } from '../plugin/server/agent/index.js';
import { AgentSession, type WebSocketConstructor } from '../plugin/session/index.js';
import { launchBrowser, startPageServer } from '../harness/browser.js';
import { pageReady, poll, until } from '../harness/poll.js';
import { FAULT_NPC, GREETING } from '../harness/npcs.js';
import { round, writeResult } from './lib/report.js';

const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const PARALLEL = Number(process.env.SOAK_PARALLEL ?? 10);
const TURNS_PER_CONVERSATION = 8;
const BROWSER_TURNS = Number(process.env.SOAK_BROWSER_TURNS ?? 120);
const MB = 1024 * 1024;
/** The fault page's test API (test/browser/pages/fault), and its methods by name. */
type FaultPage = Window['fault'];
type FaultCall = {
  [K in keyof FaultPage]: FaultPage[K] extends (...a: never[]) => unknown ? K : never;
}[keyof FaultPage];
/** What the fault page's snapshot() returns. */
type Snapshot = Awaited<ReturnType<FaultPage['snapshot']>>;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('soak: run with --expose-gc (node --expose-gc --import tsx bench/soak.bench.ts)');
  process.exit(2);
}
const heapMb = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed / MB;
};
const handleCounts = () => {
  const out: Record<string, number> = {};
  for (const t of process.getActiveResourcesInfo()) out[t] = (out[t] ?? 0) + 1;
  return out;
};

// Replies of different lengths, so turns are not all alike.
const NPC = {
  ...FAULT_NPC,
  local: {
    ...FAULT_NPC.local,
    replies: [
      { when: ['potion'], say: 'Potions are twenty gold each.' },
      { when: ['story'], say: 'Long ago, a dragon slept under the hill. Nobody woke it. Then a bard did.' },
      { when: ['weather'], say: 'Rain tonight, I think. The crows are flying low over the mill.' },
      { when: ['name'], say: 'Folk call me Tess. I have kept this shop for eleven winters.' },
    ],
  },
};
const QUESTIONS = ['Do you sell a potion?', 'Tell me a story', 'How is the weather?', 'What is your name?'];

/** ws that counts the listeners a session leaves on it. */
class CountingWs extends WebSocket {
  static all: CountingWs[] = [];
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    CountingWs.all.push(this);
  }
}

async function nodeSoak() {
  const agent = await createLocalAgent({
    npcs: [NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
  });
  const url = `${agent.url}/v1/convai/conversation?agent_id=fault`;
  let speechMs = 0;
  let turns = 0;
  let conversations = 0;
  let errors = 0;

  /** One conversation: TURNS_PER_CONVERSATION typed questions, each answer heard in full. */
  async function conversation(worker: number): Promise<void> {
    const session = new AgentSession({
      endpoint: { kind: 'url', url },
      WebSocket: CountingWs as unknown as WebSocketConstructor,
    });
    let heardMs = 0;
    let waiter: (() => void) | null = null;
    const spoken = new Map<number, string>();
    const responses = new Map<number, string>();
    session.on('audio', (a) => {
      heardMs += (a.pcm.length / a.sampleRate) * 1000;
      spoken.set(a.eventId, (spoken.get(a.eventId) ?? '') + (a.alignment?.chars.join('') ?? ''));
      waiter?.();
    });
    session.on('response', (r) => {
      responses.set(r.eventId, r.text);
      waiter?.();
    });
    session.on('error', () => errors++);
    const heard = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no complete reply "${text}"`)), 30_000);
        waiter = () => {
          for (const [id, t] of responses)
            if (t === text && spoken.get(id)?.trim() === text) {
              responses.delete(id);
              clearTimeout(timer);
              waiter = null;
              return resolve();
            }
        };
        waiter();
      });
    await session.connect();
    conversations++;
    await heard(GREETING);
    for (let i = 0; i < TURNS_PER_CONVERSATION && speechMs + heardMs < SOAK_MINUTES * 60_000; i++) {
      const q = QUESTIONS[(worker + turns + i) % QUESTIONS.length]!;
      session.sendText(q);
      const reply = NPC.local.replies.find((r) => r.when.some((w) => q.toLowerCase().includes(w)))!.say;
      await heard(reply);
      turns++;
    }
    speechMs += heardMs;
    await session.close();
  }

  // Warm-up conversation (JIT, speech caches), then the baseline.
  await conversation(0);
  speechMs = 0;
  turns = 0;
  conversations = 0;
  await new Promise((r) => setTimeout(r, 500));
  const heapBefore = heapMb();
  const handlesBefore = handleCounts();
  const listenersBefore = CountingWs.all.reduce((n, ws) => n + ws.listenerCount('message'), 0);
  const start = performance.now();
  const samples: Array<{ simulatedMin: number; heapMb: number }> = [
    { simulatedMin: 0, heapMb: round(heapBefore) },
  ];
  const sampler = setInterval(() => {
    samples.push({ simulatedMin: round(speechMs / 60_000, 1), heapMb: round(heapMb()) });
  }, 20_000);

  await Promise.all(
    Array.from({ length: PARALLEL }, async (_, worker) => {
      while (speechMs < SOAK_MINUTES * 60_000) await conversation(worker);
    }),
  );
  clearInterval(sampler);
  const wallS = (performance.now() - start) / 1000;
  // Conversations the agent still winds down (playback estimates of the last turns) finish in seconds;
  // any still open after 15 s are reported (agentSessionsLeft), not thrown.
  await until(() => agent.handler.sessions === 0, {
    what: "the agent's last conversations to wind down",
    timeout: 15_000,
    interval: 100,
  }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1000));
  const heapAfter = heapMb();
  samples.push({ simulatedMin: round(speechMs / 60_000, 1), heapMb: round(heapAfter) });
  const handlesAfter = handleCounts();
  const listenersLeft = CountingWs.all.reduce(
    (n, ws) => n + ws.listenerCount('message') + ws.listenerCount('open') + ws.listenerCount('close'),
    0,
  );
  // Slope over the second half: "constant" means no trend once warm.
  const half = samples.slice(Math.floor(samples.length / 2));
  const slope =
    half.length >= 2
      ? (half.at(-1)!.heapMb - half[0]!.heapMb) /
        Math.max(0.1, half.at(-1)!.simulatedMin - half[0]!.simulatedMin)
      : 0;
  await agent.close();
  return {
    simulatedMinutes: round(speechMs / 60_000, 1),
    wallSeconds: round(wallS, 1),
    speedup: round(speechMs / 1000 / wallS, 1),
    parallel: PARALLEL,
    conversations,
    turns,
    sessionErrors: errors,
    heapBeforeMb: round(heapBefore),
    heapAfterMb: round(heapAfter),
    heapGrowthMb: round(heapAfter - heapBefore),
    heapSlopeMbPer10Min: round(slope * 10, 3),
    heapSamples: samples,
    tcpSocketsBefore: handlesBefore.TCPSocketWrap ?? 0,
    tcpSocketsAfter: handlesAfter.TCPSocketWrap ?? 0,
    timersBefore: handlesBefore.Timeout ?? 0,
    timersAfter: handlesAfter.Timeout ?? 0,
    socketListenersBefore: listenersBefore,
    socketListenersLeft: listenersLeft,
    agentSessionsLeft: agent.handler.sessions,
  };
}

async function browserSoak() {
  const agent = await createLocalAgent({
    npcs: [NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
  });
  const { server, url: base } = await startPageServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript((c: Window['faultConfig']) => (window.faultConfig = c), {
      npc: NPC,
      agentUrl: agent.url,
      npcAt: { x: 600, y: 300 },
      playerAt: { x: 50, y: 50 },
    });
    await page.goto(`${base}/test/browser/pages/fault/index.html`);
    await pageReady(page, 'fault', 60_000);
    await page.evaluate(() => window.fault.ready());
    const cdp = await page.context().newCDPSession(page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return u.usedSize / MB;
    };
    const ev = <K extends FaultCall>(fn: K, ...args: Parameters<FaultPage[K]>) =>
      page.evaluate(([f, a]) => (window.fault[f] as (...x: unknown[]) => unknown)(...a), [
        fn,
        args,
      ] as const) as Promise<Awaited<ReturnType<FaultPage[K]>>>;
    const snap = () => ev('snapshot');
    /** Polls the page's snapshot until `ok` holds: 20 s at most (a turn on a busy machine). */
    const snapUntil = (ok: (s: Snapshot) => boolean, what: string) =>
      poll(snap, ok, { what, timeout: 20_000, interval: 20 });
    const responses = () =>
      page.evaluate(() => window.fault.log.filter((l) => l.startsWith('response:')).length);
    const walkUp = async () => {
      await ev('movePlayer', 540, 300);
      await snapUntil((s) => s.npcState === 'listening' && s.micOpen, 'the greeting to end');
    };
    const walkAway = async () => {
      await ev('movePlayer', 50, 50);
      await snapUntil(
        (s) => s.npcState === 'idle' && !s.micOpen && s.liveTracks === 0,
        'the conversation to close',
      );
    };
    const wired = () => ev('audioNodes');

    // Warm-up: one conversation, then the baseline with nobody talking.
    await walkUp();
    await walkAway();
    const heapBefore = await heap();
    const nodesBefore = await wired();
    const start = performance.now();
    await walkUp();
    for (let i = 0; i < BROWSER_TURNS; i++) {
      const before = await responses();
      await ev('sendText', QUESTIONS[i % QUESTIONS.length]!);
      await poll(
        async () => ({ responses: await responses(), state: (await snap()).npcState }),
        (r) => r.responses > before && r.state === 'speaking',
        { what: 'a reply', timeout: 20_000, interval: 20 },
      );
      if (i % 5 === 4) await snapUntil((s) => s.npcState === 'listening', 'the reply to end');
      else {
        await page.waitForTimeout(250);
        await ev('skip');
        await snapUntil((s) => s.npcState !== 'speaking', 'the skip');
      }
      if (i % 10 === 9) {
        await walkAway();
        await walkUp();
      }
    }
    await walkAway();
    const wallS = (performance.now() - start) / 1000;
    // Let released nodes and worklets be collected, then measure.
    await page.waitForTimeout(500);
    const heapAfter = await heap();
    const nodesAfter = await wired();
    return {
      turns: BROWSER_TURNS,
      wallSeconds: round(wallS, 1),
      conversations: Math.floor(BROWSER_TURNS / 10) + 1,
      heapBeforeMb: round(heapBefore),
      heapAfterMb: round(heapAfter),
      heapGrowthMb: round(heapAfter - heapBefore),
      wiredNodesBefore: nodesBefore.wired,
      wiredNodesAfter: nodesAfter.wired,
      liveNodesGrowth: nodesAfter.wired - nodesBefore.wired,
      audioNodesCreated: nodesAfter.created - nodesBefore.created,
      pageErrors,
    };
  } finally {
    await browser.close();
    await server.close();
    await agent.close();
  }
}

const node = await nodeSoak();
let browser: Awaited<ReturnType<typeof browserSoak>> | { error: string };
try {
  browser = await browserSoak();
} catch (e) {
  browser = { error: e instanceof Error ? e.message : String(e) };
}
const b = browser as Record<string, unknown>;
writeResult(
  'soak',
  {
    target: { heapGrowthMb: 5, liveNodesGrowth: 0 },
    node,
    browser,
    peer: 'none: @elevenlabs/client has no comparable long-run harness against a local agent',
  },
  [
    `Node: ${node.simulatedMinutes} simulated minutes (${node.turns} turns, ${node.conversations} conversations, ${node.parallel} at once) in ${node.wallSeconds} s:`,
    `  heap ${node.heapBeforeMb} -> ${node.heapAfterMb} MB (growth ${node.heapGrowthMb} MB, second-half slope ${node.heapSlopeMbPer10Min} MB / 10 min); ` +
      `sockets ${node.tcpSocketsBefore} -> ${node.tcpSocketsAfter}, timers ${node.timersBefore} -> ${node.timersAfter}, socket listeners left ${node.socketListenersLeft}`,
    'error' in b
      ? `Chromium: failed: ${String(b.error)}`
      : `Chromium: ${b.turns} turns in ${b.wallSeconds} s: JS heap ${b.heapBeforeMb} -> ${b.heapAfterMb} MB (growth ${b.heapGrowthMb} MB); ` +
        `wired AudioNodes ${b.wiredNodesBefore} -> ${b.wiredNodesAfter} (${b.audioNodesCreated} created in all)`,
  ],
);
if ('error' in b) process.exitCode = 1;
