/**
 * The hostile bench's clients: the well-behaved player who times its replies, and the nine attacks of
 * issue 12, each a function that runs for about `durationMs` against the agent and reports what it did
 * and what it saw. The attacks follow the unit tests (test/unit/agent-limits.test.ts,
 * test/unit/hostile-agent.test.ts), scaled up and run for seconds instead of once.
 *
 * Addresses: the player connects from 127.0.0.2 and attackers from 127.0.0.1 (the whole 127/8 is
 * loopback on Linux), so the agent's per-client cap (50 of 200 slots) applies to the attacker alone,
 * as it would to a remote attacker and a player on another machine.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { rawRequest } from '../../harness/raw-http.js';
import { speechLike } from '../../harness/speech.js';

export const PLAYER_ADDRESS = '127.0.0.2';
export const ATTACKER_ADDRESS = '127.0.0.1';
export const QUESTION = 'do you sell healing potions';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface AttackContext {
  /** ws://127.0.0.1:<port> */
  url: string;
  port: number;
  durationMs: number;
  /** Conversations the agent holds (its own count, over IPC); NaN when it does not answer. */
  sessions(): Promise<number>;
}

export type AttackDetails = Record<string, number | string | boolean | number[]>;

export interface Attack {
  id: string;
  title: string;
  durationMs: number;
  run(ctx: AttackContext): Promise<AttackDetails>;
}

// --- sockets ---------------------------------------------------------------------------------------

interface OpenOptions {
  agentId?: string;
  query?: string;
  localAddress?: string;
}

/** A convai socket; resolves once open (null when refused or not open within 5 s). */
function openSocket(url: string, o: OpenOptions = {}): Promise<WebSocket | null> {
  const ws = new WebSocket(
    `${url}/v1/convai/conversation?agent_id=${o.agentId ?? 'mira'}${o.query ?? ''}`,
    ['convai'],
    { localAddress: o.localAddress ?? ATTACKER_ADDRESS, perMessageDeflate: false },
  );
  ws.on('error', () => {});
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(null);
    }, 5000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

const closedOf = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });

/** Resolves true when `p` settles within `ms`, false otherwise. */
const within = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const sent = (ws: WebSocket, data: string): Promise<void> =>
  new Promise((resolve) => ws.send(data, () => resolve()));

const INIT = JSON.stringify({ type: 'conversation_initiation_client_data' });
const AUDIO_HEAD = '{"type":"audio"';
const B64_KEY = '"audio_base_64":"';

/** The event id of an audio frame, read past its base64 without parsing it. */
function audioEventId(s: string): number {
  const start = s.indexOf(B64_KEY) + B64_KEY.length;
  const m = /"event_id":(\d+)/.exec(s.slice(s.indexOf('"', start)));
  return m ? Number(m[1]) : -1;
}

function answerPings(ws: WebSocket, s: string): void {
  if (!s.startsWith('{"type":"ping"')) return;
  const id = (JSON.parse(s) as { ping_event: { event_id: number } }).ping_event.event_id;
  ws.send(JSON.stringify({ type: 'pong', event_id: id }));
}

/** Runs `n` workers, each calling `fn` again until `deadline` (performance.now()) or until it returns false. */
async function workers(
  n: number,
  deadline: number,
  fn: (i: number) => Promise<boolean | void>,
): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (performance.now() < deadline) if ((await fn(i++)) === false) return;
    }),
  );
}

// --- the well-behaved player -----------------------------------------------------------------------

export interface Reply {
  /** Question sent → its agent_response. */
  textMs: number;
  /** Question sent → the first audio frame of the reply. */
  audioMs: number;
}

/**
 * A player on the mira NPC who asks a typed question and times the reply: its text (agent_response)
 * and its first audio frame, told from the previous turn's late frames by the event id (a reply's ids
 * are above every id of the turns before it).
 */
