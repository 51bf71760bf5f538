/**
 * The hostile bench's nine attacks (issue 12) on the local agent, each a function that runs for about
 * `durationMs` against the agent and reports what it did and what it saw: here the first four, on
 * its protocol, and the list; attacks 5 to 9, on its resources, are in hostile-attacks-load.ts, the
 * player and the sockets in hostile-wire.ts. The attacks follow the unit tests
 * (test/unit/agent-limits.test.ts, test/unit/hostile-agent.test.ts), scaled up and run for seconds.
 *
 * Addresses: the player connects from 127.0.0.2 and attackers from 127.0.0.1 (the whole 127/8 is
 * loopback on Linux), so the agent's per-client cap (50 of 200 slots) applies to the attacker alone,
 * as it would to a remote attacker and a player on another machine.
 */
import WebSocket from 'ws';
import { rawRequest } from '../../harness/raw-http.js';
import {
  AUDIO_HEAD,
  INIT,
  answerPings,
  closedOf,
  openSocket,
  sent,
  sleep,
  within,
  workers,
  type Attack,
  type AttackContext,
  type AttackDetails,
} from './hostile-wire.js';
import {
  closeReasonsAndSilence,
  contextFlood,
  fastAudio,
  neverReads,
  takeEverySlot,
} from './hostile-attacks-load.js';

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
