// AudioLink fetches the microphone's code (a chunk of its own) when a conversation first wants the
// mic, and the player can end the conversation, mute, or leave the scene before it arrives. These
// tests hold the chunk back and play those races out: what the player would notice is a mic that
// opens when nothing wants it (the browser's prompt and recording light), an error for a fetch that
// no longer mattered, or a mic that never opens after one failed fetch. The browser part of the mic
// (getUserMedia) is replaced; the rest of MicCapture and the whole link are the real code.
import { describe, it, expect } from 'vitest';
import type { HowlerBridge, HowlerLike } from '../../plugin/audio/howler-bridge.js';
import { MicCapture, type MicCaptureOptions, type MicMode } from '../../plugin/audio/mic-capture.js';
import { MicError } from '../../plugin/audio/mic-errors.js';
import { lazy } from '../../plugin/common/lazy.js';
import { AudioLink } from '../../plugin/phaser/audio-link.js';
import type { VoiceAgentsError } from '../../plugin/phaser/events.js';

type MicModule = typeof import('../../plugin/audio/mic-capture.js');

/** Howler without Web Audio: enough for the link's bridge and mixer; no voice can be made on it. */
const howler: HowlerLike = {
  ctx: null,
  masterGain: null,
  autoSuspend: true,
  usingWebAudio: false,
  volume: () => 1,
};

/** Lets every pending promise callback run (the chunk's arrival goes through a few). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/**
 * A link whose mic chunk is fetched by the test. `shared`: wrapped in lazy() as the plugin's own
 * loader is, so every link of the page shares one fetch (a restarted scene's link among them).
 */
function rig(opts: { micMode?: MicMode; shared?: boolean; prompt?: boolean } = {}) {
  const fetches: { resolve: (m: MicModule) => void; reject: (e: unknown) => void }[] = [];
  /** With `prompt`: each start() waits for the test to answer the browser's permission prompt. */
  const prompts: { mic: MicCapture; allow: () => void }[] = [];
  const fetchChunk = () => new Promise<MicModule>((resolve, reject) => fetches.push({ resolve, reject }));
  const mics: FakeMic[] = [];

  /** The real MicCapture, but start() is the permission prompt answered at once and stop() its undoing. */
  class FakeMic extends MicCapture {
    readonly rate: number;
    starts = 0;
    pttHeld = false;
    #open = false;
    #stops = 0;
    constructor(bridge: HowlerBridge, options: MicCaptureOptions = {}) {
      super(bridge, options);
      this.rate = options.sampleRate ?? 16000;
      mics.push(this);
    }
    override get isOpen(): boolean {
      return this.#open;
    }
    override async start(): Promise<boolean> {
      this.starts++;
      if (opts.prompt) {
        const stopsBefore = this.#stops;
        await new Promise<void>((allow) => prompts.push({ mic: this, allow }));
        // As MicCapture: stopped while the prompt was up, the answer opens nothing.
        if (this.#stops !== stopsBefore) return false;
      }
      this.#open = true;
      this.emit('open');
      return true;
    }
    override stop(): void {
      this.#stops++;
      super.stop();
      if (!this.#open) return;
      this.#open = false;
      this.emit('close');
    }
    override talkStart(): void {
      super.talkStart();
      this.pttHeld = true;
    }
    override talkEnd(): void {
      super.talkEnd();
      this.pttHeld = false;
    }
  }

  const link = new AudioLink(
    () => ({ howler, micMode: opts.micMode ?? 'push-to-talk' }),
    opts.shared ? lazy(fetchChunk) : fetchChunk,
  );
  const errors: VoiceAgentsError[] = [];
  const micEvents: boolean[] = [];
  link.on('error', (e) => errors.push(e));
  link.on('mic', (open) => micEvents.push(open));
  const arrive = async (i: number) => {
    fetches[i]!.resolve({ MicCapture: FakeMic });
    await settle();
  };
  const fail = async (i: number, cause: unknown) => {
    fetches[i]!.reject(cause);
    await settle();
  };
  return { link, fetches, mics, errors, micEvents, arrive, fail, prompts };
}

describe('AudioLink: the microphone chunk arriving late', () => {
  it('two conversations starting while the chunk loads share its fetch; it opens one mic, at the rate of the one active then', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.retry(); // the player walked to another NPC, whose conversation speaks 24 kHz
    r.link.want(24000);
    expect(r.fetches).toHaveLength(1);
    await r.arrive(0);
    expect(r.mics.map((m) => [m.rate, m.starts])).toEqual([[24000, 1]]);
    expect(r.micEvents).toEqual([true]);
    expect(r.errors).toEqual([]);
  });

  it('the conversation ends before the chunk arrives: no mic opens; the next conversation opens it without fetching again', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.want(0);
    await r.arrive(0);
    expect(r.mics).toEqual([]);
    expect(r.micEvents).toEqual([]);
    r.link.want(16000);
    await settle();
    expect(r.fetches).toHaveLength(1);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
    expect(r.micEvents).toEqual([true]);
  });

  it('the player mutes before the chunk arrives: no mic opens; unmuting opens it without fetching again', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.setMode('muted');
    r.link.want(16000); // the director re-applies the mic after every mode change
    await r.arrive(0);
    expect(r.mics).toEqual([]);
    expect(r.micEvents).toEqual([]);
    r.link.setMode('open');
    r.link.want(16000);
    await settle();
    expect(r.fetches).toHaveLength(1);
    expect(r.mics.map((m) => [m.mode, m.starts])).toEqual([['open', 1]]);
  });

  it('a game muted from the start fetches no mic code during a conversation, and does once unmuted', async () => {
    const r = rig({ micMode: 'muted' });
    r.link.want(16000);
    await settle();
    expect(r.fetches).toHaveLength(0);
    r.link.setMode('push-to-talk');
    r.link.want(16000);
    expect(r.fetches).toHaveLength(1);
    await r.arrive(0);
    expect(r.mics.map((m) => [m.mode, m.starts])).toEqual([['push-to-talk', 1]]);
  });

  it('push-to-talk held while the chunk loads: the mic it opens is already talking', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.talk(true);
    await r.arrive(0);
    expect(r.mics.map((m) => m.pttHeld)).toEqual([true]);
  });

  it('the scene shuts down and restarts while the chunk loads: the old link opens nothing, the new conversation one mic', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.dispose();
    r.link.want(16000); // the restarted scene's first conversation
    expect(r.fetches).toHaveLength(2); // the game's loader makes these one download (next test)
    await r.arrive(0);
    expect(r.mics).toEqual([]);
    await r.arrive(1);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
    expect(r.micEvents).toEqual([true]);
    // Shutting down closes the mic and leaves nothing subscribed to it.
    r.link.dispose();
    expect(r.micEvents).toEqual([true, false]);
    expect(r.mics[0]!.eventNames()).toEqual([]);
  });

  it('with the shared loader, a restarted scene waits on the same fetch; if it fails, the player hears of it once, and pressing talk fetches it again', async () => {
    const r = rig({ shared: true });
    r.link.want(16000);
    r.link.dispose();
    r.link.want(16000);
    expect(r.fetches).toHaveLength(1);
    await r.fail(0, new Error('offline'));
    expect(r.errors.map((e) => e.kind)).toEqual(['mic']);
    // The failure is not remembered: pressing talk fetches again, and the mic opens.
    r.link.talk(true);
    r.link.want(16000);
    expect(r.fetches).toHaveLength(2);
    await r.arrive(1);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
  });
});

