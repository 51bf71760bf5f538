// The Phaser plugin tests' rig (not a test file itself): the test page, the real local agent, a
// page server for one Phaser major and a browser per describe block, and the player's moves.
import { afterAll, beforeAll, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Plugin, ViteDevServer } from 'vite';
import { createLocalAgent, type LocalAgent } from 'phaser-voice-agents/server';
import { compileNpcFile, type NpcDefinition } from '../../plugin/npc/index.js';
import { untilOnPage as until, watchPage } from '../helpers/browser.js';
import { launchBrowser, startPageServer, type LaunchOptions } from '../../harness/browser.js';
import { repoRoot } from '../../harness/repo.js';
import type { PhaserPageConfig } from './pages/phaser/main.js';

export const PAGE = '/test/browser/pages/phaser/index.html';
export const NPC_AT = { x: 600, y: 300 };
/** Where a player starts out of the NPC's reach. */
export const OUT_OF_REACH = { x: 100, y: 300 };
/** Beside the NPC, on its left: inside its enter radius, where a conversation starts. */
export const BESIDE_NPC = { x: NPC_AT.x - 60, y: NPC_AT.y };

export function loadNpc(): NpcDefinition {
  const file = `${repoRoot}assets/npcs/mira.npc.yaml`;
  const r = compileNpcFile(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`mira.npc.yaml does not compile: ${JSON.stringify(r.errors)}`);
  return r.npc;
}

export const snapshot = (page: Page) => page.evaluate(() => window.phaserLab.snapshot());
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** Polls the game's snapshot until `ok` holds for it, and resolves with that snapshot. */
export function untilSnapshot(page: Page, ok: (s: Snapshot) => boolean, what: string, ms?: number) {
  return until(page, () => snapshot(page), ok, what, ms);
}

/** Polls the page's event log (window.phaserLab.log) until `ok` holds for it, and resolves with it. */
export function untilLog(page: Page, ok: (l: string[]) => boolean, what: string, ms?: number) {
  return until(page, () => log(page), ok, what, ms);
}

/** Types "Do you sell lanterns?" to the active NPC and waits for the answer, spoken to its end. */
export async function askLanterns(page: Page) {
  const from = (await log(page)).length;
  expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
  const answered = (l: string[]) =>
    l.findIndex((x, i) => i >= from && x.startsWith('response:mira:A lantern is fifteen gold'));
  await untilLog(
    page,
    (l) => answered(l) >= 0 && l.slice(answered(l)).includes('state:listening'),
    'the typed answer, spoken to its end',
  );
}
export const counts = (page: Page) => page.evaluate(() => window.phaserLab.listenerCounts());
export const movePlayer = (page: Page, x: number, y: number) =>
  page.evaluate(([x, y]) => window.phaserLab.movePlayer(x, y), [x, y] as const);

/** Walk up to the NPC (which stands to the player's right) and check the greeting and the bubble. */
export async function greet(page: Page, npc: NpcDefinition) {
  const rendersBefore = await page.evaluate(() => window.phaserLab.textRenders());
  const textsBefore = await page.evaluate(() => window.phaserLab.bubbleTextCount());
  await movePlayer(page, NPC_AT.x - 60, NPC_AT.y);
  const first = npc.agent.first_message!;
  // Speaking, and the bubble shows the start of the greeting (revealed in step: not all of it yet).
  const s = await untilSnapshot(
    page,
    (v) => v.npcState === 'speaking' && v.bubble.length > 0,
    'the greeting to play with its bubble',
  );
  expect(s.active).toBe('mira');
  const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
  expect(first.startsWith(flat(s.bubble))).toBe(true);
  // From the right: the tap on Howler's master gain hears more on the right channel.
  const lr = await until(
    page,
    () => page.evaluate(() => window.phaserLab.levels()),
    (v) => v.R > 0.005,
    'greeting audio at the output tap',
  );
  expect(lr.R).toBeGreaterThan(lr.L * 1.8);
  // The bubble reveals the first message as it is spoken: partial texts growing, then all of it. The
  // page records what each frame showed, so a test process too busy to poll often still sees it all.
  await untilSnapshot(
    page,
    (v) => flat(v.bubble) === flat(first),
    'the bubble to reveal the whole greeting',
    20_000,
  );
  const shown = (await page.evaluate((from) => window.phaserLab.bubbleTexts(from), textsBefore))
    .map(flat)
    .filter((t) => t.length > 0)
    .filter((t, i, all) => t !== all[i - 1]);
  expect(shown[shown.length - 1]).toBe(flat(first));
  const partial = shown.filter((t) => t.length < flat(first).length);
  expect(partial.length).toBeGreaterThan(3);
  // Each text a beginning of the greeting, each longer than the one before.
  for (const t of shown) expect(flat(first).startsWith(t)).toBe(true);
  for (let i = 1; i < shown.length; i++) expect(shown[i]!.length).toBeGreaterThan(shown[i - 1]!.length);
  // Revealed character by character, drawn once: the bubble's first turn creates its three Text
  // objects (each renders when made, styled and given the greeting: 9), not one render per
  // character (about 80).
  const renders = (await page.evaluate(() => window.phaserLab.textRenders())) - rendersBefore;
  expect(renders).toBeLessThanOrEqual(12);
  // The mouth-flap hook follows the voice level.
  const mouth = await page.evaluate(() => window.phaserLab.mouth);
  expect(mouth.max).toBeGreaterThan(0.005);
  // The microphone is open while the conversation is active.
  const open = await untilSnapshot(page, (v) => v.micOpen && v.liveTracks > 0, 'the mic to open');
  expect(open.liveTracks).toBeGreaterThan(0);
}

