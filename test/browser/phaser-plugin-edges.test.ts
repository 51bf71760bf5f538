// The scene plugin in real Chromium against the real local agent, away from the plain walk-up
// (phaser-plugin.test.ts): installed at run time, a denied microphone, every slot taken, an idle
// end, the browser's recognizer as the player's words, a page whose CSP refuses inline worklets.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { contentSecurityPolicy, silentWavFile, untilOnPage as until } from '../helpers/browser.js';
import {
  BESIDE_NPC,
  OUT_OF_REACH,
  askLanterns,
  audioErrors,
  counts,
  loadNpc,
  log,
  movePlayer,
  snapshot,
  textDespiteAudioError,
  untilLog,
  untilSnapshot,
  useRig,
  walkAway,
} from './phaser-rig.js';

describe('VoiceAgentsPlugin installed at run time', () => {
  const npc = loadNpc();
  const rig = useRig('3', npc);

  it('installVoiceAgents(scene) from create() boots once, starts at once and talks (Phaser 3.90)', async () => {
    const { page, errors } = await rig.open(OUT_OF_REACH, { runtimeInstall: true });
    // Same subscriptions as when registered in the game config, and no BOOT listener left behind.
    expect(await counts(page)).toMatchObject({ sceneEvents: 4, npcObject: 1, boot: 0 });
    await movePlayer(page, BESIDE_NPC.x, BESIDE_NPC.y);
    await untilSnapshot(page, (v) => v.npcState === 'speaking' && v.bubble.length > 0, 'the greeting');
    await walkAway(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('VoiceAgentsPlugin with the microphone denied', () => {
  const npc = loadNpc();
  const rig = useRig('4', npc, { denyMic: true });

  it('reports a typed mic error once, keeps the conversation, and typing still works', async () => {
    const { page, errors } = await rig.open(BESIDE_NPC);
    await untilLog(page, (l) => l.some((x) => x.startsWith('plugin:error:mic:')), 'the mic error');
    const s = await snapshot(page);
    expect(s.active).toBe('mira');
    expect(s.micOpen).toBe(false);
    expect(s.liveTracks).toBe(0);
    // Not asked again and again while the player stands there: not over the next 30 frames, nor
    // through a whole typed exchange (the NPC's state changes do not retry a denied microphone).
    await page.evaluate(() => window.phaserLab.frames(30));
    expect(await page.evaluate(() => window.phaserLab.micRequests())).toBe(1);
    await askLanterns(page);
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
    const { page, errors } = await rig.open(BESIDE_NPC);
    await untilLog(page, (l) => l.includes('state:queued'), 'the queued state');
    expect((await log(page)).some((x) => x.startsWith('response:'))).toBe(false);
    other.close();
    const greeting = `response:mira:${npc.agent.first_message}`;
    await untilLog(page, (l) => l.includes(greeting), 'the greeting once admitted');
    const l = await log(page);
    expect(l.filter((x) => x.startsWith('error:') || x.startsWith('plugin:error'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a conversation the agent closes for lack of input (issue 16.1)', () => {
  const npc = loadNpc();
  // The service's idle timeout, shortened: a player who stands there and says nothing. A quiet
  // room: Chromium's default fake microphone beeps, and a beeping player is not idle.
  const rig = useRig('4', npc, { micWav: silentWavFile(), loop: true }, [], {
    limits: { idleTimeoutMs: 1500 },
  });

  it('is no error: the player keeps the NPC, and typing picks the talk up again without a second greeting', async () => {
    const { page, errors } = await rig.open(BESIDE_NPC);
    const greeting = `response:mira:${npc.agent.first_message}`;
    await untilLog(page, (l) => l.includes(greeting), 'the greeting');
    // The greeting ends, then 1.5 s of silence: the agent closes the conversation.
    await untilLog(page, (l) => l.some((x) => x.startsWith('end:mira:error')), 'the idle end', 20_000);
    const s = await snapshot(page);
    expect(s.active).toBe('mira'); // still standing with her: never "nobody to talk to"
    expect(s.conversationId).toBeNull();
    const l = await log(page);
    expect(l.filter((x) => x.startsWith('error:') || x.startsWith('plugin:error'))).toEqual([]);
    // Typing opens a new conversation quietly and gets the answer.
    expect(await page.evaluate(() => window.phaserLab.sendText('Do you sell lanterns?'))).toBe(true);
    await untilLog(
      page,
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
    // Headless Chromium has no recognition service: a stand-in with the Web Speech API's shape.
    const speechRecognitionStandIn = (page: Page) =>
      page.addInitScript(() => {
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
    const { page, errors } = await rig.open(
      BESIDE_NPC,
      { speechRecognition: 'browser' },
      speechRecognitionStandIn,
    );
    await untilLog(page, (l) => l.some((x) => x.startsWith('start:mira')), 'the conversation');
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
    await untilLog(
      page,
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
    const { page, errors } = await rig.open(BESIDE_NPC);
    await textDespiteAudioError(page);
    const l = await log(page);
    expect(audioErrors(l)).toHaveLength(1); // once, not once per voice or per turn
    expect(audioErrors(l)[0]).toMatch(/Content-Security-Policy/);
    expect(errors.filter((e) => !e.includes('voice worklet failed to load'))).toEqual([]);
    await page.close();
  });
});
