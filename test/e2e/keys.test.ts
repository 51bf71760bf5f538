/**
 * Keys held across the text box: a player walking (arrow held) presses Enter to type to Mira, lets
 * the arrow go while typing, and closes the box. The game must have seen the arrow released: the
 * player stands still, rather than walking off on their own once the box closes. And the box has the
 * keyboard from the frame it shows, so keys typed right after it opens reach the box, not the game.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGame, type GameSession } from './helpers/game.js';
import { openTextBox, ROUTES, snapshot, waitForGame, walkRoute } from './helpers/player.js';

describe('a key let go while typing', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame();
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('is let go in the game too: the player does not walk on after the box closes', async () => {
    await walkRoute(g.page, ROUTES.mira!);
    await waitForGame(g.page, (s) => s.talk.target === 'mira', 'Mira to become active', 30_000);
    const start = (await snapshot(g.page)).player.y;
    await g.page.keyboard.down('ArrowDown'); // back down the lane the route came up
    await waitForGame(g.page, (s) => s.player.y > start + 1, 'the player to walk');
    await openTextBox(g.page);
    await g.page.keyboard.up('ArrowDown'); // let go while typing
    await g.page.keyboard.type('hello', { delay: 10 });
    await g.page.keyboard.press('Escape');
    const closed = await waitForGame(g.page, (s) => !s.talk.typing, 'the text box to close');
    // Thirty frames later, still where the box closed.
    const later = await waitForGame(g.page, (s) => s.frame >= closed.frame + 30, 'thirty frames');
    expect(later.player).toEqual(closed.player);
    expect(g.errors).toEqual([]);
  }, 120_000);

  it('has the keyboard from the frame it opens, and the Enter that opened it (Shift held too) does not send it', async () => {
    await waitForGame(g.page, (s) => s.talk.target === 'mira' && !s.talk.typing, 'Mira, no box open', 30_000);
    // Read in the page, on the first animation frame the box is open: before any later task runs.
    const focusedAtOpen = g.page.evaluate(async () => {
      while (!window.__game!.talk.typing) await new Promise((r) => requestAnimationFrame(r));
      return document.activeElement?.id ?? '';
    });
    await g.page.keyboard.press('Enter');
    expect(await focusedAtOpen).toBe('talk-input');
    const opened = await snapshot(g.page);
    const later = await waitForGame(g.page, (s) => s.frame >= opened.frame + 10, 'ten frames');
    expect(later.talk.typing).toBe(true);
    await g.page.keyboard.press('Escape');
    await waitForGame(g.page, (s) => !s.talk.typing, 'the text box to close');
    // With Shift held, Phaser leaves the Enter's default alone: its keypress reaches the focused box.
    await g.page.keyboard.press('Shift+Enter');
    const shifted = await waitForGame(g.page, (s) => s.talk.typing, 'the text box to open with Shift+Enter');
    const after = await waitForGame(g.page, (s) => s.frame >= shifted.frame + 10, 'ten frames');
    expect(after.talk.typing).toBe(true);
    await g.page.keyboard.type('hello', { delay: 10 });
    await g.page.keyboard.press('Enter');
    await waitForGame(g.page, (s) => !s.talk.typing && s.talk.lastHeard === 'hello', 'hello to be sent');
    expect(g.errors).toEqual([]);
  }, 60_000);
});
