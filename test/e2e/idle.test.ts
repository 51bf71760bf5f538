/**
 * A player who stands with a villager and says nothing (issue 16.1): the agent ends the conversation
 * after its idle timeout (60 s), and the player must see no warning, keep the villager as the one they
 * talk to, and get an answer the moment they type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGame, type GameSession } from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute } from './helpers/player.js';

describe('standing still at a villager for 90 s', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame();
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('shows no warning, keeps the villager, and a typed question is answered at once', async () => {
    await walkRoute(g.page, ROUTES.mira!);
    await waitForGame(g.page, (s) => s.talk.target === 'mira', 'Mira to become active', 30_000);
    await waitForGame(
      g.page,
      (s) => s.npcs.find((n) => n.id === 'mira')!.said !== '' && s.talk.npcState !== 'speaking',
      'her greeting to end',
      30_000,
    );
    const problems = new Set<string>();
    const targets = new Set<string | null>();
    const end = Date.now() + 90_000;
    while (Date.now() < end) {
      const s = await snapshot(g.page);
      for (const p of s.talk.problems) problems.add(p);
      targets.add(s.talk.target);
      await g.page.waitForTimeout(1000);
    }
    expect([...problems]).toEqual([]);
    expect([...targets]).toEqual(['mira']);
    const before = (await snapshot(g.page)).npcs.find((n) => n.id === 'mira')!.said;
    await typeToNpc(g.page, 'How much is a lantern?');
    const s = await waitForGame(
      g.page,
      (x) => {
        const said = x.npcs.find((n) => n.id === 'mira')!.said;
        return said !== before && said.includes('fifteen');
      },
      'her answer after the idle end',
      30_000,
    );
    expect(s.talk.problems).toEqual([]);
    expect(g.errors).toEqual([]);
  }, 200_000);
});
