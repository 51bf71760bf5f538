/**
 * The hostile bench's attacks on the agent's resources (5 to 9; the first four and the list:
 * hostile-attacks.ts): audio at ten times real time into the recognizer, clients that never read,
 * floods of context, cut close reasons and silent sockets, and one client taking every slot.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { until } from '../../harness/poll.js';
import { speechLike } from '../../harness/speech.js';
import {
  AUDIO_HEAD,
  INIT,
  PLAYER_ADDRESS,
  Player,
  QUESTION,
  answerPings,
  closedOf,
  openSocket,
  sent,
  sleep,
  within,
  workers,
  type AttackContext,
  type AttackDetails,
} from './hostile-wire.js';

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
export async function fastAudio(ctx: AttackContext): Promise<AttackDetails> {
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
export async function neverReads(ctx: AttackContext): Promise<AttackDetails> {
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
export async function contextFlood(ctx: AttackContext): Promise<AttackDetails> {
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
    // Unanswered within 10 s (or the socket closed) counts as not answered.
    await until(() => reply || ws.readyState !== WebSocket.OPEN, {
      what: 'the answer under the flood',
      timeout: 10_000,
      interval: 20,
    }).catch(() => undefined);
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
export async function closeReasonsAndSilence(ctx: AttackContext): Promise<AttackDetails> {
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
export async function takeEverySlot(ctx: AttackContext): Promise<AttackDetails> {
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
