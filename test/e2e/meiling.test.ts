/**
 * Meiling, the Mandarin-speaking traveller (issue 16): a player walks up, hears and reads her greeting
 * in Chinese, types a question in Chinese and gets the answer in Chinese, wrapped by characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGame, type GameSession } from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute } from './helpers/player.js';

describe('talking to Meiling in Chinese', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame();
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('greets in Chinese, answers a typed Chinese question in Chinese, and wraps her bubble by characters', async () => {
    await walkRoute(g.page, ROUTES.meiling!);
    await waitForGame(g.page, (s) => s.talk.target === 'meiling', 'Meiling to become active', 30_000);
    const greeted = await waitForGame(
      g.page,
      (s) => s.npcs.find((n) => n.id === 'meiling')!.said.includes('美玲'),
      'her greeting',
      30_000,
    );
    expect(greeted.npcs.find((n) => n.id === 'meiling')!.said).toMatch(/^你好，旅行者/);
    await typeToNpc(g.page, '灯笼多少钱？');
    const s = await waitForGame(
      g.page,
      (x) => x.npcs.find((n) => n.id === 'meiling')!.said.includes('十五个金币'),
      'her answer about the lantern',
      30_000,
    );
    const meiling = s.npcs.find((n) => n.id === 'meiling')!;
    expect(meiling.said).toBe('米拉的店里有灯笼，十五个金币一盏。听说只有那种灯，在低语森林里不会灭。');
    // Her bubble shows the words as they are spoken, broken into lines between characters.
    await waitForGame(
      g.page,
      (x) => x.npcs.find((n) => n.id === 'meiling')!.bubble.includes('\n'),
      'her bubble to wrap',
      30_000,
    );
    const bubble = (await snapshot(g.page)).npcs.find((n) => n.id === 'meiling')!.bubble;
    // No line starts with closing punctuation (the kinsoku rule).
    for (const line of bubble.split('\n')) expect(line).not.toMatch(/^[，。！？、；：）」』]/);
    expect(s.talk.problems).toEqual([]);
    expect(g.errors).toEqual([]);
  }, 180_000);
});
