import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/browser.js';
import { formatNpcError } from '../../plugin/npc/index.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';

// The real CLI in a child process (tsx over the sources), as a level designer runs it.
const TSX = join(repoRoot, 'node_modules/.bin/tsx');
const CLI = join(repoRoot, 'plugin/server/cli.ts');
const KEY = 'sk_CLI_SENTINEL_0c4f2e';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd,
      env: { ...process.env, ELEVENLABS_API_KEY: undefined, ELEVENLABS_BASE_URL: undefined, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const temps: string[] = [];
async function tempCopyOfNpcs(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'npc-cli-'));
  temps.push(dir);
  await cp(join(repoRoot, 'assets/npcs'), dir, { recursive: true });
  return dir;
}
afterAll(async () => {
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

// Each test spawns tsx a few times; on a loaded 2-core machine a spawn can take seconds.
describe('voice-agents validate', { timeout: 60_000 }, () => {
  it('passes the sample NPCs', async () => {
    const r = await cli(['validate', 'assets/npcs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('4 NPC files OK: aldric, brenna, mira, pip\n');
  });

  it('lists every error of the broken corpus as file:line:column message and exits 1', async () => {
    const r = await cli(['validate', 'test/fixtures/npc-broken']);
    expect(r.code).toBe(1);
    const expected = (
      await loadNpcDir(join(repoRoot, 'test/fixtures/npc-broken'), { cwd: repoRoot })
    ).errors.map(formatNpcError);
    expect(expected.length).toBeGreaterThan(30);
    const lines = r.stdout.trim().split('\n');
    for (const line of expected) expect(lines).toContain(line);
    expect(lines).toContain(
      'test/fixtures/npc-broken/out-of-range.npc.yaml:5:34 agent.voice.voice_settings.stability must be between 0 and 1, got 1.5',
    );
    expect(lines.at(-1)).toBe(`${expected.length} errors in 14 of 14 files`);
  });

  it('fails on a missing folder, an empty folder and a bad option', async () => {
    const missing = await cli(['validate', 'no/such/dir']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no/such/dir:1:1 folder not found');
    const empty = await mkdtemp(join(tmpdir(), 'npc-empty-'));
    temps.push(empty);
    const none = await cli(['validate', empty]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no NPC files');
    expect((await cli(['validate', '--frobnicate'])).code).toBe(2);
  });

  it('checks the NPC layer of Tiled maps with --map', async () => {
    const ok = await cli(['validate', 'assets/npcs', '--map', 'assets/maps/village.json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('4 NPC files and 1 map OK: aldric, brenna, mira, pip\n');
    const dir = await mkdtemp(join(tmpdir(), 'npc-map-'));
    temps.push(dir);
    const text = await readFile(join(repoRoot, 'assets/maps/village.json'), 'utf8');
    await writeFile(join(dir, 'village.json'), text.replace('"name": "pip"', '"name": "pipp"'));
    const bad = await cli(['validate', 'assets/npcs', '--map', join(dir, 'village.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /village\.json:\d+:\d+ Tiled layer "npcs", object 2 names NPC "pipp", which has no NPC file \(pipp\.npc\.yaml\); did you mean pip\?/,
    );
  });

  it('prints machine-readable JSON with --json', async () => {
    const r = await cli(['validate', 'test/fixtures/npc-broken/dupes', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors.map((e: { code: string }) => e.code)).toEqual(['duplicate-id', 'duplicate-id']);
  });
});

describe('voice-agents push (against a local fake of the ElevenLabs REST API)', { timeout: 90_000 }, () => {
  let server: Server;
  let base: string;
  let requests: { method: string; url: string; key: string | undefined; body: any }[];
  let failFor: string | undefined;
  let created = 0;

  beforeEach(async () => {
    requests = [];
    failFor = undefined;
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        const body = raw ? JSON.parse(raw) : undefined;
        requests.push({ method: req.method!, url: req.url!, key: req.headers['xi-api-key'] as string, body });
        if (failFor && body?.name === failFor) {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: `invalid voice for key ${KEY}` }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.method === 'POST' && req.url === '/v1/convai/agents/create')
          res.end(JSON.stringify({ agent_id: `agent_${++created}` }));
        else res.end(JSON.stringify({ agent_id: req.url!.split('/').pop() }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
  });

  it('creates one agent per file, writes the ids back keeping comments, then sends nothing when unchanged', async () => {
    const dir = await tempCopyOfNpcs();
    const before = await readFile(join(dir, 'mira.npc.yaml'), 'utf8');
    const r = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(requests.map((q) => `${q.method} ${q.url}`)).toEqual(
      Array(4).fill('POST /v1/convai/agents/create'),
    );
    expect(requests.every((q) => q.key === KEY)).toBe(true);
    const mira = requests.find((q) => q.body.name === 'Mira the Merchant')!;
    expect(mira.body.conversation_config).toMatchObject({
      agent: {
        first_message: "Welcome to Mira's Wares, traveller! Looking for potions, or perhaps a lantern?",
        language: 'en',
        prompt: { temperature: 0.6, max_tokens: 120 },
      },
      tts: {
        voice_id: '21m00Tcm4TlvDq8ikWAM',
        model_id: 'eleven_turbo_v2_5',
        stability: 0.55,
        similarity_boost: 0.75,
      },
      asr: { keywords: ['Mira', 'potion', 'lantern', 'rope', 'Aldric', 'Thornbury'] },
    });
    expect(mira.body.conversation_config.agent.prompt.prompt).toMatch(/^You are Mira, the shopkeeper/);

    const after = await readFile(join(dir, 'mira.npc.yaml'), 'utf8');
    const miraId = /agent_id: '(agent_\d+)'/.exec(after)?.[1];
    expect(miraId).toBeDefined();
    // Only the agent_id line changed; comments and the schema line are kept.
    const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
    expect(changed).toEqual([`  agent_id: '${miraId}'`]);
    expect(r.stdout).toContain(`created   mira         Mira the Merchant → ${miraId}`);
    expect(r.stdout).not.toContain(KEY);

    const again = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY });
    expect(again.code).toBe(0);
    expect(requests).toHaveLength(4);
    expect(again.stdout.match(/^unchanged /gm)).toHaveLength(4);

    // Game-only edits (proximity, bubble, local replies) do not touch the agent.
    await writeFile(join(dir, 'mira.npc.yaml'), after.replace('radius: 96', 'radius: 90'));
    expect((await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY })).code).toBe(0);
    expect(requests).toHaveLength(4);

    // A prompt edit: --dry-run shows the field diff and sends nothing; push sends one PATCH.
    await writeFile(join(dir, 'mira.npc.yaml'), after.replace('temperature: 0.6', 'temperature: 0.9'));
    const dry = await cli(['push', dir, '--dry-run', '--base-url', base]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would update mira         Mira the Merchant (${miraId})`);
    expect(dry.stdout).toContain('    ~ conversation_config.agent.prompt.temperature: 0.6 → 0.9');
    expect(dry.stdout.match(/^ {4}[~+-] /gm)).toHaveLength(1);
    expect(requests).toHaveLength(4);
    const upd = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY });
    expect(upd.code).toBe(0);
    expect(requests.slice(4).map((q) => `${q.method} ${q.url}`)).toEqual([
      `PATCH /v1/convai/agents/${miraId}`,
    ]);
    expect(requests[4]!.body.conversation_config.agent.prompt.temperature).toBe(0.9);
  });

  it('reports a refused NPC without the key, carries on with the others, and exits 1', async () => {
    const dir = await tempCopyOfNpcs();
    failFor = 'Pip the Assistant';
    const r = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'failed    pip          Pip the Assistant: HTTP 422: invalid voice for key [redacted]',
    );
    expect(r.stderr + r.stdout).not.toContain(KEY);
    expect(r.stdout).toContain('3 sent, 0 unchanged, 1 failed');
    expect(await readFile(join(dir, 'pip.npc.yaml'), 'utf8')).toContain("agent_id: ''");
    // The next run only retries the one that failed.
    failFor = undefined;
    const retry = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: KEY });
    expect(retry.code).toBe(0);
    expect(requests.slice(4).map((q) => q.body.name)).toEqual(['Pip the Assistant']);
  });

  it('refuses to push without a key or with broken files, sending nothing', async () => {
    const dir = await tempCopyOfNpcs();
    const noKey = await cli(['push', dir, '--base-url', base], { ELEVENLABS_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('ELEVENLABS_API_KEY is not set');
    const broken = await cli(['push', 'test/fixtures/npc-broken', '--base-url', base], {
      ELEVENLABS_API_KEY: KEY,
    });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('nothing pushed');
    expect(requests).toHaveLength(0);
  });

  it('reads the key from .env in the working directory', async () => {
    const dir = await tempCopyOfNpcs();
    await writeFile(join(dir, '.env'), `# secrets\nELEVENLABS_API_KEY="${KEY}"\n`);
    const r = await cli(['push', '.', '--base-url', base], {}, dir);
    expect(r.code).toBe(0);
    expect(requests.every((q) => q.key === KEY)).toBe(true);
  });
});

describe('writing agent ids back into NPC files', () => {
  it('changes only the agent_id text, adds the line when missing, and copes with flow style', async () => {
    const { withAgentId } = await import('../../plugin/server/commands/push.js');
    const quoted = '# c\nname: A\nagent:\n  agent_id: ""  # filled by push\n  prompt: { text: hi }\n';
    expect(withAgentId(quoted, 'agent_9')).toBe(
      '# c\nname: A\nagent:\n  agent_id: "agent_9"  # filled by push\n  prompt: { text: hi }\n',
    );
    const missing = 'name: A\nagent:\n    # the persona\n    prompt: { text: hi }\n';
    expect(withAgentId(missing, 'agent_9')).toBe(
      'name: A\nagent:\n    agent_id: agent_9\n    # the persona\n    prompt: { text: hi }\n',
    );
    const flow = 'name: A # who\nagent: { prompt: { text: hi } }\n';
    const out = withAgentId(flow, 'agent_9');
    expect(out).toContain('# who');
    expect(out).toContain('agent_id: agent_9');
  });
});
