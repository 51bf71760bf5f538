import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForEvent, recordEvents } from '../helpers/events.js';
import { until } from '../../harness/poll.js';
import { scriptedSessions, TrackedWebSocket } from './session-setup.js';
import { publicAgentUrl, REGION_ORIGINS } from '../../plugin/session/index.js';
import type {
  ConversationInitiationClientData,
  EndReason,
  ServerMessage,
} from '../../plugin/protocol/index.js';

const { server, make, open } = scriptedSessions();

const GREETING = {
  conversation_config_override: { agent: { first_message: 'Welcome back, traveler!' } },
};

describe('how a conversation ends', () => {
  const cases: [string, ServerMessage | null, number, string, Partial<EndReason>][] = [
    [
      'the agent hangs up (1000)',
      null,
      1000,
      'Agent ended the call',
      { kind: 'agent', via: 'close', code: 1000 },
    ],
    [
      'an override the agent does not allow (1008)',
      {
        type: 'error',
        error_event: {
          code: 1008,
          message: "Override for field 'language' is not allowed by config.",
          error_type: 'override_error',
        },
      },
      1008,
      "Override for field 'language' is not allowed by config.",
      { kind: 'error', error: 'override', code: 1008, errorType: 'override_error' },
    ],
    [
      'quota exhausted, flat error frame (1002)',
      { type: 'error', message: 'received 1002 (protocol error) This request exceeds your quota limit.' },
      1002,
      '',
      {
        kind: 'error',
        error: 'quota',
        code: 1002,
        message: 'received 1002 (protocol error) This request exceeds your quota limit.',
      },
    ],
    [
      'maximum duration reached (error frame, then 1000)',
      {
        type: 'error',
        error_event: { code: 1000, message: 'Max duration exceeded', error_type: 'max_duration_exceeded' },
      },
      1000,
      '',
      { kind: 'error', error: 'max_duration', code: 1000, message: 'Max duration exceeded' },
    ],
    ['an internal server error (1011)', null, 1011, '', { kind: 'error', error: 'internal', code: 1011 }],
    [
      'a stale agent branch (3000)',
      null,
      3000,
      'Request error',
      { kind: 'error', error: 'config', message: 'Request error' },
    ],
  ];

  it.each(cases)('%s', async (_name, frame, code, reason, expected) => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['conversation:end', 'reconnecting', 'state']);
    if (frame) conn.send(frame);
    conn.close(code, reason);
    await session.closed;
    expect(session.state).toBe('closed');
    expect(session.endReason).toMatchObject(expected);
    expect(rec.of('conversation:end')).toEqual([session.endReason]);
    // None of these is retried: the session is closed for good and no second connection was made.
    expect(rec.of('reconnecting')).toEqual([]);
    expect(rec.all.filter((r) => r.name === 'state').map((r) => r.args[0])).toEqual(['closed']);
    expect(server().connections).toHaveLength(1);
  });

  it('an error frame from long before does not explain a later close', async () => {
    let clock = 0;
    const { session, conn } = await open({ now: () => clock, reconnect: false });
    // A non-fatal error early in the conversation (the service goes on after it)...
    conn.send({
      type: 'error',
      error_event: { code: 1002, message: 'This request exceeds your quota limit.', error_type: 'quota' },
    });
    await waitForEvent(session, 'error');
    clock += 60_000;
    // ...and a minute later a plain protocol close: not the quota.
    conn.close(1002, '');
    await session.closed;
    expect(session.endReason).toMatchObject({ kind: 'error', error: 'operational', code: 1002 });
  });

  it('the end_call system tool ends the conversation as ended by the agent', async () => {
    const { session, conn } = await open();
    conn.send({
      type: 'agent_tool_response',
      agent_tool_response: {
        tool_name: 'end_call',
        tool_call_id: 'end_call_1',
        tool_type: 'system',
        is_error: false,
        is_called: true,
        event_id: 9,
      },
    });
    expect(await waitForEvent(session, 'conversation:end')).toEqual({
      kind: 'agent',
      via: 'end_call',
      code: 1000,
      reason: 'Agent ended the call',
    });
    expect(await conn.closed).toEqual({ code: 1000, reason: 'Agent ended the call' });
  });

  it('the full-payload variant of end_call ends it too', async () => {
    const { session, conn } = await open();
    conn.send({
      type: 'agent_tool_response_full_payload',
      agent_tool_response_full_payload: {
        tool_name: 'end_call',
        tool_call_id: 'end_call_2',
        tool_type: 'system',
        is_error: false,
        is_called: true,
        event_id: 9,
        full_tool_result: '',
      },
    });
    expect(await waitForEvent(session, 'conversation:end')).toMatchObject({ kind: 'agent', via: 'end_call' });
  });

  it('close() ends as "user" exactly once, with code 1000, passing through closing', async () => {
    const { session, conn } = await open();
    const rec = recordEvents(session, ['state', 'conversation:end']);
    const first = session.close();
    const second = session.close();
    expect(session.state).toBe('closing');
    await Promise.all([first, second, session.close()]);
    expect(rec.all.map((r) => [r.name, r.args[0]])).toEqual([
      ['state', 'closing'],
      ['state', 'closed'],
      ['conversation:end', { kind: 'user', code: 1000, reason: 'User ended conversation' }],
    ]);
    expect(await conn.closed).toEqual({ code: 1000, reason: 'User ended conversation' });
  });

  it('close() gives up waiting for a server that never answers the close handshake', async () => {
    const { session, conn } = await open({ closeTimeoutMs: 100 });
    conn.ws.pause(); // stop reading: our close frame is never answered
    const t0 = Date.now();
    await session.close();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(session.endReason).toMatchObject({ kind: 'user' });
    expect(TrackedWebSocket.instances.at(-1)!.sessionListenerCount()).toBe(0);
  });

  it('close() before connect() or during it ends cleanly; connect() then rejects as aborted', async () => {
    const idle = make();
    await idle.close();
    expect(idle.state).toBe('closed');
    await expect(idle.connect()).rejects.toMatchObject({ kind: 'invalid_state' });

    const session = make();
    const ends = recordEvents(session, ['conversation:end']);
    const connecting = session.connect();
    await server().connection(0);
    await session.close();
    await expect(connecting).rejects.toMatchObject({ kind: 'aborted', endReason: { kind: 'user' } });
    expect(ends.all).toHaveLength(1);
  });
});

