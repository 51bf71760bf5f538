/**
 * A game developer's first contact (issue 13.2), done the way they do it: the package as `npm pack`
 * makes it, a fresh Vite + TypeScript project for Phaser 4 and for Phaser 3.90, exactly the README's
 * install line, and the README's code blocks read from README.md now. Then strict `tsc --noEmit`
 * passes, `vite` starts and says what it runs, and in Chromium the NPC greets the player with no URL
 * anywhere in the game's code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../harness/browser.js';
import { repoRoot } from '../../harness/repo.js';
import { compileNpcFile } from '../../plugin/npc/index.js';
import { poll, until } from '../../harness/poll.js';

const SECTION = '## Talking NPCs in your Phaser scene';

/** The fenced blocks of the README section a developer starts from, by language, in order. */
function readmeBlocks(): { sh: string[]; ts: string[] } {
  const lines = readFileSync(`${repoRoot}README.md`, 'utf8').split('\n');
  const start = lines.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}"`);
  const out = { sh: [] as string[], ts: [] as string[] };
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    const m = /^```(sh|ts)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    while (++i < lines.length && lines[i]!.trim() !== '```') body.push(lines[i]!);
    out[m[1] as 'sh' | 'ts'].push(body.join('\n'));
  }
  return out;
}

const run = (cmd: string, cwd: string, timeout = 300_000) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile('sh', ['-c', cmd], { cwd, timeout, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    );
  });

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Vite's own vanilla-ts template settings, strict. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    useDefineForClassFields: true,
    module: 'ESNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    moduleDetection: 'force',
    noEmit: true,
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ['src'],
};

let work: string;
let tarball: string;
let browser: Browser;
const servers: ChildProcess[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'fresh-game-'));
  // What `npm publish` would upload (prepack builds the library first).
  const packed = await run(`npm pack --silent --pack-destination ${work}`, repoRoot);
  expect(packed.code, packed.out).toBe(0);
  tarball = join(
    work,
    readdirSync(work).find((f) => f.endsWith('.tgz'))!,
  );
  browser = await launchBrowser();
}, 300_000);

/** Stops a dev server started by npx, with the vite process under it. */
function stop(p: ChildProcess): void {
  try {
    if (p.pid !== undefined) process.kill(-p.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

afterAll(async () => {
  const exited = servers.map((s) =>
    s.exitCode !== null || s.signalCode !== null ? null : new Promise((r) => s.once('exit', r)),
  );
  for (const s of servers) stop(s);
  await Promise.all(exited);
  await browser?.close();
  // A dev server's last writes (its dependency cache) can still land while the folder goes.
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe.each(['4', '3.90'])('a fresh Vite + TypeScript game with Phaser %s, from the README', (phaser) => {
  it('type-checks strictly, starts, says what it runs, and Mira greets the player', async () => {
    const { sh, ts } = readmeBlocks();
    const install = sh[0]!.split('\n').find((l) => l.startsWith('npm install'))!;
    const viteConfig = ts.find((b) => b.startsWith('// vite.config.ts'))!;
    const main = ts.find((b) => b.startsWith('// src/main.ts'))!;
    expect(install && viteConfig && main).toBeTruthy();

    const dir = join(work, `game-phaser-${phaser}`);
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'assets/npcs'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'fresh-game', private: true, type: 'module' }),
    );
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>\n',
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(dir, 'src/vite-env.d.ts'), '/// <reference types="vite/client" />\n');
    cpSync(join(repoRoot, 'assets/npcs/mira.npc.yaml'), join(dir, 'assets/npcs/mira.npc.yaml'));
    writeFileSync(join(dir, 'vite.config.ts'), viteConfig);
    writeFileSync(join(dir, 'src/main.ts'), main);

    // The template's own tools, then exactly the README's line (the package from the tarball; for
    // Phaser 3 the developer picks that major).
    const template = await run(
      'npm install --no-audit --no-fund --prefer-offline -D vite typescript@~5.9',
      dir,
    );
    expect(template.code, template.out).toBe(0);
    const line = install
      .replace('phaser-voice-agents', tarball)
      .replace(/ phaser /, phaser === '4' ? ' phaser ' : ' phaser@~3.90.0 ')
      .replaceAll('npm install', 'npm install --no-audit --no-fund --prefer-offline');
    const installed = await run(line, dir);
    expect(installed.code, installed.out).toBe(0);

    const tsc = await run('npx tsc --noEmit -p .', dir, 120_000);
    expect(tsc.out).toBe('');
    expect(tsc.code).toBe(0);

    const port = await freePort();
    // Its own process group: npx starts vite as a child, and stopping must stop both.
    const vite = spawn('npx', ['vite', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
      cwd: dir,
      detached: true,
      env: { ...process.env, ELEVENLABS_API_KEY: '', VOICE_AGENTS_ASR: 'none' },
    });
    servers.push(vite);
    let said = '';
    vite.stdout.on('data', (d) => (said += d));
    vite.stderr.on('data', (d) => (said += d));
    await until(() => said.includes('voice-agents broker:'), {
      what: 'the dev server to say what it runs',
      timeout: 60_000,
      interval: 100,
      context: () => said,
    });
    // The same host as Vite's own "Local:" line (the server was started with --host 127.0.0.1). Vite
    // colours its lines when it thinks a terminal reads them (CI=true does): compare the plain text.
    said = said.replace(/\x1b\[[0-9;]*m/g, '');
    expect(said).toContain(`Local:   http://127.0.0.1:${port}/`);
    expect(said).toContain(`voice-agents local agent: ws://127.0.0.1:${port}/v1/convai/conversation`);
    expect(said).toContain('voice-agents broker: off');
    // The dev server wrote the NPC files' tool types into src/; the project still type-checks with them.
    const toolTypes = join(dir, 'src/voice-agents-tools.d.ts');
    await poll(
      () => existsSync(toolTypes),
      (v) => v === true,
      { what: 'existsSync(toolTypes) to be true', timeout: 30_000, interval: 50 },
    );
    expect(readFileSync(toolTypes, 'utf8')).toContain("declare module 'phaser-voice-agents'");
    const tscAgain = await run('npx tsc --noEmit -p .', dir, 120_000);
    expect(tscAgain.out).toBe('');
    expect(tscAgain.code).toBe(0);

    const greeting = compileNpcFile(
      readFileSync(join(dir, 'assets/npcs/mira.npc.yaml'), 'utf8'),
      'mira.npc.yaml',
    );
    if (!greeting.ok) throw new Error('mira.npc.yaml does not compile');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const frames: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/v1/convai/conversation'))
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await poll(
      () => frames.some((f) => f.includes('"agent_response"')),
      (v) => v === true,
      { what: 'the greeting (agent_response) on the socket', timeout: 60_000, interval: 50 },
    );
    const response = JSON.parse(frames.find((f) => f.includes('"agent_response"'))!);
    expect(response.agent_response_event.agent_response).toBe(greeting.npc.agent.first_message);
    expect(errors).toEqual([]);
    await page.close();
    stop(vite);
  }, 600_000);
});
