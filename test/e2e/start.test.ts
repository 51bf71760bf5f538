/**
 * Audio unlock: without the autoplay flag the browser keeps the AudioContext suspended, so the game
 * shows a "click to start" card; the first click unlocks sound and lets the player walk.
 * Also: a denied microphone is explained in plain words and typing still works.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openGame, shot, type GameSession } from './helpers/game.js';
import {
  ROUTES,
  snapshot,
  waitForGame,
  walkRoute,
  typeToNpc,
  waitForProblem,
  waitForSaid,
} from './helpers/player.js';

describe('starting the game', () => {
  let g: GameSession | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('shows "click to start" while audio is locked, and the first click unlocks it', async () => {
    g = await openGame({ autoplay: false });
    const s = await snapshot(g.page);
    expect(s.audioState).toBe('suspended');
    expect(s.started).toBe(false);
    // Arrow keys do nothing until the player has started.
    await g.page.waitForTimeout(300);
    await shot(g.page, '00-click-to-start');
    await g.page.mouse.click(480, 320);
    const after = await waitForGame(
      g.page,
      (x) => x.started && x.audioState === 'running',
      'the unlock',
      10_000,
    );
    expect(after.player).toEqual(s.player);
    await g.page.keyboard.down('ArrowUp');
    await waitForGame(g.page, (x) => x.player.y < s.player.y - 8, 'the player to walk', 15_000);
    await g.page.keyboard.up('ArrowUp');
    expect(g.errors).toEqual([]);
  }, 90_000);

  it('a denied microphone is explained in plain words; typing still reaches the NPC', async () => {
    g = await openGame({ denyMic: true });
    await walkRoute(g.page, ROUTES.mira!);
    await waitForGame(g.page, (x) => x.talk.target === 'mira', 'Mira to become active', 30_000);
    const s = await waitForProblem(g.page, 'mic-denied', 20_000);
    expect(s.talk.micOpen).toBe(false);
    await shot(g.page, '07-mic-denied');
    await typeToNpc(g.page, 'potion');
    await waitForSaid(g.page, 'mira', 'Healing potions are twenty gold', 30_000);
  }, 120_000);
});