describe('reconnecting after a dropped connection', () => {
  it('opens a new conversation without replaying the greeting, reporting the attempt', async () => {
    const { session, conn } = await open({ initiation: GREETING });
    const rec = recordEvents(session, ['state', 'reconnecting', 'conversation:start']);
    conn.drop();
    const info = await waitForEvent(session, 'reconnecting');
    expect(info).toMatchObject({
      attempt: 1,
      maxAttempts: 5,
      delayMs: 10,
      cause: { kind: 'error', error: 'connection', code: 1006 },
    });
    const second = await server().connection(1);
    const init = await second.nextOfType<ConversationInitiationClientData>(
      'conversation_initiation_client_data',
    );
    expect(init.conversation_config_override?.agent?.first_message).toBe('');
    expect(session.sendAudio(new Int16Array(8))).toBe(false); // between conversations: nowhere to send
    second.sendMetadata({ conversationId: 'conv_second' });
    const connected = await waitForEvent(session, 'conversation:start');
    expect(connected).toMatchObject({ conversationId: 'conv_second', reconnectAttempt: 1 });
    expect(session.conversationId).toBe('conv_second');
    expect(rec.of('state')).toEqual(['connecting', 'open']);
    expect(session.sendAudio(new Int16Array(8))).toBe(true);
    await second.nextOfType('user_audio_chunk');
  });

  it('treats "try again later" (1013) as a rate limit: waits at least rateLimitDelayMs, then reconnects', async () => {
    const { session, conn } = await open();
    conn.close(1013, 'Try again later');
    expect(await waitForEvent(session, 'reconnecting')).toMatchObject({
      attempt: 1,
      delayMs: 30,
      cause: { kind: 'error', error: 'rate_limited', code: 1013 },
    });
    const second = await server().connection(1);
    second.sendMetadata();
    await waitForEvent(session, 'conversation:start');
  });

  it('replays the greeting when the game asks for it', async () => {
    const { session, conn } = await open({
      initiation: GREETING,
      reconnect: { baseDelayMs: 10, replayGreeting: true },
    });
    conn.drop();
    const second = await server().connection(1);
    const init = await second.nextOfType<ConversationInitiationClientData>(
      'conversation_initiation_client_data',
    );
    expect(init.conversation_config_override?.agent?.first_message).toBe(
      GREETING.conversation_config_override.agent.first_message,
    );
    second.sendMetadata();
    await waitForEvent(session, 'conversation:start');
  });

  it('backs off exponentially for at most five attempts, then ends with the last cause', async () => {
    const { session } = await open();
    const rec = recordEvents(session, ['reconnecting', 'conversation:end']);
    await server().close(); // drops the connection; every attempt is refused from now on
    await session.closed;
    expect(rec.of('reconnecting').map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
      [4, 80],
      [5, 160],
    ]);
    expect(session.endReason).toMatchObject({
      kind: 'error',
      error: 'reconnect_failed',
      message: expect.stringMatching(/after 5 attempts/),
    });
  });

  it('stops at once when a reconnect attempt is refused for a reason retrying cannot fix (1008)', async () => {
    const { session, conn } = await open();
    conn.drop();
    const second = await server().connection(1);
    await second.nextOfType('conversation_initiation_client_data');
    second.close(1008, "Override for field 'voice_id' is not allowed by config.");
    await session.closed;
    expect(session.endReason).toMatchObject({ kind: 'error', error: 'override' });
    expect(server().connections).toHaveLength(2);
  });

  it('does not reconnect when disabled, and close() during the wait stops it', async () => {
    const a = await open({ reconnect: false });
    a.conn.drop();
    await a.session.closed;
    expect(a.session.endReason).toMatchObject({ error: 'connection' });

    const b = await open({ reconnect: { baseDelayMs: 60_000 } });
    b.conn.drop();
    await waitForEvent(b.session, 'reconnecting');
    await b.session.close();
    expect(b.session.endReason).toMatchObject({ kind: 'user' });
    expect(server().connections).toHaveLength(2);
  });
});

