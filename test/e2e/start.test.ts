/**
 * Audio unlock: without the autoplay flag the browser keeps the AudioContext suspended, so the game
 * shows a "click to start" card; the first click (or key: "press any key") unlocks sound and lets
 * the player walk.
 * Also: a denied microphone is explained in plain words and typing still works.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openGame, shot, type GameSession } from './helpers/game.js';
import { ROUTES, waitForGame, walkRoute, typeToNpc, waitForProblem, waitForSaid } from './helpers/player.js';

describe('starting the game', () => {
  let g: GameSession | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
  });

  it('shows "click to start" while audio is locked, and the first click unlocks it', async () => {
    g = await openGame({ autoplay: false });
    const s = await waitForGame(g.page, (x) => x.startCard, 'the start card');
    expect(s.audioState).toBe('suspended');
    expect(s.started).toBe(false);
    // Left alone, the card waits for the player: 30 frames on, nothing has started or moved.
    const later = await waitForGame(g.page, (x) => x.frame >= s.frame + 30, '30 frames');
    expect(later).toMatchObject({
      started: false,
      startCard: true,
      audioState: 'suspended',
      player: s.player,
    });
    await shot(g.page, '00-click-to-start');
    await g.page.mouse.click(480, 320);
    const after = await waitForGame(
      g.page,
      (x) => x.started && x.audioState === 'running',
      'the unlock',
      10_000,
    );
    expect(after.player).toEqual(s.player); // a click does not walk
    await waitForGame(g.page, (x) => !x.startCard, 'the card to go');
    await g.page.keyboard.down('ArrowUp');
    await waitForGame(g.page, (x) => x.player.y < s.player.y - 8, 'the player to walk', 15_000);
    await g.page.keyboard.up('ArrowUp');
    expect(g.errors).toEqual([]);
  }, 90_000);

  it('an arrow key on the card is the "any key" that starts the game and unlocks audio', async () => {
    g = await openGame({ autoplay: false });
    const s = await waitForGame(g.page, (x) => x.startCard, 'the start card');
    expect(s).toMatchObject({ started: false, audioState: 'suspended' });
    // The card says "Click or press any key to start": the first arrow press starts the game (a key
    // press is a user gesture, so audio unlocks) and, held, walks.
    await g.page.keyboard.down('ArrowUp');
    const started = await waitForGame(
      g.page,
      (x) => x.started && x.audioState === 'running',
      'the key to start the game',
      10_000,
    );
    expect(started.player.x).toBe(s.player.x);
    await waitForGame(g.page, (x) => x.player.y < s.player.y - 8, 'the player to walk', 15_000);
    await g.page.keyboard.up('ArrowUp');
    await waitForGame(g.page, (x) => !x.startCard, 'the card to go');
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
