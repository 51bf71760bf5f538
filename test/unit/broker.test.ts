import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBroker, type BrokerOptions } from '../../plugin/server/broker/index.js';
import { compileNpcFile, type NpcDefinition } from '../../plugin/npc/index.js';

// Real HTTP on port 0 both sides: the broker mounted on a Node server, and a fake ElevenLabs that
// records what it was asked. The key is a sentinel so any leak is a plain substring match.
const KEY = 'sk_SENTINEL_5f3a9c1e_do_not_leak';

function npc(id: string, agentId: string): NpcDefinition {
  const res = compileNpcFile(
    `name: ${id}\nagent:\n  agent_id: '${agentId}'\n  prompt: { text: You are ${id}. }\n`,
    `${id}.npc.yaml`,
  );
  if (!res.ok) throw new Error(res.errors[0]!.message);
  return res.npc;
}

interface Recorded {
  url: string;
  headers: IncomingMessage['headers'];
}

let upstream: Server;
let upstreamUrl: string;
let recorded: Recorded[];
let upstreamReply: (req: IncomingMessage, res: ServerResponse) => void;
let app: Server | undefined;
let logs: string[];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startBroker(opts: Partial<BrokerOptions> = {}): Promise<string> {
  const broker = createBroker({
    apiKey: KEY,
    npcs: [npc('mira', 'agent_mira_1'), npc('pip', '')],
    allowedOrigins: ['https://game.example'],
    baseUrl: upstreamUrl,
    log: (l) => logs.push(l),
    ...opts,
  });
  app = createServer((req, res) => {
    if (!broker.handle(req, res)) {
      res.writeHead(404);
      res.end('not the broker');
    }
  });
  return listen(app);
}

interface Got {
  status: number;
  body: string;
  headers: Headers;
}
const responses: Got[] = [];
async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  const r = await fetch(url, { headers, method });
  const got = { status: r.status, body: await r.text(), headers: r.headers };
  responses.push(got);
  return got;
}

beforeEach(async () => {
  recorded = [];
  logs = [];
  upstreamReply = (req, res) => {
    const agent = new URL(req.url!, 'http://x').searchParams.get('agent_id');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        signed_url: `wss://api.elevenlabs.io/v1/convai/conversation?agent_id=${agent}&conversation_signature=sig123`,
      }),
    );
  };
  upstream = createServer((req, res) => {
    recorded.push({ url: req.url!, headers: req.headers });
    upstreamReply(req, res);
  });
  upstreamUrl = await listen(upstream);
});

afterEach(async () => {
  await new Promise((r) => upstream.close(r));
  if (app) await new Promise((r) => app!.close(r));
  app = undefined;
  // The invariant behind every test here: the key shows up in no response and no log line.
  for (const r of responses) {
    expect(r.body).not.toContain(KEY);
    for (const [, v] of r.headers) expect(v).not.toContain(KEY);
  }
  for (const l of logs) expect(l).not.toContain(KEY);
  responses.length = 0;
});