export class Player {
  #floor = -1;
  #pending: {
    at: number;
    /** The highest reply id before this question. */
    floor: number;
    textAt?: number;
    audioAt?: number;
    done: () => void;
  } | null = null;
  greetTextMs = NaN;
  greetAudioMs = NaN;
  closedWith: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const s = d.toString();
      const now = performance.now();
      if (s.startsWith(AUDIO_HEAD)) {
        const id = audioEventId(s);
        if (this.#pending && id > this.#pending.floor && this.#pending.audioAt === undefined)
          this.#pending.audioAt = now;
        this.#floor = Math.max(this.#floor, id);
      } else if (s.startsWith('{"type":"agent_response"')) {
        const id = (JSON.parse(s) as { agent_response_event: { event_id: number } }).agent_response_event
          .event_id;
        if (this.#pending && id > this.#pending.floor && this.#pending.textAt === undefined)
          this.#pending.textAt = now;
        this.#floor = Math.max(this.#floor, id);
      } else answerPings(ws, s);
      const p = this.#pending;
      if (p && p.textAt !== undefined && p.audioAt !== undefined) p.done();
    });
    ws.on('close', (code) => {
      this.closedWith = code;
      this.#pending?.done();
    });
  }

  /** Connects from {@link PLAYER_ADDRESS} and waits for the greeting (text and first audio). */
  static async connect(url: string, timeoutMs = 10_000): Promise<Player | null> {
    const start = performance.now();
    const ws = await openSocket(url, { localAddress: PLAYER_ADDRESS });
    if (!ws) return null;
    const p = new Player(ws);
    const greeting = p.#expect(start, timeoutMs);
    ws.send(INIT);
    const r = await greeting;
    p.greetTextMs = r?.textMs ?? NaN;
    p.greetAudioMs = r?.audioMs ?? NaN;
    if (!r) {
      ws.terminate();
      return null;
    }
    return p;
  }

  #expect(at: number, timeoutMs: number): Promise<Reply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        const p = this.#pending;
        this.#pending = null;
        resolve(
          p && p.textAt !== undefined && p.audioAt !== undefined
            ? { textMs: p.textAt - p.at, audioMs: p.audioAt - p.at }
            : null,
        );
      };
      this.#pending = { at, floor: this.#floor, done: finish };
    });
  }

  /** Asks {@link QUESTION}; null when the reply (text and first audio) did not come within `timeoutMs`. */
  ask(timeoutMs = 10_000): Promise<Reply | null> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(null);
    const r = this.#expect(performance.now(), timeoutMs);
    this.ws.send(JSON.stringify({ type: 'user_message', text: QUESTION }));
    return r;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.terminate();
  }
}

// --- the attacks -----------------------------------------------------------------------------------

const MALFORMED_PLAIN = 'GET //x:99999 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
const MALFORMED_UPGRADE =
  'GET //x:99999 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** 1. `GET //x:99999` as plain HTTP and as a WebSocket upgrade, raw over TCP, 10 at a time. */
async function malformed(ctx: AttackContext): Promise<AttackDetails> {
  let answered400 = 0;
  let otherAnswer = 0;
  let noAnswer = 0;
  await workers(10, performance.now() + ctx.durationMs, async (i) => {
    try {
      const got = await rawRequest(ctx.port, i % 2 ? MALFORMED_UPGRADE : MALFORMED_PLAIN);
      if (/^HTTP\/1\.1 400/.test(got)) answered400++;
      else otherAnswer++;
    } catch {
      noAnswer++;
    }
  });
  return { requests: answered400 + otherAnswer + noAnswer, answered400, otherAnswer, noAnswer };
}

/** 2. One client sends ~350 typed turns a second (7 every 20 ms), each barging in on the last. */
async function messageFlood(ctx: AttackContext): Promise<AttackDetails> {
  const ws = await openSocket(ctx.url);
  if (!ws) return { connected: false };
  let frames = 0;
  ws.on('message', (d) => {
    frames++;
    answerPings(ws, d.toString());
  });
  ws.send(INIT);
  const start = performance.now();
  let sentCount = 0;
  while (performance.now() - start < ctx.durationMs && ws.readyState === WebSocket.OPEN) {
    const due = Math.floor(((performance.now() - start) / 1000) * 350);
    while (sentCount < due && ws.bufferedAmount < 1 << 20)
      ws.send(JSON.stringify({ type: 'user_message', text: `question ${sentCount++} about a potion` }));
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  const stillOpen = ws.readyState === WebSocket.OPEN;
  ws.terminate();
  return { messages: sentCount, perSecond: Math.round(sentCount / seconds), framesBack: frames, stillOpen };
}

/** 3. Initiations with a 250 KB first_message override, then gone: half at once, half after the refusal. */
async function hugeFirstMessage(ctx: AttackContext): Promise<AttackDetails> {
  const init = JSON.stringify({
    type: 'conversation_initiation_client_data',
    conversation_config_override: { agent: { first_message: 'Welcome! '.repeat((250 * 1024) / 9) } },
  });
  let attempts = 0;
  let refused = 0;
  let notRefused = 0;
  let dropped = 0;
  await workers(6, performance.now() + ctx.durationMs, async (i) => {
    const ws = await openSocket(ctx.url);
    if (!ws) return;
    attempts++;
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString().slice(0, 200)));
    await sent(ws, init);
    if (i % 2) {
      ws.terminate();
      dropped++;
      return;
    }
    const closed = closedOf(ws);
    if ((await within(closed, 5000)) && frames.some((f) => f.includes('override_error'))) refused++;
    else notRefused++;
    ws.terminate();
  });
  return {
    connections: attempts,
    droppedAfterSending: dropped,
    refusedWithOverrideError: refused,
    notRefused,
  };
}

