/**
 * Faults as a player meets them, in real Chromium: the Phaser plugin talks to the real local agent
 * through the fault proxy. A connection cut mid-reply, a 1011 from the service, and a main thread
 * starved by a 300 ms frame during playback. For each: the game loop keeps ticking, the player is told
 * in plain words when a conversation is lost, the microphone is released when nothing is active, no
 * AudioNode stays wired, and the audio either stays gapless or recovers without a click, with the
 * bubble following the voice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { launchBrowser, startPageServer } from '../../harness/browser.js';
import { pollPage } from '../../harness/poll.js';
import { untilOnPage as until, watchPage } from '../helpers/browser.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { FAULT_NPC, GREETING, POTION_REPLY } from '../../harness/npcs.js';
import type { FaultPage, FaultPageConfig } from './pages/fault/main.js';

const PAGE = '/test/browser/pages/fault/index.html';
const NPC_AT = { x: 600, y: 300 };
const STORY = 'Long ago, a dragon slept under the hill. Nobody woke it. Then a bard did.';

let agent: LocalAgent;
let browser: Browser;
let server: ViteDevServer;
let base: string;
let proxy: FaultProxy | undefined;
let page: Page | undefined;
let errors: string[] = [];

beforeAll(async () => {
  agent = await createLocalAgent({
    npcs: [FAULT_NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
  });
  ({ server, url: base } = await startPageServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await agent?.close();
});
afterEach(async () => {
  await page?.close();
  page = undefined;
  await proxy?.close();
  proxy = undefined;
});

/** The fault page's methods, by name (its `log` and `told` are arrays, read directly). */
type FaultCall = {
  [K in keyof FaultPage]: FaultPage[K] extends (...a: never[]) => unknown ? K : never;
}[keyof FaultPage];
const t = <K extends FaultCall>(p: Page, fn: K, ...args: Parameters<FaultPage[K]>) =>
  p.evaluate(([f, a]) => (window.fault[f] as (...x: unknown[]) => unknown)(...a), [
    fn,
    args,
  ] as const) as Promise<Awaited<ReturnType<FaultPage[K]>>>;
const snap = (p: Page) => t(p, 'snapshot');
const log = (p: Page) => p.evaluate(() => window.fault.log);

async function open(reconnect?: { baseDelayMs: number; maxAttempts: number }): Promise<Page> {
  proxy = await startFaultProxy(agent.url);
  const p = await browser.newPage();
  errors = watchPage(p).errors;
  await p.addInitScript((c: FaultPageConfig) => (window.faultConfig = c), {
    npc: FAULT_NPC,
    agentUrl: proxy.url,
    npcAt: NPC_AT,
    playerAt: { x: 50, y: 50 },
    ...(reconnect ? { reconnect } : {}),
  });
  await p.goto(base + PAGE);
  await pollPage(
    p,
    () => window.__ready,
    (r) => r === true,
    {
      what: 'the fault page to set window.__ready',
      timeout: 30_000,
    },
  );
  await t(p, 'ready');
  page = p;
  return p;
}

/** Walks up to the NPC and waits until its greeting has been heard and the mic is open. */
async function walkUpAndListen(p: Page): Promise<void> {
  await t(p, 'movePlayer', NPC_AT.x - 60, NPC_AT.y);
  await until(
    p,
    () => log(p),
    (l) => l.includes(`response:${GREETING}`),
    'the greeting',
  );
  await until(
    p,
    () => snap(p),
    (s) => s.micOpen && s.liveTracks > 0 && s.npcState === 'listening',
    'the greeting to end and the mic to open',
  );
}

/** Asks for the long story and waits until it is audible. */
async function storyPlaying(p: Page): Promise<void> {
  expect(await t(p, 'sendText', 'Tell me a story')).toBe(true);
  await until(
    p,
    () => log(p),
    (l) => l.includes(`response:${STORY}`),
    'the story reply',
  );
  await until(
    p,
    () => t(p, 'level'),
    (v) => v > 0.003,
    'the story to be audible',
  );
}

/** The game loop and rAF keep running: at least `n` more steps within a couple of seconds. */
async function gameKeepsTicking(p: Page, n = 30): Promise<void> {
  const before = await t(p, 'ticks');
  await until(
    p,
    () => t(p, 'ticks'),
    (v) => v.steps >= before.steps + n && v.frames >= before.frames + n,
    'the game loop to keep ticking',
    5000,
  );
}

async function walkAwayAndRelease(p: Page, wiredBefore: number): Promise<void> {
  await t(p, 'movePlayer', 50, 50);
  await until(
    p,
    () => snap(p),
    (s) => s.npcState === 'idle' && !s.micOpen && s.liveTracks === 0,
    'the mic to be released',
  );
  // Every node the conversation wired (voice worklet, panner, gains, mic source and worklet) is unwired.
  await until(
    p,
    () => t(p, 'audioNodes'),
    (n) => n.wired <= wiredBefore,
    'AudioNodes to be released',
  );
}

