/**
 * The local agent's keep-alive, limits and answers to bad input (each closes like the real service),
 * and its HTTP endpoints and NPC selection, driven by scripted clients whose every frame the
 * protocol decoder checks. agent-protocol.test.ts: the handshake, turns and barge-in.
 */
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createLocalAgent } from '../../plugin/server/agent/index.js';
import type { LocalAgentHealth } from '../../plugin/server/agent/options.js';
import { agentFixture, ScriptedClient, INIT } from './agent-harness.js';
import { until } from '../../harness/poll.js';
import { TEST_NPC } from '../../harness/npcs.js';
import { PROTOCOL_AGENT, QUIET_NPC, chunks20ms, withQuietAgent } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';

/** What this plugin's session sends first: no source_info (the official SDKs name themselves in it). */
const { source_info: _sdk, ...PLUGIN_INIT } = INIT;

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** One conversation at a time, a second one per client waiting in line for up to 5 s. */
const QUEUE_OF_ONE = { limits: { maxSessions: 1, maxSessionsPerClient: 2, queueTimeoutMs: 5_000 } };

const local = agentFixture(PROTOCOL_AGENT);
const connect = local.connect;

describe('keep-alive, limits and bad input', () => {
  it('pings with an echoed id and reports the measured round trip as ping_ms', async () => {
    const c = await connect(local.agent.url, 'quiet');
    const first = await c.waitType('ping');
    expect(first.msg.ping_event.ping_ms ?? null).toBeNull();
    const later = await c.waitTypeWhere('ping', (f) => typeof f.msg.ping_event.ping_ms === 'number');
    expect(later.msg.ping_event.ping_ms).toBeGreaterThanOrEqual(0);
    expect(later.msg.ping_event.ping_ms).toBeLessThan(1000);
  });

  it.each([
    ['invalid JSON first', '{nope'],
    ['a message before initiation', { type: 'user_message', text: 'hi' }],
    ['audio before initiation', { user_audio_chunk: 'AAAA' }],
  ])('answers %s with an error frame and close 1008', async (_name, frame) => {
    const c = await connect(local.agent.url, 'tess', { init: false });
    c.send(frame);
    const err = await c.waitType('error');
    expect(err.msg.error_event).toMatchObject({ code: 1008, error_type: 'invalid_message' });
    expect(c.frames[0]).toBe(err);
    expect((await c.closed).code).toBe(1008);
  });

  it('closes 1008 on invalid JSON after initiation, ignores unknown types', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'something_new', x: 1 });
    c.send({ type: 'feedback', score: 'like', event_id: 1 });
    c.send({ type: 'user_activity' });
    c.send({ type: 'user_message', text: 'potion' });
    await c.waitType('agent_response');
    c.send('not json at all');
    const err = await c.waitType('error');
    expect(err.msg.error_event?.code).toBe(1008);
    expect((await c.closed).code).toBe(1008);
  });

  it('rejects an oversized frame with an error and 1008, binary frames too', async () => {
    await withQuietAgent({ limits: { maxFrameBytes: 4096 } }, async (small) => {
      const c = await ScriptedClient.begin(small.url, 'quiet');
      c.send({ user_audio_chunk: 'A'.repeat(8000) });
      expect((await c.waitType('error')).msg.error_event?.code).toBe(1008);
      expect((await c.closed).code).toBe(1008);
      const b = await ScriptedClient.begin(small.url, 'quiet');
      b.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect((await b.closed).code).toBe(1008);
    });
  });

  it('closes an idle conversation with 1002 like the real service; user_activity keeps it open', async () => {
    // 15 keep-alives per timeout: a stalled test process (the agent runs in it) cannot idle out the
    // active client by accident.
    await withQuietAgent({ limits: { idleTimeoutMs: 1500 } }, async (idle) => {
      const active = await ScriptedClient.connect(idle.url, 'quiet');
      const timer = setInterval(() => active.send({ type: 'user_activity' }), 100);
      const c = await ScriptedClient.connect(idle.url, 'quiet');
      const err = await c.waitType('error', 6000);
      expect(err.msg.error_event).toMatchObject({ code: 1002, error_type: 'transport_receive_timeout' });
      expect((await c.closed).code).toBe(1002);
      expect(active.closeInfo).toBeNull();
      clearInterval(timer);
      active.close();
    });
  });

  it('refuses conversations past the session limit when waiting is off, and keeps serving the others', async () => {
    await withQuietAgent({ limits: { maxSessions: 1, queueTimeoutMs: 0 } }, async (one) => {
      const a = await ScriptedClient.begin(one.url, 'quiet');
      const b = await ScriptedClient.connect(one.url, 'quiet');
      expect((await b.waitType('error')).msg.error_event?.code).toBe(1002);
      expect((await b.closed).code).toBe(1002);
      a.send({ type: 'user_message', text: 'potion' });
      await a.waitType('agent_response');
      a.close();
    });
  });

  it('at capacity an official SDK client waits in line without a word, and its first frame is still the metadata', async () => {
    await withQuietAgent(QUEUE_OF_ONE, async (one) => {
      const a = await ScriptedClient.begin(one.url, 'quiet');
      const b = await ScriptedClient.connect(one.url, 'quiet'); // INIT names js_sdk, as @elevenlabs/client does
      await until(() => one.handler.health().sessions.queued === 1);
      expect(b.frames).toEqual([]);
      a.close();
      const first = await b.waitFor(() => true);
      expect(first.msg.type).toBe('conversation_initiation_metadata');
      b.send({ type: 'user_message', text: 'potion' });
      await b.waitType('agent_response');
      expect(b.of('queue_status')).toEqual([]);
      b.close();
    });
  });

  it('at capacity a conversation waits in line: told waiting, then admitted when a slot frees, or timed_out and closed', async () => {
    await withQuietAgent(QUEUE_OF_ONE, async (one) => {
      const a = await ScriptedClient.begin(one.url, 'quiet');
      const b = await ScriptedClient.connect(one.url, 'quiet', { init: PLUGIN_INIT });
      expect((await b.waitType('queue_status')).msg.queue_status_event).toEqual({ status: 'waiting' });
      // What b sends while it waits is dropped, as the service does.
      b.send({ type: 'user_message', text: 'potion' });
      await until(() => one.handler.health().sessions.queued === 1);
      a.close();
      const admitted = await b.waitFor((f) => f.msg.type === 'queue_status' && f.raw.includes('admitted'));
      expect(admitted).toBeDefined();
      await b.waitType('conversation_initiation_metadata');
      b.send({ type: 'user_message', text: 'potion' });
      await b.waitType('agent_response');
      expect(b.frames.filter((f) => f.msg.type === 'agent_response')).toHaveLength(1);
      b.close();
    });
    const impatient = { limits: { ...QUEUE_OF_ONE.limits, queueTimeoutMs: 200 } };
    await withQuietAgent(impatient, async (agent) => {
      const a = await ScriptedClient.begin(agent.url, 'quiet');
      const b = await ScriptedClient.connect(agent.url, 'quiet', { init: PLUGIN_INIT });
      await b.waitType('queue_status');
      await b.waitFor((f) => f.msg.type === 'queue_status' && f.raw.includes('timed_out'));
      expect((await b.waitType('error')).msg.error_event?.code).toBe(1002);
      expect((await b.closed).code).toBe(1002);
      await until(() => agent.handler.health().sessions.queued === 0);
      a.close();
    });
  });

  it('ends only the conversation whose speech engine crashed (1011)', async () => {
    const broken = {
      name: 'broken',
      start: () => {
        throw new Error('recognizer exploded');
      },
    };
    await withQuietAgent({ recognizer: broken }, async (crashing) => {
      const healthy = await ScriptedClient.begin(crashing.url, 'quiet');
      const c = await ScriptedClient.begin(crashing.url, 'quiet');
      for (const chunk of chunks20ms(speechLike('hello there'))) c.sendAudio(chunk);
      const err = await c.waitType('error');
      expect(err.msg.error_event).toMatchObject({ code: 1011 });
      expect((await c.closed).code).toBe(1011);
      healthy.send({ type: 'user_message', text: 'potion' });
      expect((await healthy.waitType('agent_response')).msg.agent_response_event.agent_response).toContain(
        'twenty gold',
      );
      healthy.close();
    });
  });
});

