/**
 * A player who stands with a villager and says nothing (issue 16.1): the agent ends the conversation
 * after its idle timeout, and the player must see no warning, keep the villager as the one they talk
 * to, and get an answer the moment they type. The agent here times out after 8 s instead of its
 * default 60 s (agent-protocol-limits.test.ts checks the timeout itself), so the test waits for the end, not the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGame, type GameSession } from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute } from './helpers/player.js';
import { holds, poll } from '../../harness/poll.js';

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
    // Timed on the page, frame by frame, from her first sound to her going idle. The agent counts its
    // idle time from the player's last input, here the conversation's start, which comes before her
    // first sound (a check that falls due while she speaks starts the count over). So nothing but
    // the timeout ends her conversation this late; the margin is the start-to-first-sound delay.
    // Not from the end of her greeting: the count began seconds before it. Not from the test
    // process: a loaded machine's slow polls ate over 3 s of it.
    const soundToIdle = g.page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let spokeAt = -1;
          const tick = () => {
            const state = window.__game?.npcs.find((n) => n.id === 'mira')?.state;
            if (state === 'speaking' && spokeAt < 0) spokeAt = performance.now();
            if (state === 'idle' && spokeAt >= 0) return resolve(performance.now() - spokeAt);
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
    await poll(watch, (s) => s.npcs.find((n) => n.id === 'mira')!.state === 'idle', {
      what: 'the idle timeout to end the conversation',
      timeout: IDLE_MS + 20_000,
      interval: 250,
    });
    expect(await soundToIdle).toBeGreaterThan(IDLE_MS - 2_000); // the timeout, not something else
    // ...and a while after, nothing shows up.
    await holds(
      async () => (await watch()).talk,
      (t) => t.problems.length === 0 && t.target === 'mira',
      { what: 'no problem shown and mira the target', duration: 3_000, interval: 250 },
    );
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
