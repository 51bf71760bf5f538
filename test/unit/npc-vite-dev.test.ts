import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { poll, until } from '../../harness/poll.js';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';
import WebSocket from 'ws';
import { voiceAgents } from '../../plugin/vite/index.js';
import { repoRoot } from '../../harness/repo.js';

// The dev server as `npm run dev` runs it: one process with the plugin, the local agent mounted on
// Vite's own port. Saving an NPC file changes what the next conversation's NPC says.
let dir: string;
let server: ViteDevServer;
let base: string;
const logged: string[] = [];
const said: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-dev-'));
  await cp(join(repoRoot, 'assets/npcs'), join(dir, 'npcs'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>dev</title>');
  server = await createServer({
    root: dir,
    configFile: false,
    customLogger: {
      info: (msg: string) => void said.push(msg),
      warn: () => undefined,
      warnOnce: () => undefined,
      error: (msg: string) => void logged.push(msg),
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    plugins: [voiceAgents({ npcDir: 'npcs', apiKey: '', localAgentOptions: { recognizer: 'none' } })],
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
}, 30_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a conversation with the local agent and returns the NPC's first line. */
async function greeting(npc: string): Promise<string> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/convai/conversation?agent_id=${npc}`, [
    'convai',
  ]);
  try {
    return await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'conversation_initiation_client_data' })));
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'agent_response') resolve(m.agent_response_event.agent_response);
      });
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('closed before a greeting')));
    });
  } finally {
    ws.close();
  }
}

describe('Vite dev server with the voiceAgents plugin', { timeout: 40_000 }, () => {
  it('mounts the local agent and the config endpoint on the dev server port, with no broker without a key', async () => {
    const config = await (await fetch(`${base}/voice-agents/config`)).json();
    expect(config).toMatchObject({ broker: null, localAgent: '/v1/convai/conversation' });
    const unsigned = await fetch(`${base}/voice-agents/signed-url?npc=mira`);
    expect(unsigned.status).toBe(503);
    expect((await unsigned.json()).error).toContain('ELEVENLABS_API_KEY');
    expect(await greeting('aldric')).toBe(
      'Ah... footsteps. The stars whispered you would come. Do you seek the Moonwell?',
    );
    // The page itself is still Vite's.
    expect(await (await fetch(`${base}/`)).text()).toContain('<title>dev</title>');
  });

  it('says what runs: the local agent (URL, voice, no recognizer and how to get one) and the broker (off, why)', async () => {
    await until(() => said.some((l) => l.includes('voice-agents broker:')), { timeout: 15_000 });
    const agentLine = said.find((l) => l.includes('voice-agents local agent:'))!;
    expect(agentLine).toContain(`${base.replace('http', 'ws')}/v1/convai/conversation`);
    expect(agentLine).toMatch(/voice (espeak-ng|babble)/);
    expect(agentLine).toContain('no speech recognizer, typing only (');
    expect(agentLine).toContain('apt-get install pocketsphinx');
    expect(said.find((l) => l.includes('voice-agents broker:'))).toContain('off (no ELEVENLABS_API_KEY');
  });

  it('gives the next conversation the saved NPC file, and keeps the last good one while the file is broken', async () => {
    const file = join(dir, 'npcs', 'pip.npc.yaml');
    const original = await readFile(file, 'utf8');
    expect(await greeting('pip')).toBe("Pip here. Want to hear what's left on your list?");
    await writeFile(file, original.replace(/first_message: .*/, 'first_message: Pip again. New list today.'));
    await poll(
      () => greeting('pip'),
      (v) => v === 'Pip again. New list today.',
      { what: "Pip's new greeting", timeout: 15_000, interval: 200 },
    );
    await writeFile(
      file,
      original.replace(/first_message: .*/, 'first_message: Never heard.').replace('rate: 200', 'rate: 9000'),
    );
    // The terminal running `npm run dev` names the file, line and problem…
    await poll(
      () => logged.join('\n'),
      (v) => /pip\.npc\.yaml:\d+:\d+ local\.voice\.rate must be between 80 and 450, got 9000/.test(v),
      { what: 'the terminal to name pip.npc.yaml, its line and the bad rate', timeout: 15_000, interval: 50 },
    );
    // …and conversations keep the last good version.
    expect(await greeting('pip')).toBe('Pip again. New list today.');
  }, 40_000);

  it("keeps a broken file's last good version when another NPC file is added", async () => {
    // pip.npc.yaml is still broken from the test above, and its last good version in use.
    expect(await greeting('pip')).toBe('Pip again. New list today.');
    await writeFile(
      join(dir, 'npcs', 'guard2.npc.yaml'),
      'name: Second Guard\nagent:\n  prompt: { text: You guard the bridge. }\n  first_message: Halt.\nlocal:\n  replies:\n    - when: [bridge]\n      say: Nobody crosses.\n  fallback: Move along.\n',
    );
    await poll(
      () => greeting('guard2'),
      (v) => v === 'Halt.',
      { what: "greeting('guard2') to be 'Halt.'", timeout: 15_000, interval: 200 },
    );
    expect(await greeting('pip')).toBe('Pip again. New list today.');
  }, 40_000);

  it('picks up a fixing save whose change event the file watcher lost, right after one it delivered', async () => {
    // A save is often a truncate then a write; the hot-reload browser test saw the second event
    // go missing (3 fixing saves in 105 never reached the page). Here the loss is made certain:
    // every watcher event for the file is swallowed for 50 ms after the fixing save, which lands
    // just after the broken save was compiled.
    const file = join(dir, 'npcs', 'mira.npc.yaml');
    const original = await readFile(file, 'utf8');
    const watcher = server.watcher as unknown as { emit(e: string, ...a: unknown[]): boolean };
    const realEmit = watcher.emit;
    let dropUntil = 0;
    watcher.emit = function (e: string, ...a: unknown[]) {
      if (a[0] === file && Date.now() < dropUntil) return false;
      return realEmit.call(this, e, ...a);
    };
    try {
      const before = logged.length;
      await writeFile(file, original.replace('name: Mira the Merchant', 'nme: Mira the Merchant'));
      await until(() => logged.slice(before).some((l) => l.includes('nme is not a known field')), {
        what: 'the broken save to be compiled',
        timeout: 10_000,
        interval: 0,
      });
      dropUntil = Date.now() + 50;
      await writeFile(file, original.replace(/first_message: .*/, 'first_message: Heard after all.'));
      await poll(
        () => greeting('mira'),
        (v) => v === 'Heard after all.',
        { what: "greeting('mira') to be 'Heard after all.'", timeout: 5_000, interval: 100 },
      );
    } finally {
      watcher.emit = realEmit;
      await writeFile(file, original);
    }
  }, 40_000);
});

describe('the dev server broker', { timeout: 40_000 }, () => {
  it('signs against ELEVENLABS_BASE_URL (another region, a test fake) like push and serve do, and says so', async () => {
    const asked: string[] = [];
    const upstream = http.createServer((req, res) => {
      asked.push(`${req.url} key=${req.headers['xi-api-key']}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ signed_url: 'wss://eu.example/v1/convai/conversation?conversation_signature=s' }),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const before = process.env.ELEVENLABS_BASE_URL;
    process.env.ELEVENLABS_BASE_URL = upstreamUrl;
    const lines: string[] = [];
    const dev = await createServer({
      root: dir,
      configFile: false,
      customLogger: {
        info: (msg: string) => void lines.push(msg),
        warn: () => undefined,
        warnOnce: () => undefined,
        error: () => undefined,
        clearScreen: () => undefined,
        hasErrorLogged: () => false,
        hasWarned: false,
      },
      plugins: [
        voiceAgents({
          npcDir: 'npcs',
          apiKey: 'test-key',
          localAgent: false,
          broker: { allowedAgentIds: ['agent_eu_1'] },
        }),
      ],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    try {
      await dev.listen();
      const devBase = dev.resolvedUrls!.local[0]!.replace(/\/$/, '');
      // As the game's page asks: same origin.
      const res = await fetch(`${devBase}/voice-agents/signed-url?agent_id=agent_eu_1`, {
        headers: { origin: devBase },
      });
      expect(res.status).toBe(200);
      expect(asked).toEqual(['/v1/convai/conversation/get-signed-url?agent_id=agent_eu_1 key=test-key']);
      await until(() => lines.some((l) => l.includes('voice-agents broker:')), { timeout: 10_000 });
      expect(lines.find((l) => l.includes('voice-agents broker:'))).toContain(
        `signing with ELEVENLABS_API_KEY at ${upstreamUrl}`,
      );
      expect(lines.find((l) => l.includes('voice-agents local agent:'))).toContain('local agent: off');
    } finally {
      if (before === undefined) delete process.env.ELEVENLABS_BASE_URL;
      else process.env.ELEVENLABS_BASE_URL = before;
      await dev.close();
      await new Promise((r) => upstream.close(r));
    }
  });
});