describe('HTTP endpoints and NPC selection', () => {
  it('issues signed URLs to itself in the real endpoint shape', async () => {
    const res = await fetch(`${local.agent.httpUrl}/v1/convai/conversation/get-signed-url?agent_id=tess`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { signed_url: string };
    expect(body.signed_url).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/v1\/convai\/conversation\?agent_id=tess&conversation_signature=/,
    );
    const ws = new WebSocket(body.signed_url, ['convai']);
    const first = await new Promise<string>((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify(INIT)));
      ws.on('message', (d) => resolve(d.toString()));
    });
    expect(JSON.parse(first).type).toBe('conversation_initiation_metadata');
    ws.close();
    expect((await fetch(`${local.agent.httpUrl}/v1/convai/conversation/get-signed-url`)).status).toBe(422);
  });

  it('reports capabilities on the health endpoint', async () => {
    const h: LocalAgentHealth = await (await fetch(`${local.agent.httpUrl}/voice-agents/health`)).json();
    expect(['espeak-ng', 'babble']).toContain(h.speech?.engine);
    expect(h.speech?.thread).toBe('worker'); // synthesis never blocks the conversations' event loop
    expect(h.npcs.map((n) => n.id)).toEqual(['tess', 'quiet']);
    expect(h.outputFormats).toContain('ulaw_8000');
  });

  it('selects NPCs by file id or real agent id, falls back to a default persona, and hot-swaps for new conversations', async () => {
    const byAgentId = await connect(local.agent.url, 'agent_tess_real_id');
    expect((await byAgentId.waitType('agent_response')).msg.agent_response_event.agent_response).toBe(
      TEST_NPC.agent.first_message,
    );
    const unknown = await connect(local.agent.url, 'nobody');
    expect((await unknown.waitType('agent_response')).msg.agent_response_event.agent_response).toMatch(
      /local agent/,
    );
    local.agent.setNpcs([
      { ...TEST_NPC, agent: { ...TEST_NPC.agent, first_message: 'Reloaded!' } },
      QUIET_NPC,
    ]);
    try {
      const fresh = await connect(local.agent.url, 'tess');
      expect((await fresh.waitType('agent_response')).msg.agent_response_event.agent_response).toBe(
        'Reloaded!',
      );
    } finally {
      local.agent.setNpcs([TEST_NPC, QUIET_NPC]);
    }
  });

  it('loads NPC files from a folder', async () => {
    const fromDir = await createLocalAgent({
      npcDir: 'assets/npcs',
      recognizer: 'none',
      llm: false,
      speechEngine: 'babble',
    });
    try {
      const h = fromDir.handler.health();
      expect(h.npcs.length).toBeGreaterThan(0);
      const c = await ScriptedClient.begin(fromDir.url, h.npcs[0]!.id);
      c.close();
    } finally {
      await fromDir.close();
    }
  });
});
