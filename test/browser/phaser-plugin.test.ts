// The scene plugin in real Chromium against the real local agent, on Phaser 4 and Phaser 3.90:
// walk up to an NPC, hear its greeting from its side and read it in its bubble; walk away and the
// conversation closes and the microphone is released; restart the scene and it works again; no
// listener survives shutdown or destroy; a sprite destroyed mid-sentence ends its conversation.
// phaser-plugin-edges.test.ts: installing at run time, a denied mic, a queue, an idle end, the
// browser's recognizer, a strict Content-Security-Policy.
import { describe, expect, it } from 'vitest';
import { untilOnPage as until } from '../helpers/browser.js';
import { repoRoot } from '../../harness/repo.js';
import {
  BESIDE_NPC,
  NPC_AT,
  OUT_OF_REACH,
  counts,
  greet,
  loadNpc,
  log,
  movePlayer,
  snapshot,
  untilLog,
  untilSnapshot,
  useRig,
  walkAway,
} from './phaser-rig.js';

for (const phaser of ['4', '3'] as const) {
  describe(`VoiceAgentsPlugin on Phaser ${phaser}`, () => {
    const npc = loadNpc();
    const rig = useRig(phaser, npc);

    it('greets from the right side with a synced bubble, releases the mic on leaving, survives restart and destroy', async () => {
      const { page, errors } = await rig.open(OUT_OF_REACH);
      const version = await page.evaluate(() => window.phaserLab.version);
      expect(version.startsWith(phaser === '4' ? '4.' : '3.90')).toBe(true);
      const baseline = await counts(page);
      // Booted and started: START, DESTROY, POST_UPDATE and SHUTDOWN on the scene's emitter; the NPC's DESTROY.
      expect(baseline).toMatchObject({ sceneEvents: 4, gameEvents: 0, npcObject: 1, player: 0 });
      // Nobody in range: no conversation, no microphone ever requested.
      expect(await snapshot(page)).toMatchObject({ npcState: 'idle', micOpen: false, liveTracks: 0 });
      expect(await page.evaluate(() => window.phaserLab.streamsOpened())).toBe(0);

      await greet(page, npc);
      await walkAway(page);
      const log = await page.evaluate(() => window.phaserLab.log);
      expect(log).toEqual(
        expect.arrayContaining([
          'active:mira',
          'start:mira',
          'mic:true',
          'mic:false',
          'active:none',
          'end:mira:user',
        ]),
      );
      expect(log.filter((l) => l.startsWith('response:mira:'))).toEqual([
        `response:mira:${npc.agent.first_message}`,
      ]);
      expect(log.indexOf('active:none')).toBeLessThan(log.indexOf('end:mira:user')); // mic first, close after the linger

      // Restart: shutdown leaves only the two listeners needed to come back, then it works again.
      await page.evaluate(() => window.phaserLab.restart());
      await until(
        page,
        () => page.evaluate(() => window.__creates),
        (n) => n === 2,
        'the restarted scene to create the plugin again (window.__creates to be 2)',
        30_000,
      );
      expect(await counts(page)).toEqual(baseline);
      await greet(page, npc);

      // The NPC's sprite destroyed mid-conversation: it ends cleanly and the mic is released.
      await page.evaluate(() => window.phaserLab.destroyNpc());
      const gone = await untilSnapshot(
        page,
        (v) => v.active === null && !v.micOpen && v.liveTracks === 0,
        'the destroyed NPC to end its conversation',
      );
      expect(gone.bubble).toBe('');
      const log2 = await page.evaluate(() => window.phaserLab.log);
      expect(log2.filter((l) => l === 'end:mira:user')).toHaveLength(2);

      // Destroy the scene: no plugin listener anywhere, no DOM listener left behind.
      const after = await page.evaluate(() => {
        const t = window.phaserLab;
        const target = t.removeScene();
        return t.listenerCounts(target);
      });
      expect(after).toMatchObject({ sceneEvents: 0, gameEvents: 0, gameListeners: 0 });
      expect(after.window).toBeLessThanOrEqual(baseline.window);
      expect(after.document).toBeLessThanOrEqual(baseline.document);
      expect(await page.evaluate(() => window.phaserLab.liveTracks())).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });

    // Version-independent behaviour: once, on Phaser 4.
    if (phaser === '4')
      it('prewarm holds the greeting until arrival; skip keeps what was heard; typed text and a tool call round trip', async () => {
        const warm = { ...npc, proximity: { ...npc.proximity, prewarm_radius: 300 } };
        const { page, errors } = await rig.open(OUT_OF_REACH, { npc: warm });
        // Inside the prewarm radius, outside the enter radius: connected, silent, no bubble, no mic.
        await movePlayer(page, NPC_AT.x - 250, NPC_AT.y);
        const ready = await untilSnapshot(page, (v) => v.npcState === 'ready', 'a prewarmed conversation');
        expect(ready).toMatchObject({ active: null, micOpen: false, bubble: '' });
        expect(ready.conversationId).toBeTruthy();
        // The agent has sent its greeting by now; none of it may play before the player arrives.
        await untilLog(
          page,
          (l) => l.includes(`response:mira:${npc.agent.first_message}`),
          'the greeting text',
        );
        const quiet = await page.evaluate(() => window.phaserLab.levels());
        expect(Math.max(quiet.L, quiet.R)).toBeLessThan(0.001);
        expect((await snapshot(page)).bubble).toBe('');

        // Arrive: the same conversation, greeting at once (timed on the page: the test's own round
        // trips to it take seconds on a loaded machine).
        await movePlayer(page, BESIDE_NPC.x, BESIDE_NPC.y);
        const speaking = await untilSnapshot(page, (v) => v.npcState === 'speaking', 'the held greeting');
        const waited = await page.evaluate(
          () => window.phaserLab.mark('state:speaking')! - window.phaserLab.mark('moved')!,
        );
        expect(waited).toBeGreaterThanOrEqual(0);
        expect(waited).toBeLessThan(1500);
        expect(speaking.conversationId).toBe(ready.conversationId);
        expect((await log(page)).filter((l) => l === 'start:mira')).toHaveLength(1);

        // Skip mid-greeting: silence, and the bubble keeps only what was heard.
        await untilSnapshot(page, (v) => v.bubble.length > 10, 'some greeting text');
        await page.evaluate(() => window.phaserLab.skip());
        const cut = await until(
          page,
          () => page.evaluate(() => window.phaserLab.levels()),
          (v) => Math.max(v.L, v.R) < 0.001,
          'silence after skip',
        );
        expect(cut.R).toBeLessThan(0.001);
        const heard = (await snapshot(page)).bubble.replace(/\s+/g, ' ');
        expect(heard.length).toBeGreaterThan(0);
        expect(heard.length).toBeLessThan(npc.agent.first_message!.length);
        expect(npc.agent.first_message!.startsWith(heard)).toBe(true);
        // Frame by frame for the rest of its life (held, then faded: past the 1 s after which a
        // quiet voice counts as finished), the bubble shows what was heard and never more.
        const life = await page.evaluate(() => window.phaserLab.watchBubble(1500, true));
        expect(life.texts.at(-1)).toBe(''); // it faded
        expect([...new Set(life.texts.filter((t) => t).map((t) => t.replace(/\s+/g, ' ')))]).toEqual([heard]);

        // Typed question: the player's bubble shows it, the answer is spoken and shown.
        expect(await page.evaluate(() => window.phaserLab.sendText('How much is a healing potion?'))).toBe(
          true,
        );
        // The player's bubble reveals on the next frames.
        const said = await until(
          page,
          () => page.evaluate(() => window.phaserLab.playerBubble()),
          (t) => t.includes('healing potion'),
          "the player's bubble",
        );
        expect(said).toContain('healing potion');
        const answers = await untilLog(
          page,
          (l) => l.filter((x) => x.startsWith('response:mira:')).length === 2,
          'the answer',
        );
        const answer = answers
          .filter((x) => x.startsWith('response:mira:'))[1]!
          .slice('response:mira:'.length);
        expect(answer).toMatch(/twenty gold/);
        const shown = await untilSnapshot(
          page,
          (v) => v.npcState === 'speaking' && v.bubble.length > 0,
          'the spoken answer in the bubble',
        );
        expect(answer.startsWith(shown.bubble.replace(/\s+/g, ' '))).toBe(true);
        // A tool the game only listens for: the designer-facing event arrives with its parameters.
        await page.evaluate(() => window.phaserLab.sendText('Show me your wares'));
        await untilLog(
          page,
          (l) => l.includes('tool:open_shop:{"shop":"miras_wares"}'),
          'the open_shop tool',
        );

        // The debug overlay says who is active, each conversation's state, ping and time to first audio.
        await page.evaluate(() => window.phaserLab.setDebug(true));
        const panel = await until(
          page,
          () => page.evaluate(() => window.phaserLab.debugText()),
          (t) => /ping \d+ms/.test(t) && /ttfa \d+ms/.test(t),
          'the debug panel with latencies',
        );
        expect(panel).toMatch(/active: mira/);
        expect(panel).toMatch(/mic OPEN/);
        await page.screenshot({ path: `${repoRoot}test-results/phaser-plugin-debug-overlay.png` });

        // Hot reload while talking: radii apply at once, the new greeting with the next conversation.
        const first = (await snapshot(page)).conversationId;
        const changed = {
          ...warm,
          agent: { ...warm.agent, first_message: 'Back again? Mind the lanterns.' },
          proximity: { ...warm.proximity, radius: 160, exit_radius: 200, prewarm_radius: 0 },
        };
        expect(await page.evaluate((d) => window.phaserLab.updateNpc(d), changed)).toBe(true);
        expect((await snapshot(page)).conversationId).toBe(first); // the one in progress goes on
        // The overlay redraws on the next frame.
        await until(
          page,
          () => page.evaluate(() => window.phaserLab.debugText()),
          (t) => /applies next conversation/.test(t),
          'the overlay to say the change applies next conversation',
        );
        await walkAway(page);
        // 150 px away: outside the old 96 px enter radius, inside the new 160 px one.
        await movePlayer(page, NPC_AT.x - 150, NPC_AT.y);
        await untilLog(
          page,
          (l) => l.includes('response:mira:Back again? Mind the lanterns.'),
          'the new greeting',
        );
        expect((await snapshot(page)).conversationId).not.toBe(first);
        expect(errors).toEqual([]);
        await page.close();
      });

    if (phaser === '4')
      it('a prewarm the player never reaches closes without showing the greeting nobody heard', async () => {
        const warm = { ...npc, proximity: { ...npc.proximity, prewarm_radius: 300 } };
        const { page, errors } = await rig.open(OUT_OF_REACH, { npc: warm });
        await movePlayer(page, NPC_AT.x - 250, NPC_AT.y);
        await untilLog(
          page,
          (l) => l.includes(`response:mira:${npc.agent.first_message}`),
          'the held greeting text',
        );
        // Brush past: leave the prewarm radius without ever arriving.
        await movePlayer(page, 50, 50);
        await untilLog(page, (l) => l.includes('end:mira:user'), 'the unused prewarm to close');
        // For 30 frames after the close the bubble stays empty: the greeting was never played.
        const after = await page.evaluate(() => window.phaserLab.watchBubble(30));
        expect(after).toEqual({ texts: [''], frames: 30 });
        expect(errors).toEqual([]);
        await page.close();
      });
  });
}
