/**
 * The session against the real local agent through a misbehaving network (test/helpers/fault-proxy):
 * latency and jitter, a stalled stream, fragmented and dropped frames, a cut mid-turn, each close code,
 * no metadata, a slow audio trickle. For every fault: the session says in plain words what happened,
 * reconnects only when it should (with backoff), nothing escapes as an unhandled error, and no timer,
 * socket or listener is left behind.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import type { AgentSession } from '../../plugin/session/index.js';
import { SessionError } from '../../plugin/session/index.js';
import { startFaultProxy, type FaultProxy, type Faults } from '../helpers/fault-proxy.js';
import { until } from '../../harness/poll.js';
import { FAULT_NPC, GREETING, POTION_REPLY } from '../../harness/npcs.js';
import {
  handles,
  makeSession,
  record,
  sessionListenersLeft,
  trapEscapes,
  untilHandlesAtMost,
  type Escapes,
  type Recorder,
} from './fault-harness.js';

let agent: LocalAgent;
let escapes: Escapes;
let baseline: Record<string, number>;
let proxy: FaultProxy | undefined;
let sessions: AgentSession[] = [];

beforeAll(async () => {
  agent = await createLocalAgent({
    npcs: [FAULT_NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
    pingIntervalMs: 200,
    // Audio may run ahead of real time: these tests are about the network, not about pacing.
    leadMs: 3000,
  });
});
afterAll(async () => {
  await agent.close();
});

beforeEach(() => {
  escapes = trapEscapes();
  baseline = handles();
});

afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  sessions = [];
  await proxy?.close();
  proxy = undefined;
  await until(() => agent.handler.sessions === 0, { timeout: 5000 });
  // The session removed every listener it put on its sockets, and every timer and socket is gone.
  expect(sessionListenersLeft()).toBe(0);
  await untilHandlesAtMost(baseline);
  escapes.dispose();
  expect(escapes.errors).toEqual([]);
});

type SessionOptions = Parameters<typeof makeSession>[1];

/** [attempt, delay ms] of every reconnect makeSession's policy allows (25 ms doubling, 3 attempts). */
const EVERY_ATTEMPT = [
  [1, 25],
  [2, 50],
  [3, 100],
];

/** A session on `url` (closed after the test) and a recorder of its events. */
function track(url: string, options: SessionOptions = {}) {
  const session = makeSession(url, options);
  sessions.push(session);
  return { session, t: record(session) };
}

/** A session through a new fault proxy with `faults` in front of the agent, not connected yet. */
async function throughProxy(faults: Faults, options: SessionOptions = {}) {
  proxy = await startFaultProxy(agent.url, faults);
  return { ...track(proxy.url, options), proxy };
}

/** throughProxy(), connected. */
async function open(faults: Faults = {}, options: SessionOptions = {}) {
  const opened = await throughProxy(faults, options);
  await opened.session.connect();
  return opened;
}

/** A full exchange: the greeting is heard in full, then a typed question gets its spoken answer. */
async function converse(session: AgentSession, t: Recorder, greeting = true): Promise<void> {
  if (greeting) await t.spoken(GREETING);
  session.sendText('Do you sell a potion?');
  await t.spoken(POTION_REPLY);
}

/** Audio of each response arrives as one contiguous run, in order, never interleaved or reordered. */
function expectOrderedAudio(t: Recorder): void {
  const runs = t.order.filter((id, i) => i === 0 || t.order[i - 1] !== id);
  expect(runs).toEqual([...new Set(runs)]);
  for (let i = 1; i < runs.length; i++) {
    const [conv, id] = runs[i]!.split(':');
    const [prevConv, prevId] = runs[i - 1]!.split(':');
    if (conv === prevConv) expect(Number(id)).toBeGreaterThan(Number(prevId));
  }
}

