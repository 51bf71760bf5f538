/**
 * The Vite dev server and `vite preview`, with the plugin, survive a request whose URL does not
 * parse (issue 12.1): as a WebSocket upgrade it used to reach the local agent's `new URL()` and end
 * the dev server. Both check Host and Origin on the local agent's upgrade (issue 12.8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rawRequest } from '../../harness/raw-http.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, preview } from 'vite';
import WebSocket from 'ws';
import { voiceAgents } from '../../plugin/vite/index.js';

const PLUGIN = () =>
  voiceAgents({
    apiKey: '',
    localAgentOptions: { recognizer: 'none', speechEngine: 'babble', llm: false },
  });

describe.each(['dev', 'preview'] as const)('the Vite %s server with the local agent', (kind) => {
  let dir = '';
  let close: () => Promise<void> = async () => {};
  let port = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vite-malformed-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>dev</title>');
    // What `vite build` leaves for `vite preview` to serve.
    await mkdir(join(dir, 'dist'));
    await writeFile(join(dir, 'dist', 'index.html'), '<!doctype html><title>built</title>');
    const common = {
      root: dir,
      configFile: false as const,
      logLevel: 'silent' as const,
      plugins: [PLUGIN()],
    };
    const listen = { host: '127.0.0.1', port: 0, strictPort: false };
    let url: string | undefined;
    if (kind === 'dev') {
      const server = await createServer({ ...common, server: listen });
      await server.listen();
      url = server.resolvedUrls?.local[0];
      close = () => server.close();
    } else {
      const server = await preview({ ...common, preview: listen });
      url = server.resolvedUrls?.local[0];
      close = () => server.close();
    }
    port = Number(new URL(url!).port);
  }, 30_000);

  afterAll(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  const raw = (request: string): Promise<string> => rawRequest(port, request);

  it('answers an unparseable upgrade URL with 400 and still greets a player', async () => {
    const answer = await raw(
      'GET //x:99999 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/convai/conversation?agent_id=x`, ['convai']);
    const greeting = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'conversation_initiation_client_data' })));
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as {
          type: string;
          agent_response_event?: { agent_response: string };
        };
        if (m.type === 'agent_response') resolve(m.agent_response_event!.agent_response);
      });
      ws.once('error', reject);
    });
    expect(greeting).toMatch(/local agent/);
    ws.close();
  });

  it('checks Host and Origin on the upgrade, which Vite itself does not (issue 12.8)', async () => {
    const outcome = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/convai/conversation?agent_id=x`, ['convai'], {
          headers,
        });
        ws.once('open', () => {
          ws.close();
          resolve('open');
        });
        ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
        ws.once('error', () => resolve('error'));
      });
    expect(await outcome({ host: `evil.example:${port}` })).toBe('403');
    expect(await outcome({ origin: 'https://evil.example' })).toBe('403');
    expect(await outcome({ origin: 'http://localhost:5173' })).toBe('open');
    expect(await outcome({ origin: `http://127.0.0.1:${port}` })).toBe('open');
    // Health: 403 for a foreign page; an allowed page's Origin echoed, never a wildcard.
    const foreign = await fetch(`http://127.0.0.1:${port}/voice-agents/health`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const own = await fetch(`http://127.0.0.1:${port}/voice-agents/health`, {
      headers: { origin: `http://127.0.0.1:${port}` },
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${port}`);
  });
});
