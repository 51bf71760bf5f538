/**
 * A player who stands with a villager and says nothing (issue 16.1): the agent ends the conversation
 * after its idle timeout, and the player must see no warning, keep the villager as the one they talk
 * to, and get an answer the moment they type. The agent here times out after 8 s instead of its
 * default 60 s (agent-protocol-limits.test.ts checks the timeout itself), so the test waits for the end, not the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGame, type GameSession } from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute } from './helpers/player.js';

const IDLE_MS = 8_000;

describe('standing still at a villager until the agent ends the conversation', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame({ agentLimits: { idleTimeoutMs: IDLE_MS } });
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('shows no warning, keeps the villager, and a typed question is answered at once', async () => {
    // Timed on the page, frame by frame: from the end of her greeting to her going idle. The agent
    // sends speech at real time plus a 200 ms lead and counts its idle time from the last of it, so
    // its clock starts a little before her voice ends here; the margin covers that and a busy page's
    // late frames. (Timed from the test process instead, a loaded machine's slow polls ate over 3 s.)
    const quietToIdle = g.page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let quietAt = -1;
          let last = '';
          const tick = () => {
            const state = window.__game?.npcs.find((n) => n.id === 'mira')?.state ?? '';
            if (last === 'speaking' && state !== 'speaking') quietAt = performance.now();
            if (state === 'speaking') quietAt = -1;
            last = state;
            if (state === 'idle' && quietAt >= 0) return resolve(performance.now() - quietAt);
            requestAnimationFrame(tick);
          };
          tick();
        }),
    );
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
    const watch = async () => {
      const s = await snapshot(g.page);
      for (const p of s.talk.problems) problems.add(p);
      targets.add(s.talk.target);
      return s;
    };
    // Her conversation ends (she goes idle) while the player stands there...
    const silentSince = Date.now();
    for (;;) {
      const s = await watch();
      if (s.npcs.find((n) => n.id === 'mira')!.state === 'idle') break;
      if (Date.now() - silentSince > IDLE_MS + 20_000)
        throw new Error('the idle timeout never ended the conversation');
      await g.page.waitForTimeout(250);
    }
    expect(await quietToIdle).toBeGreaterThan(IDLE_MS - 1_500); // the timeout, not something else
    // ...and a while after, nothing shows up.
    for (const until = Date.now() + 3_000; Date.now() < until;) {
      await watch();
      await g.page.waitForTimeout(250);
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
  }, 120_000);
});
