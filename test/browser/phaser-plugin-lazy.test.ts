// The plugin's microphone code is a chunk of its own (issue 17.6): what a game that never opens the
// microphone does not download, and what a player sees when the chunk cannot be fetched. The page
// server serves source modules one by one, so the chunk is the request for mic-capture.ts.
import { describe, it, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { untilOnPage as until } from '../helpers/browser.js';
import {
  BESIDE_NPC,
  NPC_AT,
  PAGE,
  askLanterns,
  audioErrors,
  loadNpc,
  log,
  snapshot,
  textDespiteAudioError,
  useRig,
  untilActive,
  untilCreated,
  untilLog,
  untilSnapshot,
} from './phaser-rig.js';
import type { PhaserPageConfig } from './pages/phaser/main.js';

const MIC_CHUNK = /\/plugin\/audio\/mic-capture\.ts(\?.*)?$/;
const VOICE_CHUNK = /\/plugin\/audio\/voice-code\.ts(\?.*)?$/;

/**
 * The test page with `cfg`, watched from before it loads: every request for the microphone's chunk,
 * and the page's uncaught errors (a refused fetch is a console error by design, so those are not).
 */
async function open(browser: Browser, base: string, cfg: PhaserPageConfig, block?: RegExp) {
  const page = await browser.newPage();
  const chunk: string[] = [];
  const voiceChunk: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (MIC_CHUNK.test(r.url())) chunk.push(r.url());
    if (VOICE_CHUNK.test(r.url())) voiceChunk.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (block) await page.route(block, (route) => route.abort('connectionfailed'));
  await page.addInitScript((c: PhaserPageConfig) => (window.phaserConfig = c), cfg);
  await page.goto(base + PAGE);
  await untilCreated(page);
  return { page, chunk, voiceChunk, errors };
}

/** Once the NPC is active: the typed question answered and spoken to its end. */
async function askLanternsWhenActive(page: Page) {
  await untilActive(page);
  await askLanterns(page);
}

describe('the microphone code, fetched on demand', () => {
  const npc = loadNpc();
  const rig = useRig('4', npc);
  const config = (micMode?: PhaserPageConfig['micMode']): PhaserPageConfig => ({
    npc,
    agentUrl: rig.agent.url,
    npcAt: NPC_AT,
    playerAt: BESIDE_NPC,
    ...(micMode ? { micMode } : {}),
  });

  it("a game played by typing (micMode 'muted') never fetches it; switching to push-to-talk fetches it once and opens the mic", async () => {
    const { page: game, chunk, errors } = await open(rig.browser, rig.base, config('muted'));
    await untilLog(game, (l) => l.includes('start:mira'), 'the conversation to start');
    await askLanternsWhenActive(game);
    // A whole typed exchange with the NPC's voice playing: no microphone code, no permission asked.
    expect(chunk).toEqual([]);
    expect(await game.evaluate(() => window.phaserLab.micRequests())).toBe(0);
    await game.evaluate(() => window.phaserLab.setMicMode('push-to-talk'));
    await untilSnapshot(game, (s) => s.micOpen && s.liveTracks > 0, 'the mic to open');
    expect(chunk).toHaveLength(1);
    expect(await game.evaluate(() => window.phaserLab.micRequests())).toBe(1);
    expect(errors).toEqual([]);
    await game.close();
  });

  it('a chunk that cannot be fetched is one typed mic error, the talk goes on in text, and the next press of talk fetches it', async () => {
    const { page, chunk, errors } = await open(rig.browser, rig.base, config(), MIC_CHUNK);
    const micErrors = (l: string[]) => l.filter((x) => x.startsWith('plugin:error:mic:'));
    await untilLog(page, (l) => micErrors(l).length > 0, 'the mic error');
    const [first] = micErrors(await log(page));
    expect(first).toMatch(/microphone code failed to load/);
    // Typed like every other microphone failure, so a game's `cause instanceof MicError` works.
    expect(await page.evaluate(() => window.phaserLab.errorCauses)).toEqual(['mic:MicError:failed']);
    expect(chunk.length).toBeGreaterThan(0);
    // Not asked again every frame while the player stands there, and typing still reaches the NPC.
    await page.evaluate(() => window.phaserLab.frames(30));
    await askLanternsWhenActive(page);
    expect(micErrors(await log(page))).toHaveLength(1);
    const s = await snapshot(page);
    expect(s.active).toBe('mira');
    expect(s.micOpen).toBe(false);
    expect(await page.evaluate(() => window.phaserLab.micRequests())).toBe(0);
    expect(errors).toEqual([]);
    // The network is back: the player presses talk, which asks for the microphone again.
    await page.unroute(MIC_CHUNK);
    const before = chunk.length;
    await page.evaluate(() => window.phaserLab.pushToTalk(true));
    await untilSnapshot(page, (v) => v.micOpen && v.liveTracks > 0, 'the mic to open after the retry');
    expect(chunk.length).toBe(before + 1);
    await page.evaluate(() => window.phaserLab.pushToTalk(false));
    await page.close();
  });

  it('a voice processor that cannot be fetched is one typed audio error, the NPC talks in text, and is heard once it arrives', async () => {
    const { page, voiceChunk, errors } = await open(rig.browser, rig.base, config('muted'), VOICE_CHUNK);
    await textDespiteAudioError(page);
    expect(audioErrors(await log(page))).toHaveLength(1); // once, not once per turn
    // The network is back: her next answer fetches the processor again and is heard.
    await page.unroute(VOICE_CHUNK);
    const refused = voiceChunk.length;
    const again = (await log(page)).length;
    expect(await page.evaluate(() => window.phaserLab.sendText('What are your prices?'))).toBe(true);
    await until(
      page,
      () => page.evaluate(() => window.phaserLab.levels()),
      (v) => v.L + v.R > 0.005,
      'her voice at the output once the processor arrived',
      20_000,
    );
    expect(voiceChunk.length).toBeGreaterThan(refused);
    expect((await log(page)).slice(again).some((x) => x.startsWith('response:mira:'))).toBe(true);
    expect(audioErrors(await log(page))).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