describe('faults in the browser, as a player meets them', () => {
  it('a connection cut mid-reply: the game runs on, the conversation comes back and works, nothing leaks', async () => {
    const p = await open();
    const wiredBefore = (await t(p, 'audioNodes')).wired;
    await walkUpAndListen(p);
    await storyPlaying(p);
    const firstConversation = (await snap(p)).conversationId;
    const cutAt = (await log(p)).length;
    proxy!.cutClients();
    await gameKeepsTicking(p);
    await until(
      p,
      () => log(p),
      (l) => l.includes('connected:1'),
      'the reconnect',
    );
    expect(await log(p)).toContain('reconnecting:1:50');
    // The NPC's state marker shows it reconnecting, and the game is told in plain words why.
    expect((await log(p)).slice(cutAt)).toContain('state:connecting');
    const told = await p.evaluate(() => window.fault.told);
    expect(told).toContainEqual(expect.stringMatching(/^reconnecting 1\/\d+: .*connection.*lost/i));
    // The new conversation answers, and is heard.
    await until(
      p,
      () => snap(p),
      (s) => s.conversationId !== null && s.conversationId !== firstConversation,
      'the new conversation id',
    );
    expect(await t(p, 'sendText', 'Do you sell a potion?')).toBe(true);
    await until(
      p,
      () => log(p),
      (l) => l.includes(`response:${POTION_REPLY}`),
      'the answer after the reconnect',
    );
    await until(
      p,
      () => t(p, 'level'),
      (v) => v > 0.003,
      'the answer to be audible',
    );
    expect(proxy!.accepted()).toBe(2);
    await walkAwayAndRelease(p, wiredBefore);
    expect(errors).toEqual([]);
  });

  it('a 1011 mid-reply: the player is told in plain words, the mic is released, and it is not retried in a loop', async () => {
    const p = await open();
    const wiredBefore = (await t(p, 'audioNodes')).wired;
    await walkUpAndListen(p);
    await storyPlaying(p);
    proxy!.closeClients(1011, '');
    const s = await until(
      p,
      () => snap(p),
      (v) => v.notice !== '',
      'the player to be told',
    );
    expect(s.notice).toBe('The agent service had an internal error.');
    expect(await log(p)).toContain('end:fault:error');
    await gameKeepsTicking(p);
    // Standing next to the NPC with nothing active: the microphone is released and the voice unwired.
    await until(
      p,
      () => snap(p),
      (v) => !v.micOpen && v.liveTracks === 0,
      'the mic to be released while still in range',
    );
    await until(
      p,
      () => t(p, 'audioNodes'),
      (n) => n.wired <= wiredBefore,
      'AudioNodes to be released',
    );
    // No reconnect loop against a server error: wait well past several backoff periods.
    const accepted = proxy!.accepted();
    await gameKeepsTicking(p, 60);
    expect(proxy!.accepted()).toBe(accepted);
    expect((await log(p)).filter((l) => l.startsWith('reconnecting'))).toEqual([]);
    // The way to try again is the natural one: walk away and come back, and the NPC greets anew.
    await t(p, 'movePlayer', 50, 50);
    await until(
      p,
      () => snap(p),
      (v) => v.npcState === 'idle',
      'the NPC to be idle after walking away',
    );
    // Stay away a second, as a player would (past the 300 ms linger), before walking back: the
    // proximity tracker only sees positions on game frames.
    await gameKeepsTicking(p, 60);
    const greetings = (await log(p)).filter((l) => l === `response:${GREETING}`).length;
    await t(p, 'movePlayer', NPC_AT.x - 60, NPC_AT.y);
    await until(
      p,
      () => log(p),
      (l) => l.filter((x) => x === `response:${GREETING}`).length > greetings,
      'a new greeting',
    );
    expect(proxy!.accepted()).toBe(accepted + 1);
    await walkAwayAndRelease(p, wiredBefore);
    expect(errors).toEqual([]);
  });

  it('a 300 ms frame during playback: no click, nothing lost, and the bubble keeps up with the voice', async () => {
    const p = await open();
    await walkUpAndListen(p);
    const ask = async (stallMs: number) => {
      await t(p, 'startRecording');
      const from = (await log(p)).length;
      expect(await t(p, 'sendText', 'Tell me a story')).toBe(true);
      await until(
        p,
        () => log(p),
        (l) => l.slice(from).includes(`response:${STORY}`),
        'the story',
      );
      await until(
        p,
        () => snap(p),
        (v) => v.npcState === 'speaking' && v.positionMs > 600,
        'playback to be under way',
      );
      if (stallMs) await t(p, 'stall', stallMs);
      // Right after the long frame, and while the rest plays: the bubble is where the voice is.
      const drift: number[] = [];
      await until(
        p,
        async () => {
          const v = await snap(p);
          if (v.npcState === 'speaking' && v.alignedChars > 0) drift.push(v.bubble.length - v.spokenChars);
          return v;
        },
        (v) => v.npcState === 'listening',
        'the story to finish',
        30_000,
      );
      const audio = await t(p, 'stopRecording');
      return { audio, drift, underruns: (await snap(p)).underruns };
    };
    const clean = await ask(0);
    const starved = await ask(300);
    // Nothing lost: the whole reply played either way (within one starvation's worth of extra silence).
    expect(starved.audio.audibleMs).toBeGreaterThan(clean.audio.audibleMs - 50);
    expect(starved.audio.silenceMs - clean.audio.silenceMs).toBeLessThan(400);
    // No click: the largest sample-to-sample jump stays in the range of the speech itself.
    expect(starved.audio.maxJump).toBeLessThan(
      Math.max(clean.audio.maxJump * 1.5, starved.audio.p999Jump * 4),
    );
    // The bubble never runs ahead of or lags the voice by more than a couple of words.
    expect(starved.drift.length).toBeGreaterThan(3);
    for (const d of starved.drift) expect(Math.abs(d)).toBeLessThanOrEqual(12);
    expect(errors).toEqual([]);
  });
});
