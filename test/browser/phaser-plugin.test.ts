import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Plugin, ViteDevServer } from 'vite';
import WebSocket from 'ws';
import { createLocalAgent, type LocalAgent } from 'phaser-voice-agents/server';
import { compileNpcFile, type NpcDefinition } from '../../plugin/npc/index.js';
import { contentSecurityPolicy, silentWavFile, untilOnPage as until, watchPage } from '../helpers/browser.js';
import { launchBrowser, startPageServer, type LaunchOptions } from '../../harness/browser.js';
import { repoRoot } from '../../harness/repo.js';
import type { PhaserPageConfig } from './pages/phaser/main.js';

// The scene plugin in real Chromium against the real local agent, on Phaser 4 and Phaser 3.90:
// walk up to an NPC, hear its greeting from its side and read it in its bubble; walk away and the
// conversation closes and the microphone is released; restart the scene and it works again; no
// listener survives shutdown or destroy; a sprite destroyed mid-sentence ends its conversation.

const PAGE = '/test/browser/pages/phaser/index.html';
const NPC_AT = { x: 600, y: 300 };

function loadNpc(): NpcDefinition {
  const file = `${repoRoot}assets/npcs/mira.npc.yaml`;
  const r = compileNpcFile(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`mira.npc.yaml does not compile: ${JSON.stringify(r.errors)}`);
  return r.npc;
}

const snapshot = (page: Page) => page.evaluate(() => window.phaserLab.snapshot());
const counts = (page: Page) => page.evaluate(() => window.phaserLab.listenerCounts());
const movePlayer = (page: Page, x: number, y: number) =>
  page.evaluate(([x, y]) => window.phaserLab.movePlayer(x, y), [x, y] as const);

/** Walk up to the NPC (which stands to the player's right) and check the greeting and the bubble. */
async function greet(page: Page, npc: NpcDefinition) {
  const rendersBefore = await page.evaluate(() => window.phaserLab.textRenders());
  await movePlayer(page, NPC_AT.x - 60, NPC_AT.y);
  const first = npc.agent.first_message!;
  // Speaking, and the bubble shows the start of the greeting (revealed in step: not all of it yet).
  const s = await until(
    page,
    () => snapshot(page),
    (v) => v.npcState === 'speaking' && v.bubble.length > 0,
    'the greeting to play with its bubble',
  );
  expect(s.active).toBe('mira');
  const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
  expect(first.startsWith(flat(s.bubble))).toBe(true);
  // From the right: the tap on Howler's master gain hears more on the right channel.
  const lr = await until(
    page,
    () => page.evaluate(() => window.phaserLab.levels()),
    (v) => v.R > 0.005,
    'greeting audio at the output tap',
  );
  expect(lr.R).toBeGreaterThan(lr.L * 1.8);
  // The bubble reveals the first message as it is spoken: partial texts growing, then all of it.
  const seen: number[] = [s.bubble.length];
  await until(
    page,
    async () => {
      const v = await snapshot(page);
      seen.push(flat(v.bubble).length);
      return v;
    },
    (v) => flat(v.bubble) === flat(first),
    'the bubble to reveal the whole greeting',
    20_000,
  );
  const partial = seen.filter((n) => n > 0 && n < flat(first).length);
  expect(partial.length).toBeGreaterThan(3);
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]! - 1);
  // Revealed character by character, drawn once: the bubble's first turn creates its three Text
  // objects (each renders when made, styled and given the greeting: 9), not one render per
  // character (about 80).
  const renders = (await page.evaluate(() => window.phaserLab.textRenders())) - rendersBefore;
  expect(renders).toBeLessThanOrEqual(12);
  // The mouth-flap hook follows the voice level.
  const mouth = await page.evaluate(() => window.phaserLab.mouth);
  expect(mouth.max).toBeGreaterThan(0.005);
  // The microphone is open while the conversation is active.
  const open = await until(
    page,
    () => snapshot(page),
    (v) => v.micOpen && v.liveTracks > 0,
    'the mic to open',
  );
  expect(open.liveTracks).toBeGreaterThan(0);
}

