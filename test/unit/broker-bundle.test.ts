import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { voiceAgents } from '../../plugin/vite/index.js';
import { packageAliases, repoRoot } from '../../harness/repo.js';

// Build a game that uses the browser entry and the NPC virtual module, with a sentinel API key in
// both the environment and .env, then search every output byte for it. A public canary variable set
// the same way must appear, which proves the env reached the build and the search would find a leak.
const KEY = 'sk_BUNDLE_SENTINEL_7d2e41b0';
const CANARY = 'public_canary_9a8b7c';
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

async function searchOutput(outDir: string): Promise<{ files: number; key: string[]; canary: string[] }> {
  const files = await allFiles(outDir);
  const key: string[] = [];
  const canary: string[] = [];
  for (const f of files) {
    const text = (await readFile(f)).toString('latin1');
    if (text.includes(KEY)) key.push(f);
    if (text.includes(CANARY)) canary.push(f);
  }
  return { files: files.length, key, canary };
}

describe('the API key never reaches the browser bundle', () => {
  it('a game built with the plugin and ELEVENLABS_API_KEY set contains no trace of the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npc-bundle-'));
    dirs.push(dir);
    await cp(join(repoRoot, 'assets/npcs'), join(dir, 'npcs'), { recursive: true });
    await writeFile(join(dir, '.env'), `ELEVENLABS_API_KEY=${KEY}\nVITE_CANARY=${CANARY}\n`);
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>',
    );
    await writeFile(
      join(dir, 'main.ts'),
      [
        "import * as voice from 'phaser-voice-agents';",
        "import { npcs, voiceAgentsEndpoints } from 'virtual:voice-agents/npcs';",
        "import mira from './npcs/mira.npc.yaml';",
        'console.log(Object.keys(voice).length, npcs.length, voiceAgentsEndpoints, mira.name, import.meta.env.VITE_CANARY);',
      ].join('\n'),
    );
    const saved = process.env.ELEVENLABS_API_KEY;
    process.env.ELEVENLABS_API_KEY = KEY;
    try {
      await build({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        envDir: dir,
        resolve: { alias: packageAliases() },
        plugins: [voiceAgents({ npcDir: join(dir, 'npcs'), localAgent: false })],
        build: { outDir: join(dir, 'out'), sourcemap: true, minify: true, chunkSizeWarningLimit: 100_000 },
      });
    } finally {
      if (saved === undefined) delete process.env.ELEVENLABS_API_KEY;
      else process.env.ELEVENLABS_API_KEY = saved;
    }
    const found = await searchOutput(join(dir, 'out'));
    expect(found.files).toBeGreaterThan(1);
    expect(found.canary.length).toBeGreaterThan(0);
    expect(found.key).toEqual([]);
    // The build knows a broker exists (its path), just not the key.
    const js = (await allFiles(join(dir, 'out'))).filter((f) => f.endsWith('.js'));
    const text = (await Promise.all(js.map((f) => readFile(f, 'utf8')))).join('\n');
    expect(text).toContain('/voice-agents/signed-url');
    expect(text).toContain('Mira the Merchant');
  }, 120_000);

  it('the sample game built with the repo vite.config.ts contains no trace of the key', async () => {
    // The sample game is part of the repo: if it is missing, this fails rather than skips.
    expect(existsSync(join(repoRoot, 'index.html'))).toBe(true);
    expect(existsSync(join(repoRoot, 'sample-game/main.ts'))).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'npc-bundle-game-'));
    dirs.push(dir);
    await mkdir(join(dir, 'out'));
    const saved = process.env.ELEVENLABS_API_KEY;
    process.env.ELEVENLABS_API_KEY = KEY;
    try {
      await build({
        root: repoRoot,
        configFile: join(repoRoot, 'vite.config.ts'),
        logLevel: 'silent',
        build: { outDir: join(dir, 'out'), emptyOutDir: true, sourcemap: true },
      });
    } finally {
      if (saved === undefined) delete process.env.ELEVENLABS_API_KEY;
      else process.env.ELEVENLABS_API_KEY = saved;
    }
    const found = await searchOutput(join(dir, 'out'));
    expect(found.files).toBeGreaterThan(1);
    expect(found.key).toEqual([]);
    // The build names the broker path its server will mount, and the NPC files were compiled in.
    const js = (await allFiles(join(dir, 'out'))).filter((f) => f.endsWith('.js'));
    const text = (await Promise.all(js.map((f) => readFile(f, 'utf8')))).join('\n');
    expect(text).toContain('/voice-agents/signed-url');
    expect(text).toContain('Mira the Merchant');
  }, 180_000);
});

describe('what NPCs know never reaches the browser bundle', () => {
  it('a production build of the sample game holds no prompt, greeting, offline reply, fallback or variable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npc-secrets-'));
    dirs.push(dir);
    await cp(join(repoRoot, 'assets/npcs'), join(dir, 'npcs'), { recursive: true });
    const SECRETS = {
      prompt: 'SENTINEL_PROMPT_51f0',
      greeting: 'SENTINEL_GREETING_aa31',
      reply: 'SENTINEL_REPLY_8c2d',
      fallback: 'SENTINEL_FALLBACK_77e1',
      variable: 'SENTINEL_VAR_4bb0',
    };
    const file = join(dir, 'npcs', 'mira.npc.yaml');
    const mira = (await readFile(file, 'utf8'))
      .replace('You are Mira,', `You are Mira (${SECRETS.prompt}),`)
      .replace(/first_message: .*/, `first_message: Welcome! ${SECRETS.greeting}`)
      .replace(/say: A lantern is fifteen gold\./, `say: A lantern is fifteen gold. ${SECRETS.reply}`)
      .replace(/fallback: .*/, `fallback: ${SECRETS.fallback}`)
      .replace(/shop_name: .*/, `shop_name: ${SECRETS.variable}`);
    for (const s of Object.values(SECRETS)) expect(mira).toContain(s);
    await writeFile(file, mira);
    await build({
      root: repoRoot,
      configFile: false,
      logLevel: 'silent',
      resolve: { alias: packageAliases() },
      plugins: [voiceAgents({ npcDir: join(dir, 'npcs'), localAgent: false })],
      build: { outDir: join(dir, 'out'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 100_000 },
    });
    const files = await allFiles(join(dir, 'out'));
    const text = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
    for (const [what, s] of Object.entries(SECRETS)) expect(text.includes(s), what).toBe(false);
    // What the game needs is there: the NPC, its look and the tools it may call.
    expect(text).toContain('Mira the Merchant');
    expect(text).toContain('open_shop');
    expect(text).toContain('#fff4dc');
  }, 180_000);
});