export async function walkAway(page: Page) {
  await movePlayer(page, 50, 50);
  const s = await untilSnapshot(
    page,
    (v) => v.npcState === 'idle' && !v.micOpen && v.liveTracks === 0,
    'the conversation to close and the mic to be released',
  );
  expect(s.active).toBeNull();
  expect(s.conversationId).toBeNull();
  // The mouth closes with the voice.
  expect((await page.evaluate(() => window.phaserLab.mouth)).last).toBe(0);
}

/** The test page with `cfg`, once its scene has created the plugin; `prepare` runs on the page before the config is set. */
export async function openPage(
  browser: Browser,
  base: string,
  cfg: PhaserPageConfig,
  prepare?: (page: Page) => Promise<unknown>,
) {
  const page = await browser.newPage();
  const { errors } = watchPage(page);
  await prepare?.(page);
  await page.addInitScript((c: PhaserPageConfig) => {
    window.phaserConfig = c;
  }, cfg);
  await page.goto(base + PAGE);
  await untilCreated(page);
  return { page, errors };
}

/**
 * `id` is the active NPC. Typing goes to the active NPC, and a prewarmed conversation starts (and
 * its greeting arrives as text) before the player's dwell makes her active: a question typed then
 * has nobody to go to, so a test that types waits for this first.
 */
export function untilActive(page: Page, id = 'mira'): Promise<unknown> {
  return untilSnapshot(page, (s) => s.active === id, `${id} to be the active NPC`);
}

/** The test page's scene has created the plugin `times` times (window.__creates). */
export function untilCreated(page: Page, times = 1): Promise<unknown> {
  return until(
    page,
    () => page.evaluate(() => window.__creates),
    (n) => n === times,
    `the scene to create the plugin (window.__creates to be ${times})`,
    30_000,
  );
}

export const log = (page: Page) => page.evaluate(() => [...window.phaserLab.log]);

/** The real local agent, a page server for one Phaser major and a browser, for one describe block. */
export function useRig(
  phaser: '3' | '4',
  npc: NpcDefinition,
  launch: LaunchOptions = {},
  plugins: Plugin[] = [],
  agent: Partial<Parameters<typeof createLocalAgent>[0]> = {},
) {
  const rig = {} as { agent: LocalAgent; server: ViteDevServer; base: string; browser: Browser };
  beforeAll(async () => {
    rig.agent = await createLocalAgent({ port: 0, npcs: [npc], llm: false, ...agent });
    ({ server: rig.server, url: rig.base } = await startPageServer({ phaser, plugins }));
    rig.browser = await launchBrowser(launch);
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.close();
    await rig.agent?.close();
  });
  /**
   * openPage() in this rig's browser against its agent: its NPC at NPC_AT, the player at `playerAt`
   * (`cfg` adds to the page's config or overrides it; `prepare` as openPage's).
   */
  const open = (
    playerAt: { x: number; y: number },
    cfg: Partial<PhaserPageConfig> = {},
    prepare?: (page: Page) => Promise<unknown>,
  ) =>
    openPage(
      rig.browser,
      rig.base,
      { npc, agentUrl: rig.agent.url, npcAt: NPC_AT, playerAt, ...cfg },
      prepare,
    );
  return Object.assign(rig, { open });
}

export const audioErrors = (l: string[]) => l.filter((x) => x.startsWith('plugin:error:audio:'));

/** With the voice broken: the greeting arrives as text beside an audio error, and a typed question is answered. */
export async function textDespiteAudioError(page: Page) {
  await untilLog(
    page,
    (l) => l.some((x) => x.startsWith('response:mira:')) && audioErrors(l).length > 0,
    'the greeting as text and the audio error',
  );
  await untilActive(page);
  const from = (await log(page)).length;
  expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
  await untilLog(
    page,
    (l) => l.slice(from).some((x) => x.startsWith('response:mira:A lantern is fifteen gold')),
    'the typed answer',
  );
}