describe('signed-URL broker', () => {
  it('signs a URL for an NPC of the game, asking upstream with the key in the header only', async () => {
    const base = await startBroker();
    const r = await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: 'https://game.example' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      signed_url:
        'wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_mira_1&conversation_signature=sig123',
      agent_id: 'agent_mira_1',
      npc: 'mira',
    });
    expect(r.headers.get('access-control-allow-origin')).toBe('https://game.example');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.url).toBe('/v1/convai/conversation/get-signed-url?agent_id=agent_mira_1');
    expect(recorded[0]!.headers['xi-api-key']).toBe(KEY);
    expect(logs.some((l) => l.includes('npc="mira"') && l.includes('200'))).toBe(true);
  });

  it('refuses NPCs and agents that are not the game’s, without asking upstream', async () => {
    const base = await startBroker({ allowedAgentIds: ['agent_default'] });
    const o = { origin: 'https://game.example' };
    expect((await get(`${base}/voice-agents/signed-url?npc=stranger`, o)).status).toBe(404);
    // pip has no agent id: it plays on the local agent, so there is nothing to sign.
    expect((await get(`${base}/voice-agents/signed-url?npc=pip`, o)).status).toBe(404);
    expect((await get(`${base}/voice-agents/signed-url?agent_id=agent_someone_else`, o)).status).toBe(404);
    expect((await get(`${base}/voice-agents/signed-url`, o)).status).toBe(400);
    expect(recorded).toHaveLength(0);
    expect((await get(`${base}/voice-agents/signed-url?agent_id=agent_default`, o)).status).toBe(200);
    expect(recorded).toHaveLength(1);
  });

  it('checks the Origin: other sites and origin-less requests are refused, the same page is allowed', async () => {
    const base = await startBroker();
    const url = `${base}/voice-agents/signed-url?npc=mira`;
    const evil = await get(url, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect((await get(url)).status).toBe(403);
    expect((await get(url, { referer: 'https://evil.example/page' })).status).toBe(403);
    expect(recorded).toHaveLength(0);
    // Same-origin GET fetches carry a Referer but no Origin.
    expect((await get(url, { referer: `${base}/index.html` })).status).toBe(200);
    expect((await get(url, { origin: base })).status).toBe(200);
    // A page with Referrer-Policy: no-referrer sends neither; the browser still says same-origin.
    expect((await get(url, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await get(url, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('can be limited to the allowlist only', async () => {
    const base = await startBroker({ allowSameOrigin: false });
    expect((await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: base })).status).toBe(403);
  });

  it('rate-limits per client and tells the client when to retry', async () => {
    let now = 1_000_000;
    const base = await startBroker({
      rateLimit: { max: 3, windowMs: 60_000, now: () => now },
      trustProxy: true,
    });
    const from = (ip: string) => ({ origin: 'https://game.example', 'x-forwarded-for': ip });
    const url = `${base}/voice-agents/signed-url?npc=mira`;
    for (let i = 0; i < 3; i++) expect((await get(url, from('10.0.0.1'))).status).toBe(200);
    const limited = await get(url, from('10.0.0.1'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(20);
    expect((await get(url, from('10.0.0.2'))).status).toBe(200);
    expect(recorded).toHaveLength(4);
    now += 20_000; // one token back
    expect((await get(url, from('10.0.0.1'))).status).toBe(200);
  });

  it('counts refused pages against the rate limit, and logs a hostile Origin cut short and quoted', async () => {
    const base = await startBroker({ rateLimit: { max: 3, windowMs: 60_000 } });
    const url = `${base}/voice-agents/signed-url?npc=mira`;
    const huge = `https://evil.example/${'x'.repeat(15_000)}`;
    for (let i = 0; i < 3; i++) expect((await get(url, { origin: huge })).status).toBe(403);
    // The same client's next request, from the right page, is over its budget.
    expect((await get(url, { origin: 'https://game.example' })).status).toBe(429);
    const line = logs.find((l) => l.includes('403'))!;
    expect(line.length).toBeLessThan(300);
    expect(line).toContain('origin="https://evil.example/xxx');
    expect(recorded).toHaveLength(0);
  });

  it('never relays upstream errors, even one that quotes the key', async () => {
    upstreamReply = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `invalid api key ${KEY}` }));
    };
    const base = await startBroker();
    const r = await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: 'https://game.example' });
    // A wrong key does not pass by retrying: 500, which the client does not retry (a 5xx upstream is 502).
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: 'the voice service refused the request (status 401)' });
  });

  it("passes the voice service's rate limit on as one, with its wait", async () => {
    upstreamReply = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end('{"detail":"too many concurrent requests"}');
    };
    const base = await startBroker();
    const r = await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: 'https://game.example' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(r.body)).toEqual({ error: 'the voice service refused the request (status 429)' });
  });

  it('rejects an upstream answer that is not a WebSocket URL or that contains the key', async () => {
    let body: unknown = { signed_url: `wss://x.example/?k=${KEY}` };
    upstreamReply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const base = await startBroker();
    const url = `${base}/voice-agents/signed-url?npc=mira`;
    const o = { origin: 'https://game.example' };
    expect((await get(url, o)).status).toBe(502);
    body = { signed_url: 'javascript:alert(1)' };
    expect((await get(url, o)).status).toBe(502);
    body = 'not json';
    expect((await get(url, o)).status).toBe(502);
  });

  it('reports an unreachable service plainly', async () => {
    const closed = createServer();
    const deadUrl = await listen(closed);
    await new Promise((r) => closed.close(r));
    const base = await startBroker({ baseUrl: deadUrl });
    const r = await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: 'https://game.example' });
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body)).toEqual({ error: 'the voice service could not be reached' });
  });

  it('answers only GET on its own path and leaves other paths to the host server', async () => {
    const base = await startBroker();
    expect((await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: base }, 'POST')).status).toBe(
      405,
    );
    const other = await get(`${base}/index.html`);
    expect(other.status).toBe(404);
    expect(other.body).toBe('not the broker');
  });

  it('picks up new agent ids when the NPC files change', async () => {
    const broker = createBroker({ apiKey: KEY, npcs: [], baseUrl: upstreamUrl });
    app = createServer((req, res) => void broker.handle(req, res));
    const base = await listen(app);
    expect((await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: base })).status).toBe(404);
    broker.setNpcs([npc('mira', 'agent_new')]);
    expect((await get(`${base}/voice-agents/signed-url?npc=mira`, { origin: base })).status).toBe(200);
    expect(recorded[0]!.url).toContain('agent_id=agent_new');
  });

  it('refuses to start without a key', () => {
    expect(() => createBroker({ apiKey: '  ' })).toThrow(/ELEVENLABS_API_KEY/);
  });
});
