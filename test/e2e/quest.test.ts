/**
 * The quest across NPCs, offline: Mira sells the lantern, Aldric (heard from the right) gives the
 * moon charm with a client tool and the password, Brenna opens the north gate with hers, and the
 * player walks through it to the Moonwell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMeter, openGame, record, shot, type GameSession } from './helpers/game.js';
import { ROUTES, snapshot, typeToNpc, waitForGame, walkRoute, type Snapshot } from './helpers/player.js';

const npc = (s: Snapshot, id: string) => s.npcs.find((n) => n.id === id)!;

const say = (g: GameSession, text: string) => typeToNpc(g.page, text);

describe('the Moonwell quest (local agent, typed)', () => {
  let g: GameSession;

  beforeAll(async () => {
    g = await openGame();
    await installMeter(g.page);
  }, 90_000);

  afterAll(async () => {
    await g?.close();
  });

  it('Aldric speaks from the right and gives the moon charm through his give_item tool', async () => {
    await walkRoute(g.page, ROUTES.aldric!);
    await waitForGame(g.page, (s) => s.talk.target === 'aldric', 'Aldric to become active', 30_000);
    // The recorder keeps left/right energy only while Aldric alone speaks.
    const deadline = Date.now() + 30_000;
    let heard = await record(g.page, 'aldric');
    while (!(heard.speakingMs > 300 && npc(await snapshot(g.page), 'aldric').state !== 'speaking')) {
      if (Date.now() > deadline) throw new Error(`no greeting from Aldric: ${JSON.stringify(heard)}`);
      await g.page.waitForTimeout(50);
      heard = await record(g.page, 'aldric');
    }
    expect(heard.said[0]).toContain('footsteps');
    expect(heard.samples).toBeGreaterThan(5);
    expect(heard.R).toBeGreaterThan(heard.L * 1.3);
    await say(g, 'I carry a lantern');
    const s = await waitForGame(g.page, (x) => (x.items.moon_charm ?? 0) === 1, 'the moon charm', 30_000);
    expect(npc(s, 'aldric').said).toContain('moon charm');
    expect(s.quest).toContain('aldric');
    await shot(g.page, '08-aldric-charm');
    await say(g, 'What is the password?');
    await waitForGame(g.page, (x) => npc(x, 'aldric').said.includes('silver moon'), 'the password', 30_000);
  }, 180_000);

  it("Brenna's open_gate tool opens the north gate for the password", async () => {
    await walkRoute(g.page, ROUTES.aldricToBrenna!);
    await waitForGame(g.page, (s) => s.talk.target === 'brenna', 'Brenna to become active', 30_000);
    expect((await snapshot(g.page)).gateOpen).toBe(false);
    await say(g, 'silver moon');
    const s = await waitForGame(g.page, (x) => x.gateOpen, 'the gate to open', 30_000);
    expect(s.quest).toContain('gate');
    expect(npc(s, 'brenna').said).toContain("that's the word");
    await shot(g.page, '09-gate-open');
  }, 180_000);

  it('the open gate lets the player through to the Moonwell', async () => {
    await walkRoute(g.page, ROUTES.moonwell!);
    const s = await waitForGame(g.page, (x) => x.quest.includes('moonwell'), 'the Moonwell', 30_000);
    expect(s.player.y).toBeLessThan(160); // north of the fence line
    // The HUD celebrates once the banner has faded in.
    const shown = await waitForGame(
      g.page,
      (x) => x.screen.banner !== '',
      'the quest-complete banner',
      10_000,
    );
    expect(shown.screen.banner).toBe('Quest complete: the Moonwell glows again');
    await shot(g.page, '10-moonwell');
    expect(g.errors).toEqual([]);
  }, 120_000);
});