describe('a slow or unsteady network', () => {
  it('added latency and jitter: the conversation is complete and in order', async () => {
    const { session, t } = await open({ latencyMs: 40, jitterMs: 80 });
    await converse(session, t);
    expectOrderedAudio(t);
    expect(t.rec.of('error')).toEqual([]);
    expect(t.rec.of('reconnecting')).toEqual([]);
    await session.close();
    expect(await t.ended).toMatchObject({ kind: 'user', code: 1000 });
  });

  it('a stalled stream holds the conversation open and resumes where it stopped', async () => {
    const { session, t, proxy } = await open();
    await t.spoken(GREETING);
    proxy.faults.stall = true;
    session.sendText('Do you sell a potion?');
    // The agent answered (the frames reached the proxy) but nothing reaches the player yet.
    await until(() => agent.handler.metrics.turnToFirstAudioMs.all().length >= 1, { timeout: 5000 });
    expect(t.responseId(POTION_REPLY)).toBeUndefined();
    expect(session.state).toBe('open');
    proxy.unstall();
    await t.spoken(POTION_REPLY);
    expectOrderedAudio(t);
    expect(t.rec.of('error')).toEqual([]);
    expect(t.rec.of('reconnecting')).toEqual([]);
  });

  it('a server that stalls before the metadata: connect fails with a plain timeout message', async () => {
    const { session, t } = await throughProxy({ stall: true }, { metadataTimeoutMs: 400 });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({
      kind: 'connect_failed',
      message: 'No conversation metadata within 400 ms',
      endReason: { kind: 'error', error: 'metadata_timeout' },
    });
    expect(session.state).toBe('closed');
    expect((await t.ended).kind).toBe('error');
    expect(t.rec.of('reconnecting')).toEqual([]);
  });

  it('a server that never sends the metadata (but sends everything else) times out the same way', async () => {
    const {
      session,
      t,
      proxy: swallowing,
    } = await throughProxy({ swallowMetadata: true }, { metadataTimeoutMs: 600 });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'connect_failed',
      message: 'No conversation metadata within 600 ms',
      endReason: { error: 'metadata_timeout' },
    });
    // The greeting frames that came without metadata were never played.
    expect(t.audio.size).toBe(0);
    expect(swallowing.accepted()).toBe(1);
  });

  it('a slow trickle of audio still delivers every sample of the reply, in order', async () => {
    const { session, t, proxy } = await open({ audioTrickleMs: 70 });
    await converse(session, t);
    const id = t.responseId(POTION_REPLY)!;
    const eventId = id.split(':')[1];
    const sent = proxy.forwarded.filter(
      (f) => f.type === 'audio' && new RegExp(`"event_id":${eventId}[,}]`).test(f.text),
    );
    expect(t.audio.get(id)!.chunks).toBe(sent.length);
    expectOrderedAudio(t);
    expect(t.rec.of('error')).toEqual([]);
  });
});

describe('mangled frames', () => {
  it('every message split into continuation frames is reassembled and understood', async () => {
    const { session, t } = await open({ splitInto: 7 });
    await converse(session, t);
    expect(t.rec.of('error')).toEqual([]);
    expectOrderedAudio(t);
  });

  it('dropped audio frames lose only that audio: no error, and the next turn works', async () => {
    let n = 0;
    const { session, t, proxy } = await open({ drop: (f) => f.type === 'audio' && n++ % 3 === 1 });
    await until(() => t.responseId(GREETING) !== undefined, { timeout: 5000 });
    session.sendText('Do you sell a potion?');
    const id = await until(() => t.responseId(POTION_REPLY) !== undefined, { timeout: 5000 }).then(() =>
      t.responseId(POTION_REPLY),
    );
    // The reply's audio still arrives (what was not dropped), and nothing is reported as broken.
    await until(() => (t.audio.get(id!)?.chunks ?? 0) >= 1, { timeout: 5000 });
    proxy.faults.drop = undefined;
    session.sendText('Tell me a story');
    await t.spoken('Long ago, a dragon slept under the hill. Nobody woke it. Then a bard did.');
    expect(t.rec.of('error')).toEqual([]);
    expect(session.state).toBe('open');
  });

  it('dropped text frames (a lost agent_response) do not stop the audio or the conversation', async () => {
    const { session, t, proxy } = await open({ drop: (f) => f.type === 'agent_response' });
    await until(() => t.audio.size >= 1, { timeout: 5000 });
    proxy.faults.drop = undefined;
    session.sendText('Do you sell a potion?');
    await t.spoken(POTION_REPLY);
    expect(t.rec.of('error')).toEqual([]);
  });
});