async function walkAway(page: Page) {
  await movePlayer(page, 50, 50);
  const s = await until(
    page,
    () => snapshot(page),
    (v) => v.npcState === 'idle' && !v.micOpen && v.liveTracks === 0,
    'the conversation to close and the mic to be released',
  );
  expect(s.active).toBeNull();
  expect(s.conversationId).toBeNull();
  // The mouth closes with the voice.
  expect((await page.evaluate(() => window.phaserLab.mouth)).last).toBe(0);
}

async function openPage(browser: Browser, base: string, cfg: PhaserPageConfig) {
  const page = await browser.newPage();
  const { errors } = watchPage(page);
  await page.addInitScript((c: PhaserPageConfig) => {
    window.phaserConfig = c;
  }, cfg);
  await page.goto(base + PAGE);
  await page.waitForFunction(() => window.__creates === 1, null, { timeout: 30_000 });
  return { page, errors };
}

const log = (page: Page) => page.evaluate(() => [...window.phaserLab.log]);

/** The real local agent, a page server for one Phaser major and a browser, for one describe block. */
function useRig(
  phaser: '3' | '4',
  npc: NpcDefinition,
  launch: LaunchOptions = {},
  plugins: Plugin[] = [],
  agent: Partial<Parameters<typeof createLocalAgent>[0]> = {},
) {
  const rig = {} as { agent: LocalAgent; server: ViteDevServer; base: string; browser: Browser };
  beforeAll(async () => {
    rig.agent = await createLocalAgent({ port: 0, npcs: [npc], llm: false, ...agent });
    ({ server: rig.server, url: rig.base } = await startPageServer({ phaser, plugins }));
    rig.browser = await launchBrowser(launch);
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.close();
    await rig.agent?.close();
  });
  return rig;
}