/** 4. Connections opened 40 at a time and dropped when the greeting's first audio arrives. */
async function dropMidGreeting(ctx: AttackContext): Promise<AttackDetails> {
  const TOTAL = 1000;
  let started = 0;
  let midGreeting = 0;
  let noGreeting = 0;
  let refused = 0;
  await workers(40, performance.now() + ctx.durationMs, async () => {
    if (started >= TOTAL) return false;
    started++;
    const ws = await openSocket(ctx.url);
    if (!ws) {
      refused++;
      return;
    }
    const audio = new Promise<void>((resolve) => {
      ws.on('message', (d) => d.toString().startsWith(AUDIO_HEAD) && resolve());
      ws.once('close', () => resolve());
    });
    ws.send(INIT);
    if ((await within(audio, 5000)) && ws.readyState === WebSocket.OPEN) midGreeting++;
    else noGreeting++;
    ws.terminate();
  });
  return {
    connections: started,
    droppedMidGreeting: midGreeting,
    noGreetingIn5s: noGreeting,
    notOpened: refused,
  };
}

/** Speech-like audio (babble voice) with quiet gaps for the VAD to end turns on, in 40 ms JSON chunks. */
function audioLoop(): string[] {
  const lines = ['do you sell healing potions', 'tell me about the quest', 'what is the password'];
  const parts: Int16Array[] = [];
  let seed = 7;
  for (const l of lines) {
    parts.push(speechLike(l));
    const gap = new Int16Array(16 * 900);
    for (let i = 0; i < gap.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
      gap[i] = seed >> 28; // ±8 LSB: a quiet room
    }
    parts.push(gap);
  }
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    pcm.set(p, at);
    at += p.length;
  }
  const out: string[] = [];
  for (let i = 0; i + 640 <= pcm.length; i += 640) {
    const c = pcm.subarray(i, i + 640);
    out.push(
      JSON.stringify({
        user_audio_chunk: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
      }),
    );
  }
  return out;
}

/**
 * Has the recognizer hear one conversation's speech before the baseline (its first decoder process
 * is a cold start, paid once per agent, not an attack's doing). True when a transcript came back.
 */
export async function warmRecognizer(url: string): Promise<boolean> {
  const ws = await openSocket(url, { localAddress: PLAYER_ADDRESS });
  if (!ws) return false;
  const heard = new Promise<void>((resolve) =>
    ws.on('message', (d) => {
      const s = d.toString();
      if (s.startsWith('{"type":"user_transcript"')) resolve();
      else answerPings(ws, s);
    }),
  );
  ws.send(INIT);
  // The VAD counts samples, not wall time: the loop's three questions can go at once.
  for (const chunk of audioLoop()) ws.send(chunk);
  const ok = await within(heard, 10_000);
  ws.terminate();
  return ok;
}

interface RecognizerLoad {
  processes: number;
  running: number;
  queued: number;
}

/** The recognizer pool's own count, from the health endpoint (a fresh connection each time). */
function recognizerLoad(port: number): Promise<RecognizerLoad | null> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/voice-agents/health', agent: false, timeout: 2000 },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(
              (JSON.parse(body) as { recognizer?: { load?: RecognizerLoad } }).recognizer?.load ?? null,
            );
          } catch {
            resolve(null);
          }
        });
      },
    );
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