describe('the connection cut mid-turn', () => {
  it('reconnects after the backoff delay into a new conversation that works, without a repeated greeting', async () => {
    const { session, t, proxy } = await open();
    await t.spoken(GREETING);
    session.sendText('Tell me a story');
    await until(() => t.order.length > 0 && t.order.at(-1) !== t.responseId(GREETING), { timeout: 5000 });
    const firstId = session.conversationId;
    proxy.cutClients();
    const info = await until(() => t.rec.of('conversation:start').length === 2, { timeout: 5000 }).then(
      () => t.rec.of('conversation:start')[1]!,
    );
    expect(t.rec.of('reconnecting')).toEqual([
      {
        attempt: 1,
        maxAttempts: 3,
        delayMs: 25,
        cause: expect.objectContaining({
          kind: 'error',
          error: 'connection',
          code: 1006,
          message: 'The connection to the agent was lost.',
        }),
      },
    ]);
    expect(info.reconnectAttempt).toBe(1);
    expect(session.conversationId).not.toBe(firstId);
    expect(session.state).toBe('open');
    const greetings = t.rec.of('response').filter((r) => r.text === GREETING);
    session.sendText('Do you sell a potion?');
    await t.spoken(POTION_REPLY);
    expect(t.rec.of('response').filter((r) => r.text === GREETING)).toEqual(greetings);
    expect(proxy.accepted()).toBe(2);
  });

  it('a server that accepts and then drops every connection gets the same attempt budget, not a fresh one per drop', async () => {
    const { session, t, proxy } = await open();
    await t.spoken(GREETING);
    session.on('conversation:start', () => proxy.cutClients());
    proxy.cutClients();
    const end = await t.ended;
    expect(t.rec.of('reconnecting').map((r) => [r.attempt, r.delayMs])).toEqual(EVERY_ATTEMPT);
    expect(end).toMatchObject({ kind: 'error', error: 'reconnect_failed' });
    expect(proxy.accepted()).toBe(4);
    expect(session.state).toBe('closed');
  });

  it('backs off 25, 50, 100 ms while the agent is unreachable, then says it gave up', async () => {
    const { session, t, proxy } = await open();
    await t.spoken(GREETING);
    proxy.faults.refuse = true;
    proxy.cutClients();
    const end = await t.ended;
    expect(t.rec.of('reconnecting').map((r) => [r.attempt, r.delayMs])).toEqual(EVERY_ATTEMPT);
    // Each attempt really waited its delay (measured between the events, minus scheduling slack).
    const at = t.times.map((x) => x.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(24);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(49);
    expect(end).toMatchObject({ kind: 'error', error: 'reconnect_failed' });
    expect(end.kind === 'error' && end.message).toBe(
      'Could not reconnect after 3 attempts: The connection to the agent was lost.',
    );
    expect(proxy.accepted()).toBe(4);
    expect(session.state).toBe('closed');
  });
});

describe('an agent that is not there', () => {
  it('says it could not connect to the URL it tried (no query), not that a connection was lost', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((res) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => res(p));
      });
    });
    const { session, t } = track(`ws://127.0.0.1:${port}`);
    const err = await session.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SessionError);
    const where = `ws://127.0.0.1:${port}/v1/convai/conversation`;
    expect((err as SessionError).message).toBe(`Could not connect to ${where}.`);
    expect((err as SessionError).message).not.toContain('agent_id');
    expect(await t.ended).toMatchObject({ kind: 'error', error: 'connection' });
    expect(t.rec.of('reconnecting')).toEqual([]);
  });
});

describe('close codes from the server', () => {
  const cases = [
    { code: 1000, reason: '', end: { kind: 'agent', via: 'close' }, words: undefined },
    {
      code: 1002,
      reason: 'This request exceeds your quota limit.',
      end: { kind: 'error', error: 'quota' },
      words: 'This request exceeds your quota limit.',
    },
    {
      code: 1008,
      reason: "Override for field 'voice_id' is not allowed by config.",
      end: { kind: 'error', error: 'override' },
      words: "Override for field 'voice_id' is not allowed by config.",
    },
    {
      code: 1011,
      reason: '',
      end: { kind: 'error', error: 'internal' },
      words: 'The agent service had an internal error.',
    },
  ] as const;

  for (const c of cases) {
    it(`${c.code} mid-turn ends the conversation once, in plain words, and is not retried`, async () => {
      const { session, t, proxy } = await open();
      await t.spoken(GREETING);
      session.sendText('Tell me a story');
      await until(() => t.order.at(-1) !== t.responseId(GREETING), { timeout: 5000 });
      proxy.closeClients(c.code, c.reason);
      const end = await t.ended;
      expect(end).toMatchObject({ ...c.end, code: c.code });
      if (c.words) expect(end.kind === 'error' && end.message).toBe(c.words);
      expect(t.rec.of('reconnecting')).toEqual([]);
      expect(t.rec.of('conversation:end')).toHaveLength(1);
      expect(session.state).toBe('closed');
      expect(proxy.accepted()).toBe(1);
      // A closed session refuses to send, with a typed error rather than a silent drop.
      expect(() => session.sendText('hello?')).toThrow(SessionError);
      expect(session.sendAudio(new Int16Array(320))).toBe(false);
    });
  }

  it('an abnormal close (no close frame) is retried; a 1008 from the agent on the retry stops it at once', async () => {
    const { session, t, proxy } = await open();
    await t.spoken(GREETING);
    // The agent's configuration changes under us: the next conversation needs a variable we never send.
    agent.setNpcs([
      { ...FAULT_NPC, agent: { ...FAULT_NPC.agent, prompt: { text: 'You serve {{player_name}}.' } } },
    ]);
    try {
      proxy.cutClients();
      const end = await t.ended;
      expect(t.rec.of('reconnecting')).toHaveLength(1);
      expect(end).toMatchObject({ kind: 'error', error: 'dynamic_variable', code: 1008 });
      expect(end.kind === 'error' && end.message).toBe("Missing required dynamic variables: 'player_name'");
      // One conversation and one retry: no loop against a configuration error.
      expect(proxy.accepted()).toBe(2);
      expect(session.state).toBe('closed');
      // The agent's error frame was also reported as it arrived.
      expect(t.rec.of('error').map((e) => [e.kind, e.message])).toEqual([
        ['server', "Missing required dynamic variables: 'player_name'"],
      ]);
    } finally {
      agent.setNpcs([FAULT_NPC]);
    }
  });
});