describe('AudioLink: the microphone chunk failing to load', () => {
  it("a conversation waiting for it gets one 'mic' error caused by MicError('failed'); the mic is not asked again until the player acts, then it loads", async () => {
    const r = rig();
    r.link.want(16000);
    const offline = new Error('offline');
    await r.fail(0, offline);
    expect(r.errors).toHaveLength(1);
    const [e] = r.errors;
    expect(e!.kind).toBe('mic');
    expect(e!.message).toContain('offline');
    expect(e!.cause).toBeInstanceOf(MicError);
    expect(e!.cause).toMatchObject({ kind: 'failed', cause: offline });
    // The conversation's state changes re-apply the mic; none of that may fetch or report again.
    r.link.want(16000);
    await settle();
    expect(r.fetches).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    // Pressing talk asks again (as do a mode change and another NPC becoming active).
    r.link.talk(true);
    r.link.want(16000);
    expect(r.fetches).toHaveLength(2);
    await r.arrive(1);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
    expect(r.micEvents).toEqual([true]);
    expect(r.errors).toHaveLength(1);
  });

  it('a fetch that fails after the conversation ended reports nothing; the next conversation fetches again', async () => {
    const r = rig();
    r.link.want(16000);
    r.link.want(0);
    await r.fail(0, new Error('offline'));
    expect(r.errors).toEqual([]);
    r.link.want(16000);
    expect(r.fetches).toHaveLength(2);
    await r.arrive(1);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
  });
});

describe('AudioLink: Howler without Web Audio (HTML5 Audio mode)', () => {
  it('gives NPCs no voice and says why once, holds nothing, and the mic still opens', async () => {
    const r = rig();
    expect(r.link.createVoice()).toBeNull();
    expect(r.link.createVoice()).toBeNull(); // the next NPC: no second report
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ kind: 'audio' });
    expect(r.errors[0]!.message).toMatch(/Web Audio.*text only/);
    // A voice that failed to build keeps Howler's context free to auto-suspend.
    expect(r.link.mixer!.bridge.held).toBe(false);
    expect(r.link.mixer!.bridge.listenerCount('context')).toBe(0);
    r.link.want(16000);
    await r.arrive(0);
    expect(r.mics.map((m) => m.starts)).toEqual([1]);
    expect(r.errors).toHaveLength(1);
  });
});

describe('AudioLink: the mic asked for again while the permission prompt is up', () => {
  it('the player walks off and back during the prompt: one more prompt, then one open mic, not a loop of prompts', async () => {
    const r = rig({ prompt: true });
    r.link.want(16000);
    await r.arrive(0);
    expect(r.prompts).toHaveLength(1);
    r.link.want(0);
    r.link.want(16000);
    expect(r.prompts).toHaveLength(2);
    r.prompts[0]!.allow(); // the abandoned prompt's answer
    await settle();
    expect(r.prompts).toHaveLength(2);
    expect(r.micEvents).toEqual([]);
    r.prompts[1]!.allow();
    await settle();
    expect(r.mics.map((m) => m.isOpen)).toEqual([true]);
    expect(r.micEvents).toEqual([true]);
    expect(r.prompts).toHaveLength(2);
  });

  it('the next NPC speaks another rate during the prompt: the new mic asks, and opens at that rate', async () => {
    const r = rig({ prompt: true });
    r.link.want(16000);
    await r.arrive(0);
    r.link.retry();
    r.link.want(24000);
    await settle();
    expect(r.prompts.map((p) => (p.mic as { rate?: number }).rate)).toEqual([16000, 24000]);
    r.prompts[0]!.allow();
    r.prompts[1]!.allow();
    await settle();
    expect(r.mics.map((m) => [m.rate, m.isOpen])).toEqual([
      [16000, false],
      [24000, true],
    ]);
  });
});
