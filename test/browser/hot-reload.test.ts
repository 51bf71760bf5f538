import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { poll, pollPage } from '../../harness/poll.js';
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

/** Waits for what the page (or Vite's overlay) shows: a hot update takes a moment to arrive. */
const untilPage = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string) =>
  poll(read, ok, { what, timeout: 15_000, interval: 50 });

/** The page has run its module (window.__ready); 30 s, as Playwright's wait gave it before. */
const untilReady = () =>
  pollPage(
    page,
    () => window.__ready,
    (r) => r === true,
    {
      what: 'the page to set window.__ready',
      timeout: 30_000,
    },
  );

/** Ready, and the page has said whether the NPC it imports directly is held (a boolean). */
const untilReadyAndHeld = () =>
  pollPage(
    page,
    () => ({ ready: window.__ready, held: window.__directIsHeld }),
    (s) => s.ready === true && s.held !== undefined,
    { what: 'the page to set window.__ready and window.__directIsHeld', timeout: 30_000 },
  );

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
    await untilReadyAndHeld();
    expect(await text('first')).toBe('Mira the Merchant');
    expect(await page.evaluate(() => window.__directIsHeld)).toBe(true);
    const loadId = await page.evaluate(() => window.__loadId);

    // 1. A good edit shows up live.
    await writeFile(file, original.replace(/^name: .*/m, 'name: Fresh stock just arrived!'));
    await untilPage(
      () => text('first'),
      (v) => v === 'Fresh stock just arrived!',
      "text('first') to be 'Fresh stock just arrived!'",
    );
    expect(await text('direct')).toBe('Fresh stock just arrived!');
    expect(await page.evaluate(() => window.__sameObject)).toBe(true);
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
    // The watcher reporting the same save again (it does, on a loaded machine) is not an update.
    await untilPage(
      () => text('updates'),
      (v) => v === '1',
      "text('updates') to be '1'",
    );
    server.watcher.emit('change', file);
    await new Promise((r) => setTimeout(r, 500)); // an update would take a few ms; nothing to poll for
    expect(await text('updates')).toBe('1');

    // 2. A broken edit: the overlay points at the line, the page keeps the last good value.
    const broken = original
      .replace(/^name: .*/m, 'name: This must never show')
      .replace('stability: 0.55', 'stability: 1.5');
    await writeFile(file, broken);
    const brokenLine = broken.split('\n').findIndex((l) => l.includes('stability: 1.5')) + 1;
    await untilPage(
      overlayText,
      (v) => !!v?.includes('agent.voice.voice_settings.stability must be between 0 and 1, got 1.5'),
      'the overlay or page to say "agent.voice.voice_settings.stability must be between 0 and 1, got 1.5"',
    );
    const overlay = (await overlayText())!;
    expect(overlay).toContain(`mira.npc.yaml:${brokenLine}:`);
    expect(overlay).toContain('stability: 1.5'); // the code frame shows the offending line
    await untilPage(
      () => text('error'),
      (v) => !!v?.includes(`${brokenLine}:`),
      `text('error') to contain ${brokenLine}:`,
    );
    expect(await text('error')).toContain('stability must be between 0 and 1, got 1.5');
    expect(await text('first')).toBe('Fresh stock just arrived!');
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);

    // 3. Fixing it applies the new text, closes the overlay, still without a reload.
    await writeFile(file, original.replace(/^name: .*/m, 'name: Fixed and friendly.'));
    await untilPage(
      () => text('first'),
      (v) => v === 'Fixed and friendly.',
      "text('first') to be 'Fixed and friendly.'",
    );
    await untilPage(overlayText, (v) => v === null, 'overlayText to be null');
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
    expect(await text('updates')).toBe('2');
    expect(errors.filter((e) => !e.includes('[vite]') && !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('recovers without a reload when the very first save after loading is broken', async () => {
    // Vite reloads the page when its first update arrives while an error overlay is open; the
    // plugin closes its own overlay first so the running game survives a broken-then-fixed save.
    await writeFile(file, original);
    await page.goto(pageUrl());
    await untilReady();
    expect(await text('first')).toBe('Mira the Merchant');
    const loadId = await page.evaluate(() => window.__loadId);
    await writeFile(file, original.replace('name: Mira the Merchant', 'nme: Mira the Merchant'));
    await untilPage(
      overlayText,
      (v) => !!v?.includes('nme is not a known field; did you mean name?'),
      'the overlay or page to say "nme is not a known field; did you mean name?"',
    );
    await writeFile(file, original.replace(/^name: .*/m, 'name: Back in business.'));
    await untilPage(
      () => text('first'),
      (v) => v === 'Back in business.',
      "text('first') to be 'Back in business.'",
    );
    expect(await overlayText()).toBeNull();
    expect(await page.evaluate(() => window.__loadId)).toBe(loadId);
  });

  it('shows a new broken NPC file in the overlay and adds the NPC once it is fixed', async () => {
    await writeFile(file, original);
    await page.goto(pageUrl());
    await untilReady();
    expect(await text('count')).toBe('1');
    const guard = join(dir, 'npcs', 'guard.npc.yaml');
    await writeFile(
      guard,
      'name: Gate Guard\nagent:\n  prompt: { text: You guard the gate. }\n  langauge: en\n',
    );
    // A new file reloads the NPC list; the overlay names the problem in the new file.
    await untilPage(
      overlayText,
      (v) =>
        !!v?.includes(
          'guard.npc.yaml:4:3 agent.langauge is not a known field in agent; did you mean language?',
        ),
      'the overlay or page to say "guard.npc.yaml:4:3 agent.langauge is not a known field in agent; did you mean language?"',
    );
    // The page's own list comes by the module update, a separate message from Vite's overlay.
    await untilPage(
      () => text('fileErrors'),
      (v) => v === '1',
      "text('fileErrors') to be '1'",
    );
    expect(await text('count')).toBe('1');
    await writeFile(
      guard,
      'name: Gate Guard\nagent:\n  prompt: { text: You guard the gate. }\n  language: en\n',
    );
    await untilPage(
      () => text('count'),
      (v) => v === '2',
      "text('count') to be '2'",
    );
    expect(await text('fileErrors')).toBe('0');
    expect(await overlayText()).toBeNull();
  });

  it('a refresh while a file is broken still starts the page: with the last good version, or a silent stand-in', async () => {
    await writeFile(file, original);
    await page.goto(pageUrl());
    await untilReadyAndHeld();
    const greeting = await text('first');
    // Earlier tests may have left good NPC files beside Mira: count from what is there now.
    const good = Number(await text('count'));
    const count = (more: number) => String(good + more);
    await writeFile(file, original.replace('stability: 0.55', 'stability: 1.5'));
    await untilPage(
      overlayText,
      (v) => !!v?.includes('stability must be between 0 and 1, got 1.5'),
      'the overlay or page to say "stability must be between 0 and 1, got 1.5"',
    );

    // 1. Refresh: no HTTP 500, the game starts with the last good version, and hears why.
    await page.reload();
    await untilReadyAndHeld();
    expect(await text('first')).toBe(greeting);
    expect(await text('count')).toBe(count(0));
    // Its onNpcError listener subscribed after the module ran: the current error is replayed to it.
    await untilPage(
      () => text('error'),
      (v) => !!v?.includes('stability must be between 0 and 1, got 1.5'),
      'the overlay or page to say "stability must be between 0 and 1, got 1.5"',
    );
    await untilPage(
      overlayText,
      (v) => !!v?.includes('the game keeps the last good version'),
      "overlayText to contain 'the game keeps the last good version'",
    );
    await writeFile(file, original.replace(/^name: .*/m, 'name: Mended.'));
    await untilPage(
      () => text('first'),
      (v) => v === 'Mended.',
      "text('first') to be 'Mended.'",
    );
    await untilPage(overlayText, (v) => v === null, 'overlayText to be null');

    // 2. A file broken since the server first saw it: a stand-in that says why, until it is fixed.
    const warden = join(dir, 'npcs', 'warden.npc.yaml');
    await writeFile(warden, 'name: Warden\nagent:\n  prompt: { text: You keep watch. }\n  langauge: en\n');
    const wardenUrl = `${base}/test/browser/pages/hot-reload/index.html?file=${encodeURIComponent(`/@fs${warden}`)}`;
    await untilPage(
      async () => {
        await page.goto(wardenUrl);
        const { unavailable } = await pollPage(
          page,
          () => ({ ready: window.__ready, unavailable: window.__directUnavailable }),
          (s) => s.ready === true && s.unavailable !== undefined,
          { what: 'the page to set window.__ready and window.__directUnavailable', timeout: 30_000 },
        );
        return unavailable;
      },
      (v) => !!v?.includes('warden.npc.yaml:4:3'),
      "the stand-in's reason to name warden.npc.yaml:4:3",
    );
    expect(await text('count')).toBe(count(0)); // the NPC list holds only the good files
    await untilPage(
      overlayText,
      (v) => !!v?.includes('this NPC stays silent until the file is fixed'),
      'the overlay or page to say "this NPC stays silent until the file is fixed"',
    );
    await writeFile(warden, 'name: Warden\nagent:\n  prompt: { text: You keep watch. }\n  language: en\n');
    await untilPage(
      () => page.evaluate(() => window.__directUnavailable),
      (v) => v === null,
      'page.evaluate(() => window.__directUnavailable) to be null',
    );
    await untilPage(
      () => text('count'),
      (v) => v === count(1),
      "text('count') to be count(1)",
    );

    // 3. Deleted while the server runs: the list shrinks, the server does not crash on the missing file.
    await page.goto(pageUrl());
    await untilReady();
    const before = serverErrors.length;
    await unlink(warden);
    await untilPage(
      () => text('count'),
      (v) => v === count(0),
      "text('count') to be count(0)",
    );
    expect(serverErrors.slice(before).filter((e) => /ENOENT|Internal server error/.test(e))).toEqual([]);
  });
});
