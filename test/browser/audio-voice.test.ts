import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchBrowser, startPageServer } from '../../harness/browser.js';
import { watchPage } from '../helpers/browser.js';

// NPC voice playback in real Chromium, recorded by an AudioWorklet tapped on Howler.masterGain
// (just before the destination, after Howler's global mute and volume).
const LAB = '/test/browser/pages/audio/lab.html';
let server: ViteDevServer;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ server, url: base } = await startPageServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const { errors } = watchPage(page);
  await page.goto(base + LAB + query);
  await page.waitForFunction(() => window.__ready === true);
  return { page, errors };
}

describe('NpcVoice playback', () => {
  it('plays streamed chunks of any size gaplessly (no discontinuity at chunk boundaries), at 16 and 24 kHz', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const mixer = new audio.VoiceMixer(bridge);
      const out: {
        rate: number;
        maxRes: number;
        peak: number;
        minRms: number;
        playedSec: number;
        underruns: number;
        /** Quanta whose reported time did not follow the previous one's (shown when a check fails). */
        timeSkips: number;
      }[] = [];
      for (const rate of [16000, 24000, 44100]) {
        const voice = mixer.createVoice();
        const rec = await lab.record(bridge.context, Howler.masterGain);
        // 1.5 s of a 440 Hz sine cut into irregular chunks (37..1200 samples), pushed as a burst.
        const all = lab.tone(440, rate, 1.5, 0.5);
        let off = 0;
        let k = 0;
        while (off < all.length) {
          const n = [480, 37, 1200, 320, 99, 777][k++ % 6]!;
          voice.push(all.subarray(off, off + n), rate, 1);
          off += n;
        }
        await lab.until(() => voice.mode === 'speaking', 3000, 'speaking');
        await lab.until(() => voice.mode === 'listening', 4000, 'listening');
        // What the graph rendered, quantum after quantum: the voice's own continuity, not where a
        // loaded machine's audio thread said each quantum belonged in time.
        const {
          rendered: { L },
          rate: ctxRate,
          segments,
        } = await rec.stop();
        // Steady part: from 20 ms after the onset to 20 ms before the end.
        const { first, last } = lab.span(L, 0.05);
        const a = first + Math.round(0.02 * ctxRate);
        const b = last - Math.round(0.02 * ctxRate);
        // For a pure sine x'' = -w^2 x: the residual of the discrete second difference is ~0
        // everywhere except at a discontinuity (a gap or a click), where it is of the order of A.
        const w = (2 * Math.PI * 440) / ctxRate;
        const c = 4 * Math.sin(w / 2) ** 2;
        let maxRes = 0;
        let peak = 0;
        for (let i = a; i < b; i++) {
          const e = L[i + 1]! - 2 * L[i]! + L[i - 1]! + c * L[i]!;
          maxRes = Math.max(maxRes, Math.abs(e));
          peak = Math.max(peak, Math.abs(L[i]!));
        }
        // A gap would be smooth (the voice fades at an underrun), so also check the level never dips.
        const win = Math.round(0.005 * ctxRate);
        let minRms = Infinity;
        for (let i = a; i + win < b; i += win) minRms = Math.min(minRms, lab.rms(L, i, i + win));
        out.push({
          rate,
          maxRes,
          peak,
          minRms,
          playedSec: (last - first) / ctxRate,
          underruns: voice.underruns,
          timeSkips: segments.length - 1,
        });
        voice.dispose();
      }
      return out;
    });
    for (const x of r) {
      // StereoPanner at 0 gives cos(pi/4) of the 0.5 amplitude on each side.
      expect(x.peak, JSON.stringify(x)).toBeGreaterThan(0.3);
      expect(x.underruns, JSON.stringify(x)).toBe(0);
      expect(x.maxRes / x.peak, JSON.stringify(x)).toBeLessThan(0.01);
      expect(x.minRms / (x.peak / Math.SQRT2), JSON.stringify(x)).toBeGreaterThan(0.95);
      expect(Math.abs(x.playedSec - 1.5), JSON.stringify(x)).toBeLessThan(0.01);
    }
    expect(errors).toEqual([]);
  });

  it('a late chunk costs a short gap but no click, and the clock does not drift', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const voice = new audio.NpcVoice(bridge);
      const rec = await lab.record(bridge.context, Howler.masterGain);
      const all = lab.tone(440, 16000, 1.0, 0.5);
      // Real-time pacing, 20 ms chunks; before chunk 20 the network stalls for 150 ms, then the
      // late chunks arrive in a burst and pacing resumes.
      const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
      for (let k = 0; k < 50; k++) {
        if (k === 20) await sleep(150);
        voice.push(all.subarray(k * 320, (k + 1) * 320), 16000, 7);
        if (k < 20 || k >= 28) await sleep(20);
      }
      await lab.until(() => voice.mode === 'listening', 4000, 'listening');
      const positionMs = voice.playbackPositionMs;
      const {
        rendered: { L },
        rate,
      } = await rec.stop();
      const { first, last } = lab.span(L, 0.02);
      const w = (2 * Math.PI * 440) / rate;
      const c = 4 * Math.sin(w / 2) ** 2;
      let maxRes = 0;
      for (let i = first + 1; i < last; i++)
        maxRes = Math.max(maxRes, Math.abs(L[i + 1]! - 2 * L[i]! + L[i - 1]! + c * L[i]!));
      // What a hard cut of this sine would score, for scale.
      let naive = 0;
      for (let i = 1; i < 2000; i++) naive = Math.max(naive, Math.abs(Math.sin(w * i) * 0.3535));
      const underruns = voice.underruns;
      voice.dispose();
      return { maxRes, naive, underruns, positionMs, spanMs: ((last - first) / rate) * 1000 };
    });
    expect(r.underruns).toBeGreaterThanOrEqual(1);
    // A hard cut would leave a residual of the order of the amplitude (0.35); faded edges stay tiny.
    expect(r.maxRes, JSON.stringify(r)).toBeLessThan(0.05 * r.naive);
    // Every sample played exactly once: the turn's position is its duration, the gap is extra.
    expect(Math.abs(r.positionMs - 1000), JSON.stringify(r)).toBeLessThan(15);
    expect(r.spanMs).toBeGreaterThan(1100);
    expect(errors).toEqual([]);
  });

  it('a silent voice schedules nothing while the player walks, and its next turn starts where the NPC now stands', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      Howler.volume(1);
      const bridge = new audio.HowlerBridge(Howler);
      const mixer = new audio.VoiceMixer(bridge);
      const talker = mixer.createVoice();
      const silent = [0, 1, 2, 3, 4].map(() => mixer.createVoice());
      mixer.setListener(400, 300);
      talker.setPosition(400, 250);
      for (const v of silent) v.setPosition(800, 300); // right of the player
      talker.push(lab.tone(440, 16000, 2, 0.5), 16000, 1);
      await lab.until(() => talker.mode === 'speaking', 3000);
      // Count automation events while the player walks 60 frames (one voice speaking, five silent).
      const proto = AudioParam.prototype as any;
      const real = proto.setTargetAtTime;
      let scheduled = 0;
      proto.setTargetAtTime = function (...a: unknown[]) {
        scheduled++;
        return real.apply(this, a);
      };
      for (let i = 0; i < 60; i++) {
        mixer.setListener(400 + i * 3, 300);
        await new Promise((res) => requestAnimationFrame(res));
      }
      proto.setTargetAtTime = real;
      talker.flush();
      await lab.until(() => talker.mode === 'listening', 3000);
      await new Promise((res) => setTimeout(res, 100)); // its fade-out is over
      // The player is now at x=577; NPC 0 moves to its far left while silent, then speaks.
      const v = silent[0]!;
      v.setPosition(100, 300);
      const rec = await lab.record(bridge.context, Howler.masterGain);
      v.push(lab.tone(440, 16000, 0.5, 0.5), 16000, 2);
      await lab.until(() => v.mode === 'speaking', 3000);
      await lab.until(() => v.mode === 'listening', 3000);
      const { L, R, rate } = await rec.stop();
      // The first 20 ms in which the new turn is audible.
      let start = 0;
      while (start < L.length && Math.abs(L[start]!) + Math.abs(R[start]!) < 1e-3) start++;
      const n = Math.round(0.02 * rate);
      mixer.dispose();
      return { scheduled, first: { L: lab.rms(L, start, start + n), R: lab.rms(R, start, start + n) } };
    });
    // The speaking voice glides: 2 params, on the frames where its pan moved 0.01 or its level 3 %
    // (the 60 frames' 0.44 of pan make ~45 steps). Each silent voice would add as many: they add none.
    expect(r.scheduled).toBeGreaterThanOrEqual(40);
    expect(r.scheduled).toBeLessThanOrEqual(125);
    // No glide from the stale position on the right: left from the first sample on.
    expect(r.first.L, JSON.stringify(r)).toBeGreaterThan(3 * r.first.R);
    expect(errors).toEqual([]);
  });

  it('pans to where the NPC stands, follows it smoothly as it moves, attenuates with distance; Howler.mute() silences it', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const mixer = new audio.VoiceMixer(bridge);
      const voice = mixer.createVoice();
      mixer.setListener(400, 300);
      voice.setPosition(200, 300); // left of the player
      voice.push(lab.tone(440, 16000, 8, 0.5), 16000, 1);
      await lab.until(() => voice.mode === 'speaking', 3000);
      const settle = () => new Promise((res) => setTimeout(res, 300));
      const measure = async () => {
        const rec = await lab.record(bridge.context, Howler.masterGain);
        await lab.until(() => rec.frames >= 4410, 2000);
        const { L, R } = await rec.stop();
        return { L: lab.rms(L), R: lab.rms(R) };
      };
      await settle();
      const left = await measure();
      // Walk past: the NPC moves 600 px to the right in ~0.5 s, a step per frame, while recording.
      const rec = await lab.record(bridge.context, Howler.masterGain);
      for (let x = 200; x <= 800; x += 20) {
        voice.setPosition(x, 300);
        await new Promise((res) => setTimeout(res, 16));
      }
      const walk = await rec.stop();
      await settle();
      const right = await measure();
      voice.setPosition(400, 400); // 100 px away
      await settle();
      const near = await measure();
      voice.setPosition(400, 1300); // 1000 px away
      await settle();
      const far = await measure();
      voice.setPosition(400, 400);
      Howler.mute(true);
      await settle();
      const muted = await measure();
      Howler.mute(false);
      await settle();
      const unmuted = await measure();
      // Zipper check on the walk: residual of the sine's second difference, relative to the level,
      // over what the graph rendered, quantum after quantum, within each run the audio thread
      // rendered without skipping. The worst spot is reported with its neighbourhood, so a failure
      // says whether it was a hole, a step or a phase jump.
      const w = (2 * Math.PI * 440) / walk.rate;
      const c = 4 * Math.sin(w / 2) ** 2;
      let worst = 0;
      let checked = 0;
      let worstAt = { ch: '', i: -1, run: -1, around: [] as number[] };
      for (const [name, ch] of [
        ['L', walk.rendered.L],
        ['R', walk.rendered.R],
      ] as [string, Float32Array][]) {
        let peak = 0;
        for (const [a, b] of walk.runs as [number, number][])
          for (let i = a; i < b; i++) peak = Math.max(peak, Math.abs(ch[i]!));
        (walk.runs as [number, number][]).forEach(([a, b], run) => {
          for (let i = a + 1; i < b - 1; i++) {
            const res = Math.abs(ch[i + 1]! - 2 * ch[i]! + ch[i - 1]! + c * ch[i]!) / peak;
            checked++;
            if (res > worst) {
              worst = res;
              worstAt = {
                ch: name,
                i,
                run,
                around: Array.from(ch.slice(i - 3, i + 4), (v) => +v.toFixed(4)),
              };
            }
          }
        });
      }
      mixer.dispose();
      return {
        left,
        right,
        near,
        far,
        muted,
        unmuted,
        walkResidual: worst,
        worstAt: { ...worstAt, ms: (worstAt.i / walk.rate) * 1000, quantumOffset: worstAt.i % 128 },
        checked,
        runs: walk.runs.length,
        unheard: walk.unheard,
        walkLength: walk.rendered.L.length,
      };
    });
    expect(r.left.L).toBeGreaterThan(2 * r.left.R);
    expect(r.right.R).toBeGreaterThan(2 * r.right.L);
    expect(r.walkResidual, JSON.stringify(r)).toBeLessThan(0.01);
    // The walk (~0.5 s, both channels) was mostly observed, not skipped by a starved machine.
    expect(r.checked, JSON.stringify(r)).toBeGreaterThan(0.8 * 2 * r.walkLength);
    const lvl = (x: { L: number; R: number }) => Math.hypot(x.L, x.R);
    expect(lvl(r.far)).toBeLessThan(0.2 * lvl(r.near));
    expect(lvl(r.muted)).toBeLessThan(1e-4);
    expect(lvl(r.unmuted)).toBeGreaterThan(0.5 * lvl(r.near));
    expect(errors).toEqual([]);
  });

  it('hrtf model: an NPC to the left is louder on the left', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const voice = new audio.NpcVoice(bridge, { model: 'hrtf' });
      voice.setListener(0, 0);
      voice.setPosition(-150, -20);
      voice.push(lab.tone(440, 16000, 3, 0.5), 16000, 1);
      await lab.until(() => voice.mode === 'speaking', 3000);
      // A new HRTF panner reads L=R until its database is loaded (~300 ms, longer under load):
      // poll 100 ms windows.
      let L = 0;
      let R = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 2500) {
        const rec = await lab.record(bridge.context, Howler.masterGain);
        await lab.until(() => rec.frames >= 4410, 2000);
        const w = await rec.stop();
        L = lab.rms(w.L);
        R = lab.rms(w.R);
        if (L > 1.3 * R) break;
      }
      voice.dispose();
      return { L, R };
    });
    expect(r.L).toBeGreaterThan(1.3 * r.R);
    expect(errors).toEqual([]);
  });

  it('flush (barge-in) is below -40 dB well within 30 ms without a click; stale chunks are dropped; the next turn plays', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const voice = new audio.NpcVoice(bridge);
      const ctx = bridge.context;
      const rec = await lab.record(ctx, Howler.masterGain);
      const flushed: number[] = [];
      voice.on('flushed', (_t: number, ms: number) => flushed.push(ms));
      const modes: string[] = [];
      voice.on('speaking', (t: number) => modes.push(`speaking:${t}`));
      voice.on('listening', () => modes.push('listening'));
      const turn = lab.tone(440, 16000, 3, 0.5);
      voice.push(turn.subarray(0, 32000), 16000, 4);
      await lab.until(() => voice.mode === 'speaking', 3000);
      await lab.until(() => voice.playbackPositionMs > 400, 3000);
      const t0 = ctx.currentTime;
      voice.flush();
      voice.push(turn.subarray(32000), 16000, 4); // late chunks of the interrupted turn: dropped
      await lab.until(() => flushed.length === 1, 2000, 'flushed');
      const quietFrom = ctx.currentTime;
      await new Promise((res) => setTimeout(res, 150));
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
      const w = (2 * Math.PI * 440) / rate;
      const c = 4 * Math.sin(w / 2) ** 2;
      let res = 0;
      for (let i = i0 - 4410; i < i0 + 4410; i++)
        res = Math.max(res, Math.abs(L[i + 1]! - 2 * L[i]! + L[i - 1]! + c * L[i]!));
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

  it('plays wire bytes in ulaw_8000 and pcm_24000 at the right pitch and length', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const voice = new audio.NpcVoice(bridge);
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
        const rec = await lab.record(bridge.context, Howler.masterGain);
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
      const { Howler, audio } = lab;
      const bridge = new audio.HowlerBridge(Howler);
      const voice = new audio.NpcVoice(bridge);
      const modes: string[] = [];
      voice.on('speaking', () => modes.push('speaking'));
      voice.on('listening', () => modes.push('listening'));
      voice.push(lab.tone(300, 22050, 1.0, 0.5), 22050, 2);
      await lab.until(() => voice.mode === 'speaking', 3000);
      const t0 = performance.now();
      const samples: [number, number][] = [];
      let maxLevel = 0;
      while (voice.mode === 'speaking') {
        samples.push([performance.now() - t0, voice.playbackPositionMs]);
        maxLevel = Math.max(maxLevel, voice.level);
        await new Promise((res) => setTimeout(res, 50));
      }
      const quietLevel = voice.level;
      const end = voice.playbackPositionMs;
      voice.dispose();
      return { modes, samples, maxLevel, quietLevel, end };
    });
    expect(r.modes).toEqual(['speaking', 'listening']);
    // The position starts at the start and then follows the wall clock while speaking, within a
    // timer tick. Both are read together, so their offset must hold; it is set by when the poll
    // noticed 'speaking' (late on a loaded machine), not by the voice.
    const [wall0, pos0] = r.samples[0]!;
    expect(pos0 - wall0, JSON.stringify(r.samples)).toBeLessThan(150);
    for (const [wall, pos] of r.samples.filter(([w]) => w < 900))
      expect(Math.abs(pos - wall - (pos0 - wall0)), JSON.stringify(r.samples)).toBeLessThan(60);
    expect(Math.abs(r.end - 1000)).toBeLessThan(10);
    expect(r.maxLevel).toBeGreaterThan(0.2);
    expect(r.quietLevel).toBeLessThan(0.01);
    expect(errors).toEqual([]);
  });

  it('survives Howler replacing its context and suspending it; releases every node and the hold on dispose', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler, audio } = lab;
      Howler.volume(1);
      const bridge = new audio.HowlerBridge(Howler);
      const mixer = new audio.VoiceMixer(bridge);
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
      voice.push(lab.tone(440, 16000, 0.6, 0.5), 16000, 1);
      const rec = await lab.record(Howler.ctx, Howler.masterGain);
      await lab.until(() => voice.mode === 'speaking', 3000, 'speaking on the new context');
      await lab.until(() => rec.frames > 8000, 2000);
      const { L } = await rec.stop();
      const level = lab.rms(L);
      voice.dispose();
      // Howler's own connections (old and new master gain) are the baseline.
      const baseEdges = lab.edgeCount();
      // Many voices come and go: nothing stays connected.
      const many = Array.from({ length: 12 }, (_, i) => {
        const v = mixer.createVoice({ model: i % 2 ? 'hrtf' : 'stereo' });
        v.push(lab.tone(200 + i * 20, 24000, 0.2, 0.3), 24000, 1);
        return v;
      });
      await lab.until(() => many.every((v: any) => v.mode === 'speaking'), 3000, 'all speaking');
      const edgesWhilePlaying = lab.edgeCount();
      mixer.dispose();
      await new Promise((res) => setTimeout(res, 50));
      return {
        autoSuspendWhileHeld,
        autoSuspendAfter: Howler.autoSuspend,
        oldState: old.state,
        newCtx: Howler.ctx !== old && contexts[0] === Howler.ctx,
        level,
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
    expect(r.level).toBeGreaterThan(0.1);
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
      await page.goto(base + LAB + '?probe=autoplay');
      // Read the state with textContent only: page.evaluate would grant a user activation.
      const text = async (want: string) => {
        for (let i = 0; i < 200; i++) {
          if ((await page.textContent('#state')) === want) return want;
          await new Promise((res) => setTimeout(res, 25));
        }
        return page.textContent('#state');
      };
      expect(await text('blocked')).toBe('blocked');
      await page.click('#gesture');
      expect(await text('running')).toBe('running');
      expect(errors).toEqual([]);
    } finally {
      await locked.close();
    }
  });
});
