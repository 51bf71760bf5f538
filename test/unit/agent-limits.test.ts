/**
 * The local agent's limits against hostile clients (issue 12): malformed requests, close reasons cut
 * inside a character, one client holding every slot, silent sockets, oversized context, long text,
 * speech floods and clients that never read. Real agent, real sockets on loopback, polling not sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../../harness/raw-http.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import WebSocket from 'ws';
import {
  createLocalAgent,
  type CreateLocalAgentOptions,
  type LocalAgent,
} from '../../plugin/server/agent/index.js';
import { until } from '../../harness/poll.js';
import { INIT, ScriptedClient } from './agent-harness.js';
import { FAULT_NPC, GREETING, POTION_REPLY } from '../../harness/npcs.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const started: LocalAgent[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

async function agentWith(extra: Partial<CreateLocalAgentOptions> = {}): Promise<LocalAgent> {
  const a = await createLocalAgent({
    npcs: [FAULT_NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
    ...extra,
  });
  started.push(a);
  return a;
}

async function greeted(a: LocalAgent): Promise<ScriptedClient> {
  const c = await ScriptedClient.connect(a.url, 'fault');
  await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(GREETING));
  return c;
}

describe('malformed requests (issue 12.1)', () => {
  it('answers an unparseable URL with 400, as plain HTTP and as an upgrade, and keeps serving', async () => {
    const a = await agentWith();
    const plain = await rawRequest(a.port, 'GET //x:99999 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(plain).toMatch(/^HTTP\/1\.1 400/);
    const upgrade = await rawRequest(
      a.port,
      'GET //x:99999 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 400/);
    const c = await greeted(a);
    c.send({ type: 'user_message', text: 'potion?' });
    await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(POTION_REPLY));
    c.close();
  });
});

/** A bare `convai` socket that records its frames (from the first) and its close. */
async function rawSocket(
  a: LocalAgent,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${a.url}/v1/convai/conversation?agent_id=fault`, ['convai'], { headers });
  ws.on('error', () => {});
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
    ),
  ]);
}

describe('close reasons (issue 12.6)', () => {
  it('closes with a reason cut between characters when the error text is long and not ASCII', async () => {
    const a = await agentWith();
    const { ws, closed } = await rawSocket(a);
    // The error names the unknown type: 2-byte characters put the 123-byte cut inside one of them.
    ws.send(JSON.stringify({ type: 'é'.repeat(100) }));
    const { code, reason } = await within(closed, 5000, 'close');
    expect(code).toBe(1008);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(reason).toMatch(/^Invalid message: unknown client message type "é+$/);
    await until(() => a.handler.sessions === 0);
  });
});

describe('one client cannot take every slot (issue 12.7)', () => {
  it('refuses a client past its cap with an error frame and 1002 while another client is greeted', async () => {
    const a = await agentWith({ limits: { maxSessionsPerClient: 3, initTimeoutMs: 60_000 } });
    const silent = await Promise.all([rawSocket(a), rawSocket(a), rawSocket(a)]);
    const fourth = await rawSocket(a);
    const { code, reason } = await within(fourth.closed, 5000, 'refusal');
    expect(code).toBe(1002);
    expect(reason).toMatch(/Too many conversations from one client \(3\)/);
    expect(fourth.frames.map((f) => JSON.parse(f) as { error_event?: { error_type: string } })).toEqual([
      expect.objectContaining({ error_event: expect.objectContaining({ error_type: 'http_exception' }) }),
    ]);
    // Another address (still loopback) is not affected by the first client's cap.
    const other = new WebSocket(`${a.url}/v1/convai/conversation?agent_id=fault`, ['convai'], {
      localAddress: '127.0.0.2',
    });
    const otherFrames: string[] = [];
    other.on('message', (d) => otherFrames.push(d.toString()));
    await new Promise((r) => other.once('open', r));
    other.send(JSON.stringify({ type: 'conversation_initiation_client_data' }));
    await until(() => otherFrames.some((f) => f.includes(GREETING)), { timeout: 5000 });
    other.close();
    for (const s of silent) s.ws.close();
    // Slots come back as sockets close: the first client may connect again.
    await until(() => a.handler.sessions === 0);
    (await greeted(a)).close();
  });

  it('behind a trusted proxy counts each forwarded client on its own, and only then', async () => {
    const proxied = await agentWith({
      trustProxy: true,
      limits: { maxSessionsPerClient: 2, initTimeoutMs: 60_000 },
    });
    // The proxy appends the address it saw; what comes before is whatever the client wrote.
    const from = (ip: string, claimed = '10.9.9.9') => ({ 'x-forwarded-for': `${claimed}, ${ip}` });
    const first = await Promise.all([
      rawSocket(proxied, from('203.0.113.1')),
      rawSocket(proxied, from('203.0.113.1')),
    ]);
    // Claiming another address first does not make a third connection another client.
    const over = await rawSocket(proxied, from('203.0.113.1', '198.51.100.77'));
    expect((await within(over.closed, 5000, 'refusal')).code).toBe(1002);
    // Another player behind the same proxy (same socket address) still gets in.
    const other = await rawSocket(proxied, from('203.0.113.2'));
    other.ws.send(JSON.stringify({ type: 'conversation_initiation_client_data' }));
    await until(() => other.frames.some((f) => f.includes(GREETING)), { timeout: 5000 });
    for (const s of [...first, other]) s.ws.close();
    // Without trustProxy the header is ignored: a client cannot dodge its cap by writing it.
    const direct = await agentWith({ limits: { maxSessionsPerClient: 2, initTimeoutMs: 60_000 } });
    const two = await Promise.all([
      rawSocket(direct, from('198.51.100.1')),
      rawSocket(direct, from('198.51.100.2')),
    ]);
    const third = await rawSocket(direct, from('198.51.100.3'));
    expect((await within(third.closed, 5000, 'refusal')).code).toBe(1002);
    for (const s of two) s.ws.close();
  });

  it('closes sockets that never send the initiation within the init timeout, with 1002', async () => {
    const a = await agentWith({ limits: { initTimeoutMs: 300 } });
    const started = performance.now();
    const silent = await Promise.all([rawSocket(a), rawSocket(a)]);
    const closes = await within(Promise.all(silent.map((s) => s.closed)), 3000, 'init timeout');
    expect(performance.now() - started).toBeLessThan(3000);
    for (const c of closes) {
      expect(c.code).toBe(1002);
      expect(c.reason).toMatch(/No conversation_initiation_client_data within 300 ms/);
    }
    await until(() => a.handler.sessions === 0);
    // A player who does start is not cut off by that timer.
    const c = await greeted(a);
    c.send({ type: 'user_message', text: 'potion?' });
    await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(POTION_REPLY), 5000);
    expect(c.closeInfo).toBeNull();
    c.close();
  });

  it('documents its defaults in the health endpoint: 50 per client (a quarter of 200), 5 s to initiate', async () => {
    const a = await agentWith();
    expect(a.handler.health().limits).toMatchObject({
      maxSessions: 200,
      maxSessionsPerClient: 50,
      initTimeoutMs: 5000,
    });
    const big = await agentWith({ limits: { maxSessions: 1000 } });
    expect(big.handler.health().limits).toMatchObject({ maxSessionsPerClient: 250 });
  });
});

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('contextual updates (issue 12.5)', () => {
  it('keeps at most the capped size of context per conversation, tells the client once, and stays open', async () => {
    const a = await agentWith({ limits: { maxContextUpdateChars: 1000, maxContextChars: 4000 } });
    const c = await greeted(a);
    const before = heapAfterGc();
    // 64 ids × 200 KB: 12.8 MB held without the caps.
    const text = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 64; i++)
      c.send({ type: 'contextual_update', text: `${i} ${text}`, context_id: `id${i}` });
    c.send({ type: 'user_message', text: 'potion?' });
    await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(POTION_REPLY), 10_000);
    const notices = c.frames.filter((f) => f.raw.includes('context_truncated'));
    c.frames.length = 0;
    const held = (heapAfterGc() - before) / 1024 / 1024;
    expect(held).toBeLessThan(4);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.raw).toContain('1000-character limit');
    expect(c.closeInfo).toBeNull();
    c.close();
  });
});

describe('speech limits (issue 12.2)', () => {
  it('refuses an over-long first_message override with override_error and 1008, before any metadata', async () => {
    const a = await agentWith();
    const c = await ScriptedClient.connect(a.url, 'fault', {
      init: { ...INIT, conversation_config_override: { agent: { first_message: 'Welcome! '.repeat(500) } } },
    });
    const { code, reason } = await within(c.closed, 5000, 'close');
    expect(code).toBe(1008);
    expect(reason).toMatch(/^Override for field 'first_message' is too long \(4500 characters/);
    expect(c.frames.map((f) => f.msg.type)).toEqual(['error']);
    expect(c.frames[0]!.raw).toContain('"error_type":"override_error"');
    await until(() => a.handler.sessions === 0);
  });

  it('refuses an override of the wrong type with override_error and 1008; a malformed message part is skipped', async () => {
    const a = await agentWith();
    const bad = await ScriptedClient.connect(a.url, 'fault', {
      init: { ...INIT, conversation_config_override: { asr: { keywords: ['lantern', 5] } } },
    });
    const { code, reason } = await within(bad.closed, 5000, 'close');
    expect(code).toBe(1008);
    expect(reason).toBe("Override for field 'keywords' must be a list of strings.");
    expect(bad.frames.map((f) => f.msg.type)).toEqual(['error']);
    // A multimodal message whose text is not text: nothing to answer, and the conversation goes on.
    const c = await greeted(a);
    const from = c.frames.length;
    c.send({ type: 'multimodal_message', text: { text: 42 } });
    c.send({ type: 'user_message', text: 'a potion please' });
    const reply = await c.waitType('agent_response', 5000, from);
    expect(reply.msg.agent_response_event.agent_response).toBe(POTION_REPLY);
    expect(c.closeInfo).toBeNull();
  });

  it('cuts a reply at the reply limit, and still speaks it whole', async () => {
    const echo = {
      ...FAULT_NPC,
      local: { ...FAULT_NPC.local, replies: [], fallback: 'You said: {{user_text}}' },
    };
    const a = await agentWith({ npcs: [echo], limits: { maxReplyChars: 60 } });
    const c = await greeted(a);
    const from = c.frames.length;
    c.send({ type: 'user_message', text: 'word '.repeat(10_000) });
    const reply = await c.waitType('agent_response', 5000, from);
    const text = reply.msg.agent_response_event.agent_response;
    expect(text.length).toBeLessThanOrEqual(61);
    expect(text).toMatch(/^You said: (word )+word…$/);
    await c.audioText(reply.msg.agent_response_event.event_id, text, 10_000);
    c.close();
  });

  it("keeps another player's reply prompt while one client floods typed turns", async () => {
    // Each flooded turn asks for a long first sentence: first in, first out, the worker would
    // synthesize every abandoned one before the player's.
    const story = 'Long ago, beyond the hills and the rivers and the old forest, ' + 'far away '.repeat(20);
    const teller = { ...FAULT_NPC, local: { ...FAULT_NPC.local, fallback: `${story.trim()}.` } };
    const a = await agentWith({ npcs: [teller] });
    const player = await greeted(a);
    const flood = await greeted(a);
    // Spread out (about 500 a second), as a script would send them: each turn asks for speech before
    // the next one interrupts it.
    for (let i = 0; i < 1000; i++) {
      flood.send({ type: 'user_message', text: `tell me a story ${i}` });
      if (i % 2 === 1) await new Promise((r) => setTimeout(r, 1));
    }
    const from = player.frames.length;
    const asked = performance.now();
    player.send({ type: 'user_message', text: 'potion?' });
    await player.waitFor((f) => f.msg.type === 'audio', 15_000, from);
    const latency = performance.now() - asked;
    expect(latency).toBeLessThan(2000);
    expect(flood.closeInfo).toBeNull();
    flood.close();
    player.close();
  });
});

describe('a client that does not read (issue 12.4)', () => {
  it('stops sending above the buffer bound and closes the conversation once the client stays stalled', async () => {
    const echo = { ...FAULT_NPC, local: { ...FAULT_NPC.local, replies: [], fallback: '{{user_text}}' } };
    // No pacing lead to hide behind: audio goes out as fast as it is made, as to a client far behind.
    const a = await agentWith({
      npcs: [echo],
      leadMs: 3_600_000,
      limits: { maxBufferedBytes: 64 * 1024, sendStallMs: 1000 },
    });
    const c = await ScriptedClient.connect(a.url, 'fault', { query: '&output_format=pcm_48000' });
    await c.waitType('conversation_initiation_metadata');
    await until(() => c.of('audio').length > 0, { timeout: 5000 });
    // About 2 minutes of pcm_48000 (some 20 MB on the wire), to a client that reads nothing.
    c.send({ type: 'user_message', text: 'The road north is long and the nights are cold. '.repeat(40) });
    c.ws.pause();
    const stalledAt = performance.now();
    await until(() => a.handler.sessions === 0, { timeout: 15_000 });
    expect(performance.now() - stalledAt).toBeLessThan(10_000);
    c.ws.terminate();
  });
});