describe('signed URLs from the broker', () => {
  let broker: http.Server;
  let brokerUrl: string;
  const requests: string[] = [];
  let respond: (res: http.ServerResponse, n: number) => void;

  beforeEach(async () => {
    requests.length = 0;
    respond = (res, n) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ signed_url: `${server().url}?agent_id=agent_1&conversation_signature=sig${n}` }),
      );
    };
    broker = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      respond(res, requests.length);
    });
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
    brokerUrl = `http://127.0.0.1:${(broker.address() as AddressInfo).port}/voice-agents/signed-url`;
  });
  afterEach(() => new Promise<void>((r) => broker.close(() => r())));

  /**
   * The broker answers its second request with `second` (every other as before); the connection
   * drops and the session comes back on a new one. Returns the session's `reconnecting` events.
   */
  async function reconnectPast(
    { session, conn }: Awaited<ReturnType<typeof open>>,
    second: (res: http.ServerResponse) => void,
  ) {
    const base = respond;
    respond = (res, n) => (n === 2 ? second(res) : base(res, n));
    const rec = recordEvents(session, ['reconnecting']);
    conn.drop();
    const next = await server().connection(1, 5000);
    next.sendMetadata();
    await waitForEvent(session, 'conversation:start');
    return rec.of('reconnecting');
  }

  it('fetches a fresh signed URL for every attempt', async () => {
    const { session, conn } = await open({
      endpoint: { kind: 'broker', brokerUrl, agentId: 'agent_1', npcId: 'mira' },
    });
    expect(requests).toEqual(['/voice-agents/signed-url?agent_id=agent_1&npc=mira']);
    expect(conn.url).toBe('/v1/convai/conversation?agent_id=agent_1&conversation_signature=sig1');
    conn.drop();
    const second = await server().connection(1);
    expect(second.url).toContain('conversation_signature=sig2');
    second.sendMetadata();
    await waitForEvent(session, 'conversation:start');
    expect(requests).toHaveLength(2);
  });

  it('waits out a rate limit (HTTP 429 with Retry-After) before retrying', async () => {
    const opened = await open({
      endpoint: { kind: 'broker', brokerUrl },
      reconnect: { baseDelayMs: 10, rateLimitDelayMs: 50 },
    });
    const reconnecting = await reconnectPast(opened, (res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '0.2');
      res.end('{}');
    });
    expect(
      reconnecting.map((r) => [r.attempt, r.delayMs, r.cause.kind === 'error' && r.cause.error]),
    ).toEqual([
      [1, 10, 'connection'],
      [2, 200, 'rate_limited'],
    ]);
  });

  it('retries a broker that could not reach the voice service (502) like a dropped connection', async () => {
    const opened = await open({
      endpoint: { kind: 'broker', brokerUrl },
      reconnect: { baseDelayMs: 10 },
    });
    const reconnecting = await reconnectPast(opened, (res) => {
      res.statusCode = 502;
      res.end('{"error":"the voice service could not be reached"}');
    });
    expect(reconnecting.map((r) => [r.attempt, r.cause.kind === 'error' && r.cause.error])).toEqual([
      [1, 'connection'],
      [2, 'connection'],
    ]);
  });

  it('reports a broker that answers without a signed URL', async () => {
    respond = (res) => res.end('{"url":"nope"}');
    const session = make({ endpoint: { kind: 'broker', brokerUrl } });
    await expect(session.connect()).rejects.toMatchObject({
      kind: 'connect_failed',
      endReason: { error: 'broker', message: expect.stringMatching(/signed_url/) },
    });
    await until(() => session.state === 'closed');
  });
});

describe('public agent URLs', () => {
  it('builds the service URL for each region', () => {
    expect(publicAgentUrl('agent_1')).toBe('wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_1');
    expect(publicAgentUrl('agent_1', 'us')).toBe(
      'wss://api.us.elevenlabs.io/v1/convai/conversation?agent_id=agent_1',
    );
    expect(publicAgentUrl('a', 'eu')).toMatch(/^wss:\/\/api\.eu\.residency\.elevenlabs\.io\//);
    expect(Object.keys(REGION_ORIGINS)).toEqual(['global', 'us', 'eu', 'in', 'sg']);
  });
});
