// Microphone capture in real Chromium, what the player controls and what goes wrong: voice
// processing, push-to-talk, muted and open modes, the echo guard, a denied or unplugged microphone,
// and a Howler context replaced mid-capture.
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../../harness/browser.js';
import { bestCorrelation, readWav } from '../fixtures/audio-browser/fixtures.js';
import { fx, METHODS } from './mic-rig.js';
import { useAudioLab } from './audio-lab.js';

const { inOwnBrowser, open } = useAudioLab();

describe('MicCapture', () => {
  it('asks for echo cancellation, noise suppression and auto gain by default, and the speech still comes through', async () => {
    await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const s = await lab.micSession({ mode: 'open' });
        await lab.until(() => s.chunks.length >= 130, 8000, '130 chunks');
        const settings = lab.streams[0]!.getAudioTracks()[0]!.getSettings();
        s.mic.stop();
        return { settings, samples: lab.samplesOf(s.chunks) };
      });
      expect(r.settings.echoCancellation).toBe(true);
      expect(r.settings.noiseSuppression).toBe(true);
      expect(r.settings.autoGainControl).toBe(true);
      const src = readWav(fx.speech16k);
      const got = Float32Array.from(r.samples, (v: number) => v / 32768);
      const { r: corr } = bestCorrelation(src.samples.subarray(0, 40000), got, 4000);
      expect(corr).toBeGreaterThan(0.6);
      expect(errors).toEqual([]);
    });
  });

  it('push-to-talk, muted and open modes: silence keeps flowing, speech only while talking; meter reads the mic', async () => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const s = await lab.micSession({ voiceProcessing: false }); // push-to-talk by default
        const window_ = async (n: number) => {
          const from = s.chunks.length;
          await lab.until(() => s.chunks.length >= from + n, 5000, `${n} chunks`);
          return s.chunks.slice(from, from + n);
        };
        const out: Record<string, unknown> = {};
        // 2 s pattern (tone, silence, tone, silence): 120 chunks span every part of it.
        out.pttIdleLoud = lab.loudChunks(await window_(100));
        let maxLevel = 0;
        const meter = setInterval(() => (maxLevel = Math.max(maxLevel, s.mic.level)), 10);
        s.mic.talkStart();
        out.pttTalkingLoud = lab.loudChunks(await window_(100));
        s.mic.talkEnd();
        await window_(2);
        out.pttReleasedLoud = lab.loudChunks(await window_(100));
        s.mic.setMode('muted');
        s.mic.talkStart();
        out.mutedLoud = lab.loudChunks(await window_(100));
        s.mic.setMode('open');
        await window_(2);
        out.openLoud = lab.loudChunks(await window_(100));
        clearInterval(meter);
        out.maxLevel = maxLevel;
        out.sizes = lab.chunkSizes(s.chunks);
        s.mic.stop();
        return out;
      });
      expect(r.pttIdleLoud).toBe(0);
      expect(r.pttTalkingLoud).toBeGreaterThan(40);
      expect(r.pttReleasedLoud).toBe(0);
      expect(r.mutedLoud).toBe(0);
      expect(r.openLoud).toBeGreaterThan(40);
      // 0.5-amplitude sine: RMS 0.35, seen by the meter even while muted or not talking.
      expect(r.maxLevel).toBeGreaterThan(0.25);
      expect(r.sizes).toEqual([320]);
      expect(errors).toEqual([]);
    });
  });

  it('open-mic echo guard: while an NPC speaks only input above the threshold is sent', async () => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const npc = { speaking: false };
        const count = async (s: Awaited<ReturnType<typeof lab.micSession>>, n: number) => {
          const from = s.chunks.length;
          await lab.until(() => s.chunks.length >= from + n, 5000);
          return lab.loudChunks(s.chunks.slice(from, from + n));
        };
        // The tone is -9 dBFS RMS. A -3 dB threshold treats it as echo; -20 dB as the player.
        const strict = await lab.micSession({
          mode: 'open',
          voiceProcessing: false,
          echoGuard: { source: npc, thresholdDb: -3 },
        });
        const quietNpc = await count(strict, 100);
        npc.speaking = true;
        await count(strict, 2);
        const guarded = await count(strict, 100);
        strict.mic.stop();
        const lax = await lab.micSession({
          mode: 'open',
          voiceProcessing: false,
          echoGuard: { source: npc, thresholdDb: -20 },
        });
        const passed = await count(lax, 100);
        lax.mic.stop();
        return { quietNpc, guarded, passed };
      });
      expect(r.quietNpc).toBeGreaterThan(40);
      expect(r.guarded).toBe(0);
      expect(r.passed).toBeGreaterThan(40);
      expect(errors).toEqual([]);
    });
  });

  it('a denied microphone is a typed event; nothing throws', async () => {
    await inOwnBrowser({ micWav: fx.speech16k, denyMic: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const s = await lab.micSession({ mode: 'open' });
        return { ok: s.ok, errors: s.errors, open: s.mic.isOpen, held: s.bridge.held };
      });
      expect(r).toEqual({ ok: false, errors: ['denied'], open: false, held: false });
      expect(errors).toEqual([]);
    });
  });

  it('an unplugged device and a revoked permission are typed events that close the mic', async () => {
    // Permission granted through the context (not the fake-UI flag), so it can be revoked later.
    const browser = await launchBrowser({ micWav: fx.tones48k, loop: true, denyMic: true });
    try {
      const context = await browser.newContext({ permissions: ['microphone'] });
      const { page, errors } = await open(context);
      const unplugged = await page.evaluate(async () => {
        const { lab } = window;
        const s = await lab.micSession({ mode: 'open' });
        await lab.until(() => s.chunks.length > 5);
        // What Chrome fires when the device goes away.
        lab.streams.at(-1)!.getAudioTracks()[0]!.dispatchEvent(new Event('ended'));
        const n = s.chunks.length;
        await lab.sleep(100);
        return {
          errors: s.errors,
          open: s.mic.isOpen,
          live: lab.streams.at(-1)!.getAudioTracks()[0]!.readyState,
          more: s.chunks.length - n,
        };
      });
      expect(unplugged).toEqual({ errors: ['unplugged'], open: false, live: 'ended', more: 0 });

      await page.evaluate(async () => {
        const { lab } = window;
        const s = await lab.micSession({ mode: 'open' });
        window.revokeSession = s;
        await lab.until(() => s.chunks.length > 5);
      });
      await context.clearPermissions();
      const revoked = await page.evaluate(async () => {
        const { lab } = window;
        const s = window.revokeSession!;
        await lab.until(() => s.errors.length > 0, 5000, 'revocation');
        return {
          errors: s.errors,
          open: s.mic.isOpen,
          live: lab.streams.at(-1)!.getAudioTracks()[0]!.readyState,
        };
      });
      expect(revoked).toEqual({ errors: ['revoked'], open: false, live: 'ended' });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it.each(METHODS)('%s: keeps capturing across a Howler context replacement', async (method) => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async (method) => {
        const { lab } = window;
        // A worklet captures on Howler's own context here (the shared path) so its replacement
        // matters; the track processor uses no context and must not notice.
        const s = await lab.micSession({
          mode: 'open',
          voiceProcessing: false,
          capture: method,
          context: 'howler',
        });
        await lab.until(() => s.chunks.length > 10);
        const onHowler = s.mic.captureContext === lab.Howler.ctx;
        const oldCtx = lab.Howler.ctx;
        lab.Howler.unload();
        const n = s.chunks.length;
        await lab.until(() => s.chunks.length > n + 100, 5000, 'chunks after replacement');
        const loud = lab.loudChunks(s.chunks.slice(n));
        s.mic.stop();
        return {
          onHowler,
          replaced: lab.Howler.ctx !== oldCtx,
          oldState: oldCtx.state,
          loud,
          sizes: lab.chunkSizes(s.chunks),
        };
      }, method);
      expect(r.onHowler).toBe(method === 'worklet');
      expect(r.replaced).toBe(true);
      expect(r.oldState).toBe('closed');
      expect(r.loud).toBeGreaterThan(30);
      expect(r.sizes).toEqual([320]);
      expect(errors).toEqual([]);
    });
  });

  it.each(METHODS)(
    '%s: with Howler in HTML5 Audio mode (no Web Audio to share) the microphone still captures',
    async (method) => {
      await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
        const r = await page.evaluate(async (method) => {
          const { lab } = window;
          // What a game gets with `Howler.usingWebAudio = false` (or html5 forced): no context.
          const html5 = {
            ctx: null,
            masterGain: null,
            autoSuspend: true,
            usingWebAudio: false,
            volume: () => 1,
          };
          const chunks: Int16Array[] = [];
          const errs: string[] = [];
          const mic = new lab.audio.MicCapture(new lab.audio.HowlerBridge(html5), {
            mode: 'open',
            voiceProcessing: false,
            capture: method,
            onChunk: (pcm) => chunks.push(pcm.slice()),
          });
          mic.on('error', (e) => errs.push(e.kind));
          const ok = await mic.start();
          await lab.until(() => chunks.length > 60, 5000, 'chunks');
          const loud = lab.loudChunks(chunks);
          const used = mic.captureMethod;
          const own = mic.captureContext !== null;
          mic.stop();
          return { ok, errs, used, own, loud };
        }, method);
        expect(r).toMatchObject({ ok: true, errs: [], used: method, own: method === 'worklet' });
        expect(r.loud).toBeGreaterThan(30);
        expect(errors).toEqual([]);
      });
    },
  );
});