/** 5. Three clients (three NPCs, three grammars) stream speech-like audio at 10x real time. */
async function fastAudio(ctx: AttackContext): Promise<AttackDetails> {
  const SPEED = 10;
  const CHUNK_MS = 40;
  const loop = audioLoop();
  const clients = (
    await Promise.all(['mira', 'aldric', 'brenna'].map((agentId) => openSocket(ctx.url, { agentId })))
  ).filter((w): w is WebSocket => w !== null);
  let transcripts = 0;
  let replies = 0;
  for (const ws of clients) {
    ws.on('message', (d) => {
      const s = d.toString();
      if (s.startsWith('{"type":"user_transcript"')) transcripts++;
      else if (s.startsWith('{"type":"agent_response"')) replies++;
      else answerPings(ws, s);
    });
    ws.send(INIT);
  }
  const peak: RecognizerLoad = { processes: 0, running: 0, queued: 0 };
  let polls = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const l = await recognizerLoad(ctx.port);
      if (l) {
        polls++;
        peak.processes = Math.max(peak.processes, l.processes);
        peak.running = Math.max(peak.running, l.running);
        peak.queued = Math.max(peak.queued, l.queued);
      }
      await sleep(200);
    }
  })();
  const start = performance.now();
  const sentBy = clients.map(() => 0);
  while (performance.now() - start < ctx.durationMs) {
    const due = Math.floor(((performance.now() - start) * SPEED) / CHUNK_MS);
    clients.forEach((ws, k) => {
      while (sentBy[k]! < due && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 << 20)
        ws.send(loop[sentBy[k]!++ % loop.length]!);
    });
    await sleep(10);
  }
  const seconds = (performance.now() - start) / 1000;
  polling = false;
  await poller;
  const stillOpen = clients.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of clients) ws.terminate();
  const audioSeconds = sentBy.map((n) => (n * CHUNK_MS) / 1000);
  return {
    clients: clients.length,
    realTimeFactor: Math.round((Math.min(...audioSeconds) / seconds) * 10) / 10,
    audioSecondsSent: audioSeconds.reduce((a, b) => a + b, 0),
    transcripts,
    replies,
    poolPeakProcesses: peak.processes,
    poolPeakDecoding: peak.running,
    poolPeakQueued: peak.queued,
    poolPolls: polls,
    stillOpen,
  };
}

/** 6. Clients that stop reading once the greeting's audio flows: a ~1,000-character greeting at pcm_48000. */
async function neverReads(ctx: AttackContext): Promise<AttackDetails> {
  const first = 'The road north is long and the nights are cold. '.repeat(20).trim();
  const init = JSON.stringify({
    type: 'conversation_initiation_client_data',
    conversation_config_override: { agent: { first_message: first } },
  });
  const before = await ctx.sessions();
  const clients = (
    await Promise.all(
      Array.from({ length: 6 }, () => openSocket(ctx.url, { query: '&output_format=pcm_48000' })),
    )
  ).filter((w): w is WebSocket => w !== null);
  let paused = 0;
  await Promise.all(
    clients.map(async (ws) => {
      const audio = new Promise<void>((resolve) =>
        ws.on('message', (d) => d.toString().startsWith(AUDIO_HEAD) && resolve()),
      );
      ws.send(init);
      if (await within(audio, 5000)) {
        ws.pause();
        paused++;
      }
    }),
  );
  const heldWhenPaused = (await ctx.sessions()) - before;
  await sleep(ctx.durationMs);
  // Conversations of these clients the agent still holds (it closes one whose buffer stays full).
  const heldAtEnd = (await ctx.sessions()) - before;
  for (const ws of clients) ws.terminate();
  return { clients: clients.length, paused, heldWhenPaused, heldAtEnd };
}

/** 7. Four conversations at a time, each sending 64 contextual updates of 256 KB (just under the frame cap). */
async function contextFlood(ctx: AttackContext): Promise<AttackDetails> {
  const update = JSON.stringify({ type: 'contextual_update', text: 'x'.repeat(256 * 1024 - 64) });
  let frames = 0;
  let conversations = 0;
  let answered = 0;
  let closedEarly = 0;
  await workers(4, performance.now() + ctx.durationMs, async () => {
    const ws = await openSocket(ctx.url);
    if (!ws) return;
    conversations++;
    let reply = false;
    ws.on('message', (d) => {
      const s = d.toString();
      if (s.startsWith('{"type":"agent_response"') && s.includes('Healing potions')) reply = true;
      else answerPings(ws, s);
    });
    ws.send(INIT);
    for (let i = 0; i < 64 && ws.readyState === WebSocket.OPEN; i++) {
      await sent(ws, update);
      frames++;
    }
    if (ws.readyState !== WebSocket.OPEN) {
      closedEarly++;
      return;
    }
    ws.send(JSON.stringify({ type: 'user_message', text: QUESTION }));
    const deadline = performance.now() + 10_000;
    while (!reply && ws.readyState === WebSocket.OPEN && performance.now() < deadline) await sleep(20);
    if (reply) answered++;
    ws.terminate();
  });
  return {
    conversations,
    frames,
    megabytes: Math.round((frames * update.length) / 1e6),
    answered,
    closedEarly,
  };
}

