// NPC voice playback in real Chromium, recorded by an AudioWorklet tapped on Howler.masterGain:
// barge-in, the wire's audio formats, what a voice reports (state, position, level), Howler
// replacing or suspending its context, and autoplay. audio-voice.test.ts: streaming and space.
import { describe, expect, it } from 'vitest';
import { poll } from '../../harness/poll.js';
import { launchBrowser } from '../../harness/browser.js';
import { watchPage } from '../helpers/browser.js';
import { useAudioLab } from './audio-lab.js';

const lab = useAudioLab({ browser: true });
const open = (query = '') => lab.open(lab.browser(), query);

describe('NpcVoice playback', () => {
  it('flush (barge-in) is below -40 dB well within 30 ms without a click; stale chunks are dropped; the next turn plays', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { ctx, voice } = lab.voiceRig();
      const rec = await lab.recordOutput(ctx);
      const flushed: number[] = [];
      voice.on('flushed', (_t: number, ms: number) => flushed.push(ms));
      const modes = lab.modeLog(voice);
      const turn = lab.tone(440, 16000, 3, 0.5);
      voice.push(turn.subarray(0, 32000), 16000, 4);
      await lab.until(() => voice.mode === 'speaking', 3000);
      await lab.until(() => voice.playbackPositionMs > 400, 3000);
      const t0 = ctx.currentTime;
      voice.flush();
      voice.push(turn.subarray(32000), 16000, 4); // late chunks of the interrupted turn: dropped
      await lab.until(() => flushed.length === 1, 2000, 'flushed');
      const quietFrom = ctx.currentTime;
      await lab.sleep(150);
      voice.push(lab.tone(1000, 16000, 0.4, 0.5), 16000, 6);
      await lab.until(() => modes.includes('speaking:6'), 2000, 'next turn');
      await lab.until(() => voice.mode === 'listening', 3000);
      const { L, rate, firstTime } = await rec.stop();
      const i0 = Math.round((t0 - firstTime) * rate);
      const before = lab.rms(L, i0 - Math.round(0.05 * rate), i0);
      // First 64-sample block from which the output stays 40 dB below `before` until the next turn.
      const iq = Math.round((quietFrom - firstTime) * rate);
      let silentAt = -1;
      for (let i = i0; i < iq + 4096; i += 64) {
        if (lab.rms(L, i, i + 64) < before * 0.01) {
          if (silentAt < 0) silentAt = i;
        } else silentAt = -1;
      }
      const res = lab.sineResidual(L, 440, rate, i0 - 4410, i0 + 4410);
      // Second turn: 1000 Hz is there.
      let nextLevel = 0;
      const iNext = iq + Math.round(0.15 * rate);
      for (let i = iNext; i + 2048 < L.length; i += 2048)
        nextLevel = Math.max(nextLevel, lab.rms(L, i, i + 2048));
      voice.dispose();
      return {
        silenceMs: silentAt < 0 ? -1 : ((silentAt + 64 - i0) / rate) * 1000,
        before,
        residualRatio: res / (before * Math.SQRT2),
        flushedMs: flushed[0],
        nextLevel,
        modes,
        staleLevel: lab.rms(L, iq, iq + Math.round(0.1 * rate)),
      };
    });
    expect(r.before, JSON.stringify(r)).toBeGreaterThan(0.2);
    expect(r.silenceMs, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.silenceMs, JSON.stringify(r)).toBeLessThan(20);
    expect(r.residualRatio, JSON.stringify(r)).toBeLessThan(0.02);
    expect(r.flushedMs).toBeGreaterThan(400);
    expect(r.staleLevel).toBeLessThan(1e-3);
    expect(r.nextLevel, JSON.stringify(r)).toBeGreaterThan(0.2);
    expect(r.modes).toEqual(['speaking:4', 'listening', 'speaking:6', 'listening']);
    expect(errors).toEqual([]);
  });

  it('after restart() (a reconnect: the agent numbers its turns from 1 again) a low turn id plays and reports its id', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { voice } = lab.voiceRig();
      const modes = lab.modeLog(voice);
      voice.push(lab.tone(440, 16000, 1, 0.5), 16000, 9);
      await lab.until(() => voice.mode === 'speaking', 3000);
      voice.flush(); // the player cut turn 9 off
      voice.push(lab.tone(440, 16000, 0.3, 0.5), 16000, 2); // same conversation: an older turn, dropped
      await lab.sleep(300);
      const playedOld = modes.includes('speaking:2');
      voice.restart();
      voice.push(lab.tone(660, 16000, 0.4, 0.5), 16000, 2);
      await lab.until(() => modes.includes('speaking:2'), 3000, "the new conversation's turn 2");
      const turnId = voice.turnId;
      await lab.until(() => voice.mode === 'listening', 3000);
      voice.dispose();
      return { playedOld, turnId, modes };
    });
    expect(r.playedOld).toBe(false);
    expect(r.turnId).toBe(2);
    expect(r.modes).toEqual(['speaking:9', 'listening', 'speaking:2', 'listening']);
    expect(errors).toEqual([]);
  });

  it('plays wire bytes in ulaw_8000 and pcm_24000 at the right pitch and length', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { bridge, voice } = lab.voiceRig();
      // mu-law encoder (G.711) for the test signal: 400 Hz, 0.5 s at 8 kHz.
      const ulaw = (v: number) => {
        const sign = v < 0 ? 0x80 : 0;
        const x = Math.min(32635, Math.abs(v)) + 0x84;
        let exp = 7;
        for (let m = 0x4000; (x & m) === 0 && exp > 0; m >>= 1) exp--;
        return ~(sign | (exp << 4) | ((x >> (exp + 3)) & 0x0f)) & 0xff;
      };
      const tone8k = lab.tone(400, 8000, 0.5, 0.5);
      const bytesU = Uint8Array.from(tone8k, ulaw);
      const tone24k = lab.tone(400, 24000, 0.5, 0.5);
      const bytesP = new Uint8Array(tone24k.buffer.slice(0));
      const out: { zc: number; ms: number }[] = [];
      for (const [bytes, fmt, turn] of [
        [bytesU, 'ulaw_8000', 1],
        [bytesP, 'pcm_24000', 2],
      ] as const) {
        const rec = await lab.recordOutput(bridge.context);
        voice.pushEncoded(bytes, fmt, turn);
        await lab.until(() => voice.turnId === turn, 3000);
        await lab.until(() => voice.mode === 'listening', 3000);
        const { L, rate } = await rec.stop();
        const { first, last } = lab.span(L, 0.05);
        let zc = 0;
        for (let i = first + 1; i <= last; i++) if (L[i - 1]! < 0 !== L[i]! < 0) zc++;
        out.push({ zc: zc / 2 / ((last - first) / rate), ms: ((last - first) / rate) * 1000 });
      }
      voice.dispose();
      return out;
    });
    for (const x of r) {
      expect(Math.abs(x.zc - 400), JSON.stringify(r)).toBeLessThan(10);
      expect(Math.abs(x.ms - 500), JSON.stringify(r)).toBeLessThan(10);
    }
    expect(errors).toEqual([]);
  });

  it('reports speaking/listening, the playback position and an output level for a mouth flap', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { ctx, voice } = lab.voiceRig();
      const modes = lab.modeLog(voice, false);
      voice.push(lab.tone(300, 22050, 1.0, 0.5), 22050, 2);
      await lab.until(() => voice.mode === 'speaking', 3000);
      const t0 = performance.now();
      const samples: [number, number, number][] = [];
      let maxLevel = 0;
      while (voice.mode === 'speaking') {
        samples.push([performance.now() - t0, voice.playbackPositionMs, ctx.currentTime * 1000]);
        maxLevel = Math.max(maxLevel, voice.level);
        await lab.sleep(50);
      }
      const quietLevel = voice.level;
      const end = voice.playbackPositionMs;
      voice.dispose();
      return { modes, samples, maxLevel, quietLevel, end };
    });
    expect(r.modes).toEqual(['speaking', 'listening']);
    // The position starts near the start and then follows the audio clock while speaking: both are
    // read together, so their offset holds to a render quantum or two. (Against the wall clock it
    // would test Chromium's audio thread, which falls behind on a loaded machine.)
    const [, pos0, audio0] = r.samples[0]!;
    expect(pos0, JSON.stringify(r.samples)).toBeLessThan(500);
    for (const [, pos, audioMs] of r.samples.filter(([, p]) => p < 900))
      expect(Math.abs(pos - audioMs - (pos0 - audio0)), JSON.stringify(r.samples)).toBeLessThan(15);
    expect(Math.abs(r.end - 1000)).toBeLessThan(10);
    expect(r.maxLevel).toBeGreaterThan(0.2);
    expect(r.quietLevel).toBeLessThan(0.01);
    expect(errors).toEqual([]);
  });

  it('a voice disposed mid-word is disconnected inside dispose() and silent after it; its worklet is told to stop after that task', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { ctx, voice } = lab.voiceRig();
      const rec = await lab.recordOutput(ctx);
      voice.push(lab.tone(330, 16000, 1.5, 0.5), 16000, 1);
      await lab.until(() => voice.playbackPositionMs > 300, 3000, 'playing');
      // The stop message to the audio thread (it can wait on that thread) is counted by where it is sent from.
      const post = MessagePort.prototype.postMessage;
      let inDispose = false;
      const stops: boolean[] = [];
      MessagePort.prototype.postMessage = function (
        this: MessagePort,
        message: unknown,
        transfer: Transferable[],
      ) {
        if (message === 'stop') stops.push(inDispose);
        (post as (m: unknown, t: Transferable[]) => void).call(this, message, transfer);
      } as MessagePort['postMessage'];
      const edgesPlaying = lab.edgeCount();
      let t0 = 0,
        edgesAfterDispose = 0;
      try {
        t0 = ctx.currentTime;
        inDispose = true;
        voice.dispose();
        inDispose = false;
        edgesAfterDispose = lab.edgeCount();
        await lab.until(() => stops.length > 0, 2000, 'the stop message');
      } finally {
        inDispose = false;
        MessagePort.prototype.postMessage = post;
      }
      await lab.sleep(300);
      const edgesLater = lab.edgeCount();
      const { L, rate, firstTime } = await rec.stop();
      const i0 = Math.round((t0 - firstTime) * rate);
      return {
        before: lab.rms(L, i0 - Math.round(0.1 * rate), i0),
        // A render quantum or two already on its way out may still play.
        after: lab.rms(L, i0 + Math.round(0.02 * rate), Math.min(L.length, i0 + Math.round(0.2 * rate))),
        afterMs: ((Math.min(L.length, i0 + Math.round(0.2 * rate)) - i0) / rate) * 1000,
        stops,
        voiceEdges: edgesPlaying - edgesAfterDispose,
        laterDisconnects: edgesAfterDispose - edgesLater,
      };
    });
    expect(r.before, JSON.stringify(r)).toBeGreaterThan(0.2);
    expect(r.afterMs, JSON.stringify(r)).toBeGreaterThan(100);
    expect(r.after, JSON.stringify(r)).toBeLessThan(0.001);
    // Its whole chain (worklet, level tap, panner, gain, output) went in dispose() itself.
    expect(r.voiceEdges, JSON.stringify(r)).toBeGreaterThanOrEqual(4);
    expect(r.laterDisconnects, JSON.stringify(r)).toBe(0);
    expect(r.stops).toEqual([false]);
    expect(errors).toEqual([]);
  });

  it('survives Howler replacing its context and suspending it; releases every node and the hold on dispose', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler } = lab;
      Howler.volume(1);
      const { bridge, mixer } = lab.mixerRig();
      const contexts: AudioContext[] = [];
      bridge.on('context', (c: AudioContext) => contexts.push(c));
      const voice = mixer.createVoice();
      const autoSuspendWhileHeld = Howler.autoSuspend;
      // Howler's auto-suspend (or anything else) suspends the context mid-conversation.
      await Howler.ctx.suspend();
      await lab.until(() => Howler.ctx.state === 'running', 2000, 'resumed after suspend');
      // Howler.unload() closes the context and creates a new one.
      const old = Howler.ctx;
      Howler.unload();
      await lab.until(() => contexts.length === 1, 2000, 'context event');
      // Recording first: on a busy machine the recorder's own module can take long enough to load
      // on the new context that a voice pushed before it has played most of its tone.
      const rec = await lab.recordOutput(Howler.ctx);
      voice.push(lab.tone(440, 16000, 0.6, 0.5), 16000, 1);
      await lab.until(() => voice.mode === 'speaking', 3000, 'speaking on the new context');
      await lab.until(() => voice.mode === 'listening', 3000, 'the tone played out');
      const { L, rate } = await rec.stop();
      const { first, last } = lab.span(L, 0.05);
      const level = lab.rms(L, first, last);
      const playedMs = ((last - first) / rate) * 1000;
      const gaps = lab.gaps(L, 0.05, rate, 5);
      voice.dispose();
      // Howler's own connections (old and new master gain) are the baseline.
      const baseEdges = lab.edgeCount();
      // Many voices come and go: nothing stays connected.
      const many = Array.from({ length: 12 }, (_, i) => {
        const v = mixer.createVoice({ model: i % 2 ? 'hrtf' : 'stereo' });
        v.push(lab.tone(200 + i * 20, 24000, 0.2, 0.3), 24000, 1);
        return v;
      });
      await lab.until(() => many.every((v) => v.mode === 'speaking'), 3000, 'all speaking');
      const edgesWhilePlaying = lab.edgeCount();
      mixer.dispose();
      await lab.sleep(50);
      return {
        autoSuspendWhileHeld,
        autoSuspendAfter: Howler.autoSuspend,
        oldState: old.state,
        newCtx: Howler.ctx !== old && contexts[0] === Howler.ctx,
        level,
        playedMs,
        gaps,
        edgesWhilePlaying,
        baseEdges,
        edgesAfter: lab.edgeCount(),
        held: bridge.held,
        voices: mixer.size,
      };
    });
    expect(r.autoSuspendWhileHeld).toBe(false);
    expect(r.autoSuspendAfter).toBe(true);
    expect(r.oldState).toBe('closed');
    expect(r.newCtx, JSON.stringify(r)).toBe(true);
    // The whole tone, unbroken, at its level, on the new context.
    expect(r.level, JSON.stringify(r)).toBeGreaterThan(0.1);
    expect(r.playedMs, JSON.stringify(r)).toBeGreaterThan(550);
    expect(r.gaps, JSON.stringify(r)).toEqual([]);
    expect(r.edgesWhilePlaying).toBeGreaterThan(r.baseEdges + 12 * 3);
    expect(r.edgesAfter).toBe(r.baseEdges);
    expect(r.held).toBe(false);
    expect(r.voices).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('HowlerBridge autoplay', () => {
  it('an autoplay-blocked context is an event, and the next user gesture resumes it', async () => {
    const locked = await launchBrowser({ autoplay: false });
    try {
      const page = await locked.newPage();
      const { errors } = watchPage(page);
      await page.goto(lab.url('?probe=autoplay'));
      // Read the state with textContent only: page.evaluate would grant a user activation.
      const text = (want: string) =>
        poll(
          () => page.textContent('#state'),
          (v) => v === want,
          { what: `#state to read ${want}`, timeout: 5000, interval: 25 },
        );
      expect(await text('blocked')).toBe('blocked');
      await page.click('#gesture');
      expect(await text('running')).toBe('running');
      expect(errors).toEqual([]);
    } finally {
      await locked.close();
    }
  });
});
