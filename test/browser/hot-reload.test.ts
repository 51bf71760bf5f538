import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../harness/browser.js';
import { packageAliases, repoRoot } from '../../harness/repo.js';
import { watchPage } from '../helpers/browser.js';
import { voiceAgents } from '../../plugin/vite/index.js';

// Real Vite dev server (HMR on) with the plugin over a temp copy of an NPC file, real Chromium.
// Asserts what a level designer sees: save → the running page shows the new text without a reload;
// save a broken file → Vite's overlay names the line and the problem, the page keeps the last good text.

let dir: string;
let file: string;
let original: string;
let server: ViteDevServer;
let browser: Browser;
let page: Page;
let base: string;
/** What the dev server logged as errors (an NPC file's own errors are expected there; crashes are not). */
const serverErrors: string[] = [];

const pageUrl = () =>
  `${base}/test/browser/pages/hot-reload/index.html?file=${encodeURIComponent(`/@fs${file}`)}`;

async function text(id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent()) ?? '';
}

async function overlayText(): Promise<string | null> {
  return page.evaluate(() => {
    const o = document.querySelector('vite-error-overlay');
    return o?.shadowRoot?.textContent ?? null;
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-hot-'));
  await mkdir(join(dir, 'npcs'));
  file = join(dir, 'npcs', 'mira.npc.yaml');
  original = await readFile(join(repoRoot, 'assets/npcs/mira.npc.yaml'), 'utf8');
  await writeFile(file, original);
  server = await createServer({
    root: repoRoot,
    configFile: false,
    customLogger: {
      info: () => undefined,
      warn: () => undefined,
      warnOnce: () => undefined,
      error: (msg: string) => void serverErrors.push(msg),
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    resolve: { alias: packageAliases() },
    plugins: [voiceAgents({ npcDir: join(dir, 'npcs'), localAgent: false })],
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [repoRoot, dir] } },
  });
  await server.listen();
  base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  browser = await launchBrowser();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('NPC file hot reload in the running page', () => {
  it('applies a saved prompt file without reloading, and keeps the last good version while it is broken', async () => {
    const { errors } = watchPage(page);
    await page.goto(pageUrl());
    await page.waitForFunction(() => window.__ready === true && window.__directIsHeld !== undefined);
    expect(await text('first')).toBe('Mira the Merchant');
    expect(await page.evaluate(() => window.__directIsHeld)).toBe(true);
    const loadId = await page.evaluate(() => window.__loadId);

    // 1. A good edit shows up live.
    await writeFile(file, original.replace(/^name: .*/m, 'name: Fresh stock just arrived!'));
    await expect.poll(() => text('first'), { timeout: 15_000 }).toBe('Fresh stock just arrived!');
    expect(await text('direct')).toBe('Fresh stock just arrived!');
    expect(await page.evaluate(() => window.__sameObject)).toBe(true);
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
    // The watcher reporting the same save again (it does, on a loaded machine) is not an update.
    await expect.poll(() => text('updates'), { timeout: 15_000 }).toBe('1');
    server.watcher.emit('change', file);
    await new Promise((r) => setTimeout(r, 500)); // an update would take a few ms; nothing to poll for
    expect(await text('updates')).toBe('1');

    // 2. A broken edit: the overlay points at the line, the page keeps the last good value.
    const broken = original
      .replace(/^name: .*/m, 'name: This must never show')
      .replace('stability: 0.55', 'stability: 1.5');
    await writeFile(file, broken);
    const brokenLine = broken.split('\n').findIndex((l) => l.includes('stability: 1.5')) + 1;
    await expect
      .poll(overlayText, { timeout: 15_000 })
      .toContain('agent.voice.voice_settings.stability must be between 0 and 1, got 1.5');
    const overlay = (await overlayText())!;
    expect(overlay).toContain(`mira.npc.yaml:${brokenLine}:`);
    expect(overlay).toContain('stability: 1.5'); // the code frame shows the offending line
    await expect.poll(() => text('error'), { timeout: 15_000 }).toContain(`${brokenLine}:`);
    expect(await text('error')).toContain('stability must be between 0 and 1, got 1.5');
    expect(await text('first')).toBe('Fresh stock just arrived!');
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);

    // 3. Fixing it applies the new text, closes the overlay, still without a reload.
    await writeFile(file, original.replace(/^name: .*/m, 'name: Fixed and friendly.'));
    await expect.poll(() => text('first'), { timeout: 15_000 }).toBe('Fixed and friendly.');
    await expect.poll(overlayText, { timeout: 15_000 }).toBeNull();
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
    expect(await text('updates')).toBe('2');
    expect(errors.filter((e) => !e.includes('[vite]') && !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('recovers without a reload when the very first save after loading is broken', async () => {
    // Vite reloads the page when its first update arrives while an error overlay is open; the
    // plugin closes its own overlay first so the running game survives a broken-then-fixed save.
    await writeFile(file, original);
    await page.goto(pageUrl());
    await page.waitForFunction(() => window.__ready === true);
    expect(await text('first')).toBe('Mira the Merchant');
    const loadId = await page.evaluate(() => window.__loadId);
    await writeFile(file, original.replace('name: Mira the Merchant', 'nme: Mira the Merchant'));
    await expect
      .poll(overlayText, { timeout: 15_000 })
      .toContain('nme is not a known field; did you mean name?');
    await writeFile(file, original.replace(/^name: .*/m, 'name: Back in business.'));
    await expect.poll(() => text('first'), { timeout: 15_000 }).toBe('Back in business.');
    expect(await overlayText()).toBeNull();
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
  });

  it('shows a new broken NPC file in the overlay and adds the NPC once it is fixed', async () => {
    await writeFile(file, original);
    await page.goto(pageUrl());
    await page.waitForFunction(() => window.__ready === true);
    expect(await text('count')).toBe('1');
    const guard = join(dir, 'npcs', 'guard.npc.yaml');
    await writeFile(
      guard,
      'name: Gate Guard\nagent:\n  prompt: { text: You guard the gate. }\n  langauge: en\n',
    );
    // A new file reloads the NPC list; the overlay names the problem in the new file.
    await expect
      .poll(overlayText, { timeout: 15_000 })
      .toContain('guard.npc.yaml:4:3 agent.langauge is not a known field in agent; did you mean language?');
    // The page's own list comes by the module update, a separate message from Vite's overlay.
    await expect.poll(() => text('fileErrors'), { timeout: 15_000 }).toBe('1');
    expect(await text('count')).toBe('1');
    await writeFile(
      guard,
      'name: Gate Guard\nagent:\n  prompt: { text: You guard the gate. }\n  language: en\n',
    );
    await expect.poll(() => text('count'), { timeout: 15_000 }).toBe('2');
    expect(await text('fileErrors')).toBe('0');
    expect(await overlayText()).toBeNull();
  });

  it('a refresh while a file is broken still starts the page: with the last good version, or a silent stand-in', async () => {
    await writeFile(file, original);
    await page.goto(pageUrl());
    await page.waitForFunction(() => window.__ready === true && window.__directIsHeld !== undefined);
    const greeting = await text('first');
    // Earlier tests may have left good NPC files beside Mira: count from what is there now.
    const good = Number(await text('count'));
    const count = (more: number) => String(good + more);
    await writeFile(file, original.replace('stability: 0.55', 'stability: 1.5'));
    await expect
      .poll(overlayText, { timeout: 15_000 })
      .toContain('stability must be between 0 and 1, got 1.5');

    // 1. Refresh: no HTTP 500, the game starts with the last good version, and hears why.
    await page.reload();
    await page.waitForFunction(() => window.__ready === true && window.__directIsHeld !== undefined);
    expect(await text('first')).toBe(greeting);
    expect(await text('count')).toBe(count(0));
    // Its onNpcError listener subscribed after the module ran: the current error is replayed to it.
    await expect
      .poll(() => text('error'), { timeout: 15_000 })
      .toContain('stability must be between 0 and 1, got 1.5');
    await expect.poll(overlayText, { timeout: 15_000 }).toContain('the game keeps the last good version');
    await writeFile(file, original.replace(/^name: .*/m, 'name: Mended.'));
    await expect.poll(() => text('first'), { timeout: 15_000 }).toBe('Mended.');
    await expect.poll(overlayText, { timeout: 15_000 }).toBeNull();

    // 2. A file broken since the server first saw it: a stand-in that says why, until it is fixed.
    const warden = join(dir, 'npcs', 'warden.npc.yaml');
    await writeFile(warden, 'name: Warden\nagent:\n  prompt: { text: You keep watch. }\n  langauge: en\n');
    const wardenUrl = `${base}/test/browser/pages/hot-reload/index.html?file=${encodeURIComponent(`/@fs${warden}`)}`;
    await expect
      .poll(
        async () => {
          await page.goto(wardenUrl);
          await page.waitForFunction(
            () => window.__ready === true && window.__directUnavailable !== undefined,
          );
          return page.evaluate(() => window.__directUnavailable);
        },
        { timeout: 15_000 },
      )
      .toContain('warden.npc.yaml:4:3');
    expect(await text('count')).toBe(count(0)); // the NPC list holds only the good files
    await expect
      .poll(overlayText, { timeout: 15_000 })
      .toContain('this NPC stays silent until the file is fixed');
    await writeFile(warden, 'name: Warden\nagent:\n  prompt: { text: You keep watch. }\n  language: en\n');
    await expect.poll(() => page.evaluate(() => window.__directUnavailable), { timeout: 15_000 }).toBeNull();
    await expect.poll(() => text('count'), { timeout: 15_000 }).toBe(count(1));

    // 3. Deleted while the server runs: the list shrinks, the server does not crash on the missing file.
    await page.goto(pageUrl());
    await page.waitForFunction(() => window.__ready === true);
    const before = serverErrors.length;
    await unlink(warden);
    await expect.poll(() => text('count'), { timeout: 15_000 }).toBe(count(0));
    expect(serverErrors.slice(before).filter((e) => /ENOENT|Internal server error/.test(e))).toEqual([]);
  });
});
