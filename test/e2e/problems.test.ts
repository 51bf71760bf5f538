/**
 * The two problems a player of the sample game can meet that depend on the machine, not on the
 * browser: the local agent has no speech recognizer, and the voice service cannot be reached. Each
 * must be told in plain words while the game keeps running and typing keeps working.
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

type Rect = { x: number; y: number; width: number; height: number };

describe('problems a player is told about', () => {
  let g: GameSession | undefined;
  afterEach(async () => {
    await g?.close();
    g = undefined;
    delete process.env.VOICE_AGENTS_ASR;
  });

  it('no speech recognizer: holding Space says to type, and typing gets the answer', async () => {
    process.env.VOICE_AGENTS_ASR = 'none'; // read by the local agent the dev server mounts
    g = await openGame();
    await walkRoute(g.page, ROUTES.mira!);
    await waitForGame(g.page, (x) => x.talk.target === 'mira' && x.talk.micOpen, 'Mira to listen', 30_000);
    await g.page.keyboard.down('Space');
    const s = await waitForProblem(g.page, 'asr-unavailable', 15_000);
    await g.page.keyboard.up('Space');
    expect(s.talk.problemDetails).toContain('Offline speech input is unavailable.');
    // Mira's greeting is on screen at the same time, clear of the problem panel and the rest of the HUD.
    const both = await waitForGame(
      g.page,
      (x) => x.screen.bubbles.length > 0 && x.talk.problems.includes('asr-unavailable'),
      "Mira's bubble next to the problem",
      15_000,
    );
    const apart = (a: Rect, b: Rect) =>
      a.x >= b.x + b.width || b.x >= a.x + a.width || a.y >= b.y + b.height || b.y >= a.y + a.height;
    expect(both.screen.hud.length).toBeGreaterThanOrEqual(4); // mic, volume, problems, Pip's list…
    for (const bubble of both.screen.bubbles)
      for (const panel of both.screen.hud)
        expect(apart(bubble, panel), JSON.stringify({ bubble, panel })).toBe(true);
    await shot(g.page, '12-asr-unavailable');
    await typeToNpc(g.page, 'potion');
    await waitForSaid(g.page, 'mira', 'Healing potions are twenty gold', 30_000);
    expect(g.errors).toEqual([]);
  }, 120_000);

  it('an unreachable voice service is explained in plain words and the game keeps running', async () => {
    // The network between the page and the agent is gone: every socket goes to a closed port.
    g = await openGame({
      initScript: `(() => {
        const Native = window.WebSocket;
        window.WebSocket = class extends Native {
          constructor(url, protocols) { const u = new URL(url, location.href); u.port = '9'; super(u, protocols); }
        };
      })();`,
    });
    await walkRoute(g.page, ROUTES.mira!);
    const s = await waitForProblem(g.page, 'agent-unreachable');
    expect(s.talk.micOpen).toBe(false);
    await shot(g.page, '13-agent-unreachable');
    // Still a game: the player walks on.
    await g.page.keyboard.down('ArrowDown');
    await waitForGame(g.page, (x) => x.player.y > s.player.y + 8, 'the player to walk', 15_000);
    await g.page.keyboard.up('ArrowDown');
    expect((await snapshot(g.page)).talk.problems).toContain('agent-unreachable');
  }, 120_000);
});
