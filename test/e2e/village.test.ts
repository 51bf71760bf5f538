/**
 * The sample game played like a player: real Chromium, the real dev server from vite.config.ts (which
 * mounts the offline local agent), keyboard only. Screenshots of key moments go to test/e2e/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installMeter,
  levelNow,
  micTracks,
  openGame,
  record,
  resetRecord,
  shot,
  type GameSession,
} from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute, type Snapshot } from './helpers/player.js';

/** An NPC in the snapshot, with its bubble text unwrapped (the bubble breaks lines to fit). */
const npc = (s: Snapshot, id: string) => {
  const n = s.npcs.find((x) => x.id === id)!;
  return { ...n, bubble: n.bubble.replace(/\s+/g, ' ').trim() };
};

/** Mira's lines in assets/npcs/mira.npc.yaml (what the local agent says for her). */
const GREETING = "Welcome to Mira's Wares";
const LANTERN_REPLY = 'A lantern is fifteen gold';
const LANTERN_QUESTION = 'Tell me about the lantern';
const PRICES_REPLY =
  'Potions are twenty gold, lanterns fifteen, rope five, and travel bread two. What catches your eye?';

/** Waits until `id` has spoken (the recorder saw it speak, then stop) and returns what was recorded. */
async function untilSpoken(g: GameSession, id: string, what: string, timeoutMs = 30_000) {
  await waitForGame(g.page, () => true, 'the page');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await record(g.page, id);
    const s = await snapshot(g.page);
    if (r.speakingMs > 300 && npc(s, id).state !== 'speaking') return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r)}`);
    await g.page.waitForTimeout(50);
  }
}

describe('Thornbury, played with the keyboard (local agent)', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame();
    await installMeter(g.page);
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('starts in the village with a HUD and nobody to talk to', async () => {
    const s = await snapshot(g.page);
    expect(s.started).toBe(true);
    expect(s.audioState).toBe('running');
    expect(s.npcs.map((n) => n.id).sort()).toEqual(['aldric', 'brenna', 'mira', 'pip']);
    expect(s.npcs.find((n) => n.id === 'mira')!.name).toBe('Mira');
    expect(s.talk.target).toBeNull();
    expect(s.talk.micOpen).toBe(false);
    await shot(g.page, '01-village-start');
  });

  it('the volume keys change the master volume (Howler), one step at a time', async () => {
    const v0 = (await snapshot(g.page)).volume;
    await g.page.keyboard.press('Minus');
    const down = await waitForGame(g.page, (s) => s.volume < v0, 'the volume to go down');
    expect(v0 - down.volume).toBeGreaterThan(0.05);
    expect(v0 - down.volume).toBeLessThan(0.2);
    await g.page.keyboard.press('Equal');
    const up = await waitForGame(g.page, (s) => s.volume > down.volume, 'the volume to go up');
    expect(up.volume).toBeCloseTo(Math.min(1, down.volume + 0.125), 5);
  });

  it('walking up to Mira: her greeting is heard from her side (the left) and shown in her bubble', async () => {
    // Arrive from the south-east, so Mira stands to the player's left.
    await walkRoute(g.page, ROUTES.mira!);
    const s = await waitForGame(
      g.page,
      (x) => x.talk.target === 'mira',
      'Mira to become the active NPC',
      30_000,
    );
    expect(s.talk.micOpen || s.talk.micMode === 'push').toBe(true);
    if (npc(s, 'mira').state === 'speaking') await shot(g.page, '02-mira-greeting');
    const heard = await untilSpoken(g, 'mira', 'her greeting');
    expect(heard.said[0]).toContain(GREETING);
    expect(heard.samples).toBeGreaterThan(5);
    // Stereo pan by horizontal offset: the left channel carries clearly more of her voice.
    expect(heard.L).toBeGreaterThan(heard.R * 1.3);
    // The bubble revealed the greeting in step with the audio, to its last words.
    expect(heard.bubble).toContain('perhaps a lantern');
  }, 120_000);

  it('the backquote key toggles the debug overlay', async () => {
    await g.page.keyboard.press('Backquote');
    await waitForGame(g.page, (s) => s.talk.debug, 'the debug overlay');
    await g.page.waitForTimeout(300);
    await shot(g.page, '02b-debug-overlay');
    await g.page.keyboard.press('Backquote');
    await waitForGame(g.page, (s) => !s.talk.debug, 'the debug overlay to hide');
  });

  it('a typed question gets the scripted answer, spoken and shown', async () => {
    await resetRecord(g.page, 'mira');
    await typeToNpc(g.page, LANTERN_QUESTION);
    const s1 = await waitForGame(g.page, (s) => s.talk.lastHeard === LANTERN_QUESTION, 'the typed text');
    expect(s1.talk.target).toBe('mira');
    await waitForGame(
      g.page,
      (s) => npc(s, 'mira').bubble.includes('fifteen gold'),
      'the answer in her bubble',
      30_000,
    );
    await shot(g.page, '03-typed-answer');
    const heard = await untilSpoken(g, 'mira', 'her answer');
    expect(heard.said.at(-1)).toContain(LANTERN_REPLY);
    expect(heard.samples).toBeGreaterThan(3);
  }, 120_000);

  it('Esc skips a line mid-sentence: silence at once, and the bubble keeps only what was heard', async () => {
    await typeToNpc(g.page, 'What are your prices?');
    await waitForGame(g.page, (s) => npc(s, 'mira').said === PRICES_REPLY, 'the prices answer', 30_000);
    await waitForGame(
      g.page,
      (s) => npc(s, 'mira').state === 'speaking' && npc(s, 'mira').bubble.length > 12,
      'the answer to be under way',
      30_000,
    );
    await g.page.keyboard.press('Escape');
    const skippedAt = Date.now();
    await waitForGame(g.page, (s) => npc(s, 'mira').state !== 'speaking', 'Mira to stop speaking', 5000);
    // Silence: the output level drops to nothing well within a second of the key press.
    let level = 1;
    while (Date.now() - skippedAt < 1500) {
      const lv = await levelNow(g.page);
      level = Math.max(lv.L, lv.R);
      if (level < 0.003) break;
      await g.page.waitForTimeout(30);
    }
    expect(level).toBeLessThan(0.003);
    await g.page.waitForTimeout(800);
    const s = await snapshot(g.page);
    const shown = npc(s, 'mira').bubble;
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(PRICES_REPLY.length);
    expect(PRICES_REPLY.startsWith(shown.replace(/[.…\s]+$/, ''))).toBe(true);
    await shot(g.page, '04-skipped');
  }, 120_000);

  it("Mira's open_shop tool opens the shop; buying a lantern changes the inventory", async () => {
    await typeToNpc(g.page, 'Show me your wares');
    await waitForGame(g.page, (s) => s.shopOpen, 'the shop panel', 30_000);
    await shot(g.page, '05-shop');
    const before = await snapshot(g.page);
    await g.page.keyboard.press('2'); // the lantern, 15 gold
    const s = await waitForGame(g.page, (x) => (x.items.lantern ?? 0) === 1, 'a lantern in the inventory');
    expect(s.gold).toBe(before.gold - 15);
    expect(s.quest).toContain('lantern');
    await g.page.keyboard.press('Escape');
    await waitForGame(g.page, (x) => !x.shopOpen, 'the shop to close');
  }, 120_000);

  it('walking away ends the conversation and releases the microphone', async () => {
    const before = await micTracks(g.page);
    expect(before.opened).toBeGreaterThan(0); // the mic was open while talking to Mira
    await walkRoute(g.page, ROUTES.away!);
    const s = await waitForGame(
      g.page,
      (x) => x.talk.target === null && npc(x, 'mira').state === 'idle' && !x.talk.micOpen,
      'the conversation to end',
      30_000,
    );
    expect(s.talk.micLive).toBe(false);
    const tracks = await micTracks(g.page);
    expect(tracks.live).toBe(0);
    await shot(g.page, '06-walked-away');
    expect(g.errors).toEqual([]);
  }, 120_000);
});