for (const phaser of ['4', '3'] as const) {
  describe(`VoiceAgentsPlugin on Phaser ${phaser}`, () => {
    const npc = loadNpc();
    const rig = useRig(phaser, npc);

    it('greets from the right side with a synced bubble, releases the mic on leaving, survives restart and destroy', async () => {
      const { page, errors } = await openPage(rig.browser, rig.base, {
        npc,
        agentUrl: rig.agent.url,
        npcAt: NPC_AT,
        playerAt: { x: 100, y: 300 },
      });
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
      await page.waitForFunction(() => window.__creates === 2);
      expect(await counts(page)).toEqual(baseline);
      await greet(page, npc);

      // The NPC's sprite destroyed mid-conversation: it ends cleanly and the mic is released.
      await page.evaluate(() => window.phaserLab.destroyNpc());
      const gone = await until(
        page,
        () => snapshot(page),
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
        const { page, errors } = await openPage(rig.browser, rig.base, {
          npc: warm,
          agentUrl: rig.agent.url,
          npcAt: NPC_AT,
          playerAt: { x: 100, y: 300 },
        });
        // Inside the prewarm radius, outside the enter radius: connected, silent, no bubble, no mic.
        await movePlayer(page, NPC_AT.x - 250, NPC_AT.y);
        const ready = await until(
          page,
          () => snapshot(page),
          (v) => v.npcState === 'ready',
          'a prewarmed conversation',
        );
        expect(ready).toMatchObject({ active: null, micOpen: false, bubble: '' });
        expect(ready.conversationId).toBeTruthy();
        // The agent has sent its greeting by now; none of it may play before the player arrives.
        await until(
          page,
          () => log(page),
          (l) => l.includes(`response:mira:${npc.agent.first_message}`),
          'the greeting text',
        );
        const quiet = await page.evaluate(() => window.phaserLab.levels());
        expect(Math.max(quiet.L, quiet.R)).toBeLessThan(0.001);
        expect((await snapshot(page)).bubble).toBe('');

        // Arrive: the same conversation, greeting at once.
        const arrived = Date.now();
        await movePlayer(page, NPC_AT.x - 60, NPC_AT.y);
        const speaking = await until(
          page,
          () => snapshot(page),
          (v) => v.npcState === 'speaking',
          'the held greeting',
        );
        expect(Date.now() - arrived).toBeLessThan(1500);
        expect(speaking.conversationId).toBe(ready.conversationId);
        expect((await log(page)).filter((l) => l === 'start:mira')).toHaveLength(1);

        // Skip mid-greeting: silence, and the bubble keeps only what was heard.
        await until(
          page,
          () => snapshot(page),
          (v) => v.bubble.length > 10,
          'some greeting text',
        );
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
        const answers = await until(
          page,
          () => log(page),
          (l) => l.filter((x) => x.startsWith('response:mira:')).length === 2,
          'the answer',
        );
        const answer = answers
          .filter((x) => x.startsWith('response:mira:'))[1]!
          .slice('response:mira:'.length);
        expect(answer).toMatch(/twenty gold/);
        const shown = await until(
          page,
          () => snapshot(page),
          (v) => v.npcState === 'speaking' && v.bubble.length > 0,
          'the spoken answer in the bubble',
        );
        expect(answer.startsWith(shown.bubble.replace(/\s+/g, ' '))).toBe(true);
        // A tool the game only listens for: the designer-facing event arrives with its parameters.
        await page.evaluate(() => window.phaserLab.sendText('Show me your wares'));
        await until(
          page,
          () => log(page),
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
        await until(
          page,
          () => log(page),
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
        const { page, errors } = await openPage(rig.browser, rig.base, {
          npc: warm,
          agentUrl: rig.agent.url,
          npcAt: NPC_AT,
          playerAt: { x: 100, y: 300 },
        });
        await movePlayer(page, NPC_AT.x - 250, NPC_AT.y);
        await until(
          page,
          () => log(page),
          (l) => l.includes(`response:mira:${npc.agent.first_message}`),
          'the held greeting text',
        );
        // Brush past: leave the prewarm radius without ever arriving.
        await movePlayer(page, 50, 50);
        await until(
          page,
          () => log(page),
          (l) => l.includes('end:mira:user'),
          'the unused prewarm to close',
        );
        // For 30 frames after the close the bubble stays empty: the greeting was never played.
        const after = await page.evaluate(() => window.phaserLab.watchBubble(30));
        expect(after).toEqual({ texts: [''], frames: 30 });
        expect(errors).toEqual([]);
        await page.close();
      });
  });
}

describe('VoiceAgentsPlugin installed at run time', () => {
  const npc = loadNpc();
  const rig = useRig('3', npc);

  it('installVoiceAgents(scene) from create() boots once, starts at once and talks (Phaser 3.90)', async () => {
    const { page, errors } = await openPage(rig.browser, rig.base, {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: 100, y: 300 },
      runtimeInstall: true,
    });
    // Same subscriptions as when registered in the game config, and no BOOT listener left behind.
    expect(await counts(page)).toMatchObject({ sceneEvents: 4, npcObject: 1, boot: 0 });
    await movePlayer(page, NPC_AT.x - 60, NPC_AT.y);
    await until(
      page,
      () => snapshot(page),
      (v) => v.npcState === 'speaking' && v.bubble.length > 0,
      'the greeting',
    );
    await walkAway(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('VoiceAgentsPlugin with the microphone denied', () => {
  const npc = loadNpc();
  const rig = useRig('4', npc, { denyMic: true });

  it('reports a typed mic error once, keeps the conversation, and typing still works', async () => {
    const { page, errors } = await openPage(rig.browser, rig.base, {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: NPC_AT.x - 60, y: NPC_AT.y },
    });
    await until(
      page,
      () => log(page),
      (l) => l.some((x) => x.startsWith('plugin:error:mic:')),
      'the mic error',
    );
    const s = await snapshot(page);
    expect(s.active).toBe('mira');
    expect(s.micOpen).toBe(false);
    expect(s.liveTracks).toBe(0);
    // Not asked again and again while the player stands there: not over the next 30 frames, nor
    // through a whole typed exchange (the NPC's state changes do not retry a denied microphone).
    await page.evaluate(() => window.phaserLab.frames(30));
    expect(await page.evaluate(() => window.phaserLab.micRequests())).toBe(1);
    const from = (await log(page)).length;
    expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
    const answered = (l: string[]) =>
      l.findIndex((x, i) => i >= from && x.startsWith('response:mira:A lantern is fifteen gold'));
    await until(
      page,
      () => log(page),
      (l) => answered(l) >= 0 && l.slice(answered(l)).includes('state:listening'),
      'the typed answer, spoken to its end',
    );
    expect(await page.evaluate(() => window.phaserLab.micRequests())).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('an agent with every conversation slot taken (queue_status, issue 14.5)', () => {
  const npc = loadNpc();
  // One slot, as a busy agent on the service: the next conversation waits in line.
  const rig = useRig('4', npc, {}, [], {
    limits: { maxSessions: 1, maxSessionsPerClient: 2, queueTimeoutMs: 20_000 },
  });

  it('the NPC is queued while another player holds the slot, then greets once admitted', async () => {
    // Another player's conversation holds the only slot.
    const other = new WebSocket(`${rig.agent.url}/v1/convai/conversation?agent_id=${npc.id}`);
    await new Promise((resolve, reject) => {
      other.once('error', reject);
      other.on('message', (d) => {
        if (String(d).includes('conversation_initiation_metadata')) resolve(null);
      });
      other.once('open', () => other.send(JSON.stringify({ type: 'conversation_initiation_client_data' })));
    });
    const { page, errors } = await openPage(rig.browser, rig.base, {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: NPC_AT.x - 60, y: NPC_AT.y },
    });
    await until(
      page,
      () => log(page),
      (l) => l.includes('state:queued'),
      'the queued state',
    );
    expect((await log(page)).some((x) => x.startsWith('response:'))).toBe(false);
    other.close();
    const greeting = `response:mira:${npc.agent.first_message}`;
    await until(
      page,
      () => log(page),
      (l) => l.includes(greeting),
      'the greeting once admitted',
    );
    const l = await log(page);
    expect(l.filter((x) => x.startsWith('error:') || x.startsWith('plugin:error'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a conversation the agent closes for lack of input (issue 16.1)', () => {
  const npc = loadNpc();
  const rig = {} as { agent: LocalAgent; server: ViteDevServer; base: string; browser: Browser };
  beforeAll(async () => {
    // The service's idle timeout, shortened: a player who stands there and says nothing.
    rig.agent = await createLocalAgent({ port: 0, npcs: [npc], llm: false, limits: { idleTimeoutMs: 1500 } });
    ({ server: rig.server, url: rig.base } = await startPageServer({ phaser: '4' }));
    // A quiet room: Chromium's default fake microphone beeps, and a beeping player is not idle.
    rig.browser = await launchBrowser({ micWav: silentWavFile(), loop: true });
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.close();
    await rig.agent?.close();
  });

  it('is no error: the player keeps the NPC, and typing picks the talk up again without a second greeting', async () => {
    const { page, errors } = await openPage(rig.browser, rig.base, {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: NPC_AT.x - 60, y: NPC_AT.y },
    });
    const greeting = `response:mira:${npc.agent.first_message}`;
    await until(
      page,
      () => log(page),
      (l) => l.includes(greeting),
      'the greeting',
    );
    // The greeting ends, then 1.5 s of silence: the agent closes the conversation.
    await until(
      page,
      () => log(page),
      (l) => l.some((x) => x.startsWith('end:mira:error')),
      'the idle end',
      20_000,
    );
    const s = await snapshot(page);
    expect(s.active).toBe('mira'); // still standing with her: never "nobody to talk to"
    expect(s.conversationId).toBeNull();
    const l = await log(page);
    expect(l.filter((x) => x.startsWith('error:') || x.startsWith('plugin:error'))).toEqual([]);
    // Typing opens a new conversation quietly and gets the answer.
    expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
    await until(
      page,
      () => log(page),
      (x) => x.some((e) => e.startsWith('response:mira:A lantern is fifteen gold')),
      'the answer after the idle end',
    );
    const after = await log(page);
    expect(after.filter((x) => x === greeting)).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the browser's speech recognition as the player's words (issue 15.1, with a stand-in)", () => {
  const npc = loadNpc();
  // No recognizer of its own: every word the NPC gets comes from the browser's recognizer.
  const rig = useRig('4', npc, {}, [], { recognizer: 'none' });

  it('push-to-talk runs it in the NPC language, and its words reach the NPC as the player turn', async () => {
    const page = await rig.browser.newPage();
    const { errors } = watchPage(page);
    // Headless Chromium has no recognition service: a stand-in with the Web Speech API's shape.
    await page.addInitScript(() => {
      const asr: NonNullable<Window['__asr']> = {
        started: [],
        stopped: 0,
        live: null,
        say(text: string) {
          const result = Object.assign([{ transcript: text, confidence: 0.92 }], { isFinal: true });
          asr.live?.onresult?.({ resultIndex: 0, results: [result] });
        },
      };
      window.__asr = asr;
      // Not a hook of ours but the Web Speech API's global, which the DOM lib does not declare.
      Object.assign(window, {
        SpeechRecognition: class {
          lang = '';
          continuous = false;
          interimResults = true;
          onresult: NonNullable<NonNullable<typeof asr.live>['onresult']> | null = null;
          onerror: ((e: { error: string }) => void) | null = null;
          onend: (() => void) | null = null;
          start() {
            asr.started.push(this.lang);
            asr.live = this;
          }
          stop() {
            asr.stopped++;
            setTimeout(() => this.onend?.(), 10);
          }
          abort() {
            this.stop();
          }
        },
      });
    });
    await page.addInitScript<PhaserPageConfig>((c) => (window.phaserConfig = c), {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: NPC_AT.x - 60, y: NPC_AT.y },
      speechRecognition: 'browser',
    });
    await page.goto(rig.base + PAGE);
    await page.waitForFunction(() => window.__creates === 1, null, { timeout: 30_000 });
    await until(
      page,
      () => log(page),
      (l) => l.some((x) => x.startsWith('start:mira')),
      'the conversation',
    );
    await page.evaluate(() => window.phaserLab.pushToTalk(true));
    const started = await until(
      page,
      () => page.evaluate(() => [...window.__asr!.started]),
      (v) => v.length > 0,
      'the recognizer to start',
    );
    expect(started[0]).toBe('en-US');
    await page.evaluate(() => window.__asr!.say('Do you sell lanterns?'));
    await page.evaluate(() => window.phaserLab.pushToTalk(false));
    await until(
      page,
      () => log(page),
      (l) => l.some((x) => x.startsWith('response:mira:A lantern is fifteen gold')),
      'the answer to the recognized words',
    );
    expect(await page.evaluate(() => window.phaserLab.playerBubble())).toContain('Do you sell lanterns?');
    expect(await page.evaluate(() => window.__asr!.stopped)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a game page whose Content-Security-Policy refuses inline worklets (issue 17.3)', () => {
  const npc = loadNpc();
  const rig = useRig('4', npc, {}, [contentSecurityPolicy(() => "script-src 'self'")]);

  it('says why once, as a plugin:error naming the policy, and the NPC still talks in text', async () => {
    const { page, errors } = await openPage(rig.browser, rig.base, {
      npc,
      agentUrl: rig.agent.url,
      npcAt: NPC_AT,
      playerAt: { x: NPC_AT.x - 60, y: NPC_AT.y },
    });
    const audioErrors = (l: string[]) => l.filter((x) => x.startsWith('plugin:error:audio:'));
    await until(
      page,
      () => log(page),
      (l) => l.some((x) => x.startsWith('response:mira:')) && audioErrors(l).length > 0,
      'the greeting as text and the audio error',
    );
    const from = (await log(page)).length;
    expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
    await until(
      page,
      () => log(page),
      (l) => l.slice(from).some((x) => x.startsWith('response:mira:A lantern is fifteen gold')),
      'the typed answer',
    );
    const l = await log(page);
    expect(audioErrors(l)).toHaveLength(1); // once, not once per voice or per turn
    expect(audioErrors(l)[0]).toMatch(/Content-Security-Policy/);
    expect(errors.filter((e) => !e.includes('voice worklet failed to load'))).toEqual([]);
    await page.close();
  });
});
