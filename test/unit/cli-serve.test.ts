import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { repoRoot } from '../../harness/repo.js';
import { withAgentId } from '../../plugin/server/commands/push.js';

// `voice-agents serve` in a child process over a small "production build": static files, the
// broker (against a fake ElevenLabs on port 0) and the local agent's WebSocket, all on one port.
const TSX = join(repoRoot, 'node_modules/.bin/tsx');
const CLI = join(repoRoot, 'plugin/server/cli.ts');
const KEY = 'sk_SERVE_SENTINEL_b81f';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

function waitForLine(child: ChildProcess, re: RegExp, out: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out.text += d.toString();
      const m = re.exec(out.text);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out.text += d.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}):\n${out.text}`)));
  });
}

describe('voice-agents serve', { timeout: 60_000 }, () => {
  it('serves the build, the broker and the local agent on one port, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npc-serve-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const build = join(dir, 'dist-game');
    await mkdir(join(build, 'assets'), { recursive: true });
    await writeFile(join(build, 'index.html'), '<!doctype html><title>Thornbury</title>');
    await writeFile(join(build, 'assets', 'game-AbCdEf12.js'), 'console.log("game")');
    const npcs = join(dir, 'npcs');
    await cp(join(repoRoot, 'assets/npcs'), npcs, { recursive: true });
    const miraFile = join(npcs, 'mira.npc.yaml');
    await writeFile(miraFile, withAgentId(await readFile(miraFile, 'utf8'), 'agent_mira_live'));

    const asked: string[] = [];
    const upstream: Server = createServer((req, res) => {
      asked.push(`${req.url} key=${req.headers['xi-api-key'] === KEY}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          signed_url:
            'wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_mira_live&conversation_signature=s',
        }),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => upstream.close(r)));

    const child = spawn(TSX, [CLI, 'serve', build, '--port', '0', '--npcs', npcs, '--local-agent'], {
      cwd: dir,
      env: {
        ...process.env,
        ELEVENLABS_API_KEY: KEY,
        ELEVENLABS_BASE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      },
    });
    cleanup.push(() => void child.kill('SIGKILL'));
    const out = { text: '' };
    await waitForLine(child, /broker: .*\n/, out);
    const base = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.text)![1]!;

    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Thornbury</title>');
    const js = await fetch(`${base}/assets/game-AbCdEf12.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    // A raw path (fetch would normalise it) that decodes to ../npcs/mira.npc.yaml.
    const traversal = await new Promise<number>((resolve, reject) =>
      get(`${base}/..%2fnpcs%2fmira.npc.yaml`, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject),
    );
    expect(traversal).toBe(403);
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);

    const config = await (await fetch(`${base}/voice-agents/config`)).json();
    expect(config).toEqual({
      broker: '/voice-agents/signed-url',
      localAgent: '/v1/convai/conversation',
      agents: { aldric: false, brenna: false, meiling: false, mira: true, pip: false },
    });

    const signed = await fetch(`${base}/voice-agents/signed-url?npc=mira`, { headers: { origin: base } });
    expect(signed.status).toBe(200);
    expect((await signed.json()).agent_id).toBe('agent_mira_live');
    expect(asked).toEqual(['/v1/convai/conversation/get-signed-url?agent_id=agent_mira_live key=true']);
    const evil = await fetch(`${base}/voice-agents/signed-url?npc=mira`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);

    // The local agent answers the ConvAI handshake on the same port.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/convai/conversation?agent_id=pip`, ['convai']);
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'conversation_initiation_client_data' })));
      ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('convai');
    expect(first.type).toBe('conversation_initiation_metadata');
    ws.close();

    // A DNS-rebinding name that resolves here gets nothing: not the game, the broker or the agent.
    const port = new URL(base).port;
    const rebound = await new Promise<number>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject),
    );
    expect(rebound).toBe(403);
    const reboundWs = new WebSocket(
      `${base.replace('http', 'ws')}/v1/convai/conversation?agent_id=pip`,
      ['convai'],
      {
        headers: { host: `evil.example:${port}` },
      },
    );
    expect(
      await new Promise((r) => reboundWs.once('error', () => r('refused')).once('open', () => r('open'))),
    ).toBe('refused');
    // A page on another site cannot open a conversation either.
    const foreign = new WebSocket(
      `${base.replace('http', 'ws')}/v1/convai/conversation?agent_id=pip`,
      ['convai'],
      {
        headers: { origin: 'https://evil.example' },
      },
    );
    expect(
      await new Promise((r) => foreign.once('error', () => r('refused')).once('open', () => r('open'))),
    ).toBe('refused');

    // A game tab still talking when the server stops: its conversation ends, it does not hold the exit.
    const held = new WebSocket(`${base.replace('http', 'ws')}/v1/convai/conversation?agent_id=pip`, [
      'convai',
    ]);
    await new Promise<void>((resolve, reject) => {
      held.once('open', () => held.send(JSON.stringify({ type: 'conversation_initiation_client_data' })));
      held.once('message', () => resolve());
      held.once('error', reject);
    });
    const heldClosed = new Promise<number>((r) => held.once('close', (code) => r(code)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000); // not the conversation's 60 s idle timeout
    expect(await heldClosed).toBeGreaterThanOrEqual(1000);
    expect(out.text).not.toContain(KEY);
  }, 60_000);

  it('explains a missing build instead of serving nothing', async () => {
    const child = spawn(TSX, [CLI, 'serve', join(tmpdir(), 'no-such-build'), '--port', '0'], {
      cwd: repoRoot,
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('no index.html');
    expect(err).toContain('npm run build');
  });
});