/**
 * 8. Close reasons cut inside a UTF-8 character (an unknown type of 100 'é' before the initiation: the
 * 1008 reason is cut at 123 bytes), 10 at a time; and 120 silent sockets that never initiate.
 */
async function closeReasonsAndSilence(ctx: AttackContext): Promise<AttackDetails> {
  const start = performance.now();
  const silentAt = ['127.0.0.3', '127.0.0.4', '127.0.0.5'];
  const silent = (
    await Promise.all(
      Array.from({ length: 120 }, (_, i) => openSocket(ctx.url, { localAddress: silentAt[i % 3] })),
    )
  ).filter((w): w is WebSocket => w !== null);
  const closeTimes: number[] = [];
  for (const ws of silent) ws.once('close', () => closeTimes.push(performance.now() - start));
  let cleanCuts = 0;
  let badCuts = 0;
  const bad: string[] = [];
  await workers(10, start + ctx.durationMs, async () => {
    const ws = await openSocket(ctx.url);
    if (!ws) return;
    const closed = closedOf(ws);
    ws.send(JSON.stringify({ type: 'é'.repeat(100) }));
    const ok = await within(closed, 5000);
    const { code, reason } = ok ? await closed : { code: -1, reason: '' };
    if (code === 1008 && Buffer.byteLength(reason) <= 123 && !reason.includes('\uFFFD')) cleanCuts++;
    else {
      badCuts++;
      if (bad.length < 3) bad.push(`${code} ${reason.slice(0, 40)}`);
    }
    ws.terminate();
  });
  const stillOpen = silent.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of silent) ws.terminate();
  return {
    reasonCloses: cleanCuts + badCuts,
    cleanCuts,
    badCuts,
    ...(bad.length ? { badExamples: bad.join(' | ') } : {}),
    silentSockets: silent.length,
    silentClosedByServer: closeTimes.length,
    silentStillOpenAtEnd: stillOpen,
    silentCloseMaxS: closeTimes.length ? Math.round(Math.max(...closeTimes) / 100) / 10 : NaN,
  };
}

/**
 * 9. One client keeps 200 silent sockets open (each reopened 250 ms after it is refused or closed); a
 * new player from another address connects every 1.5 s and must be greeted.
 */
async function takeEverySlot(ctx: AttackContext): Promise<AttackDetails> {
  const before = await ctx.sessions();
  const deadline = performance.now() + ctx.durationMs;
  let opened = 0;
  let refused = 0;
  const hold = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const ws = await openSocket(ctx.url);
      if (ws) {
        opened++;
        const closed = closedOf(ws);
        void closed.then((c) => c.reason.includes('Too many conversations') && refused++);
        await Promise.race([closed, sleep(Math.max(0, deadline - performance.now()))]);
        ws.terminate();
      }
      await sleep(250);
    }
  };
  const attackers = Array.from({ length: 200 }, hold);
  const greetMs: number[] = [];
  let greetFailures = 0;
  await sleep(1000);
  while (performance.now() < deadline - 1500) {
    const p = await Player.connect(ctx.url, 5000);
    if (p) greetMs.push(Math.round(Math.max(p.greetTextMs, p.greetAudioMs)));
    else greetFailures++;
    p?.close();
    await sleep(1500);
  }
  const held = (await ctx.sessions()) - before;
  await Promise.all(attackers);
  return {
    socketsOpened: opened,
    refusedTooMany: refused,
    attackerSessionsHeld: held,
    newPlayerGreetMs: greetMs,
    newPlayerFailures: greetFailures,
  };
}

export const ATTACKS: Attack[] = [
  { id: 'malformed', title: '1 GET //x:99999 (plain + upgrade)', durationMs: 10_000, run: malformed },
  { id: 'flood', title: '2 350 user_message/s', durationMs: 10_000, run: messageFlood },
  { id: 'first-message', title: '3 250 KB first_message + drop', durationMs: 10_000, run: hugeFirstMessage },
  { id: 'churn', title: '4 1000 dropped mid-greeting', durationMs: 20_000, run: dropMidGreeting },
  { id: 'fast-audio', title: '5 audio 10x real time x3', durationMs: 15_000, run: fastAudio },
  { id: 'never-reads', title: '6 clients that never read', durationMs: 15_000, run: neverReads },
  { id: 'context', title: '7 64 x 256 KB contextual_update', durationMs: 12_000, run: contextFlood },
  {
    id: 'close-silent',
    title: '8 cut close reason + silent',
    durationMs: 10_000,
    run: closeReasonsAndSilence,
  },
  { id: 'slots', title: '9 200 silent from one client', durationMs: 15_000, run: takeEverySlot },
];
