// NPC voice playback in real Chromium, recorded by an AudioWorklet tapped on Howler.masterGain
// (just before the destination, after Howler's global mute and volume): streaming without gaps,
// late chunks, and where the voice is heard from. audio-voice-control.test.ts: barge-in, wire
// formats, what a voice reports, Howler's context replaced, autoplay.
import { describe, expect, it } from 'vitest';
import { useAudioLab } from './audio-lab.js';

const lab = useAudioLab({ browser: true });
const open = (query = '') => lab.open(lab.browser(), query);

describe('NpcVoice playback', () => {
  it('plays streamed chunks of any size gaplessly (no discontinuity at chunk boundaries), at 16 and 24 kHz', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { bridge, mixer } = lab.mixerRig();
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
        const rec = await lab.recordOutput(bridge.context);
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
        // A gap or a click is a discontinuity of the sine.
        const maxRes = lab.sineResidual(L, 440, ctxRate, a, b);
        let peak = 0;
        for (let i = a; i < b; i++) peak = Math.max(peak, Math.abs(L[i]!));
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
      const { bridge, voice } = lab.voiceRig();
      const rec = await lab.recordOutput(bridge.context);
      const all = lab.tone(440, 16000, 1.0, 0.5);
      // Real-time pacing, 20 ms chunks. After chunk 19 the network stalls until the voice has played
      // everything it got and then 100 ms more, so the gap does not depend on how far the context
      // was behind when pacing began; then the late chunks arrive in a burst and pacing resumes.
      // From when the voice ran dry (it had been still for 30 ms when noticed) to the late push.
      let heldMs = 0;
      for (let k = 0; k < 50; k++) {
        if (k === 20) {
          // Dry: near all 400 ms played, and its position (which runs with the context clock while it
          // plays) stopped moving.
          let last = -1;
          let still = 0;
          await lab.until(
            () => {
              const p = voice.playbackPositionMs;
              if (p !== last) [last, still] = [p, performance.now()];
              return p >= 390 && performance.now() - still >= 30;
            },
            4000,
            'the voice to run dry',
          );
          const noticed = performance.now();
          await lab.sleep(100);
          heldMs = performance.now() - noticed + 30;
        }
        voice.push(all.subarray(k * 320, (k + 1) * 320), 16000, 7);
        if (k < 19 || k >= 28) await lab.sleep(20);
      }
      await lab.until(() => voice.mode === 'listening', 4000, 'listening');
      const positionMs = voice.playbackPositionMs;
      const {
        rendered: { L },
        rate,
      } = await rec.stop();
      const { first, last } = lab.span(L, 0.02);
      const gaps = lab.gaps(L, 0.02, rate, 3).map((g) => g.ms);
      const maxRes = lab.sineResidual(L, 440, rate, first + 1, last);
      // What a hard cut of this sine would score, for scale.
      const w = (2 * Math.PI * 440) / rate;
      let naive = 0;
      for (let i = 1; i < 2000; i++) naive = Math.max(naive, Math.abs(Math.sin(w * i) * 0.3535));
      const underruns = voice.underruns;
      voice.dispose();
      return { maxRes, naive, underruns, positionMs, heldMs, gaps, spanMs: ((last - first) / rate) * 1000 };
    });
    const msg = JSON.stringify(r);
    expect(r.underruns, msg).toBeGreaterThanOrEqual(1);
    // A hard cut would leave a residual of the order of the amplitude (0.35); faded edges stay tiny.
    expect(r.maxRes, msg).toBeLessThan(0.05 * r.naive);
    // Every sample played exactly once: the turn's position is its duration, and what was heard is
    // that duration plus the silences, so no audio was dropped, repeated or stretched over the gap.
    expect(Math.abs(r.positionMs - 1000), msg).toBeLessThan(15);
    const silentMs = r.gaps.reduce((a, b) => a + b, 0);
    expect(Math.abs(r.spanMs - silentMs - 1000), msg).toBeLessThan(15);
    // The player hears the stall (at least the 100 ms held after the voice ran dry) and not much more:
    // the voice resumes once the late chunk is there. The margin is for the pushed chunk's trip to
    // the audio thread on a loaded machine; a voice that waited for more lead would exceed it.
    const longest = Math.max(0, ...r.gaps);
    expect(longest, msg).toBeGreaterThan(90);
    expect(longest, msg).toBeLessThan(r.heldMs + 150);
    expect(errors).toEqual([]);
  });

  it('a silent voice schedules nothing while the player walks, and its next turn starts where the NPC now stands', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler } = lab;
      Howler.volume(1);
      const { bridge, mixer } = lab.mixerRig();
      const talker = mixer.createVoice();
      const silent = [0, 1, 2, 3, 4].map(() => mixer.createVoice());
      mixer.setListener(400, 300);
      talker.setPosition(400, 250);
      for (const v of silent) v.setPosition(800, 300); // right of the player
      talker.push(lab.tone(440, 16000, 5, 0.5), 16000, 1); // longer than the walk at any frame rate
      await lab.until(() => talker.mode === 'speaking', 3000);
      // Count automation events while the player walks 60 frames (one voice speaking, five silent).
      const proto = AudioParam.prototype;
      const real = proto.setTargetAtTime;
      // Per parameter: a StereoPannerNode's pan is the one whose range starts at -1.
      const pans: number[] = [];
      let gains = 0;
      const times = new Set<number>();
      proto.setTargetAtTime = function (
        this: AudioParam,
        v: number,
        startTime: number,
        timeConstant: number,
      ) {
        if (this.minValue === -1) pans.push(v);
        else gains++;
        times.add(startTime);
        return real.call(this, v, startTime, timeConstant);
      };
      const t0 = bridge.context.currentTime;
      for (let i = 0; i < 60; i++) {
        mixer.setListener(400 + i * 3, 300);
        await lab.nextFrame();
      }
      const walkS = bridge.context.currentTime - t0;
      const walk = { calls: pans.length + gains, pans: pans.length, gains, moves: times.size };
      // Two moves in one instant: the second is put off, then made on a later frame although the
      // player has stopped there.
      await lab.sleep(100);
      mixer.setListener(600, 300);
      mixer.setListener(700, 300);
      for (let i = 0; i < 6; i++) {
        mixer.setListener(700, 300);
        await lab.nextFrame();
      }
      proto.setTargetAtTime = real;
      const lastPan = pans[pans.length - 1];
      talker.flush();
      await lab.until(() => talker.mode === 'listening', 3000);
      await lab.sleep(100); // its fade-out is over
      // The player is now at x=700; NPC 0 moves to its far left while silent, then speaks.
      const v = silent[0]!;
      v.setPosition(100, 300);
      const rec = await lab.recordOutput(bridge.context);
      v.push(lab.tone(440, 16000, 0.5, 0.5), 16000, 2);
      await lab.until(() => v.mode === 'speaking', 3000);
      await lab.until(() => v.mode === 'listening', 3000);
      const { L, R, rate } = await rec.stop();
      // The first 20 ms in which the new turn is audible.
      let start = 0;
      while (start < L.length && Math.abs(L[start]!) + Math.abs(R[start]!) < 1e-3) start++;
      const n = Math.round(0.02 * rate);
      mixer.dispose();
      return {
        walk,
        walkS,
        lastPan,
        first: { L: lab.rms(L, start, start + n), R: lab.rms(R, start, start + n) },
      };
    });
    // The speaking voice glides: a move when its pan moved 0.01 or its level 3 % (the 60 frames'
    // 0.44 of pan would make ~45), at most one per 45 ms (each automation call is the costliest
    // thing in a frame), and a move schedules only the parameters past their step: walking 180 px
    // beside an NPC turns its pan in every move, its level (1 up to the 64 px reference distance, then
    // falling with distance, to 184 px) in fewer.
    // Each silent voice would add as many: they add none.
    const { moves, calls, pans, gains } = r.walk;
    expect(moves, JSON.stringify(r)).toBeLessThanOrEqual(r.walkS / 0.045 + 2);
    expect(moves, JSON.stringify(r)).toBeGreaterThanOrEqual(Math.min(40, r.walkS / 0.045) / 2);
    expect(pans, JSON.stringify(r)).toBe(moves);
    expect(gains, JSON.stringify(r)).toBeGreaterThan(0);
    expect(calls, JSON.stringify(r)).toBeLessThan(2 * moves);
    // Where the player stopped (300 px right of the NPC; 400 px is full pan): reached, not left behind.
    expect(r.lastPan).toBeCloseTo(-300 / 400, 3);
    // No glide from the stale position on the right: left from the first sample on.
    expect(r.first.L, JSON.stringify(r)).toBeGreaterThan(3 * r.first.R);
    expect(errors).toEqual([]);
  });

  it('pans to where the NPC stands, follows it smoothly as it moves, attenuates with distance; Howler.mute() silences it', async () => {
    const { page, errors } = await open();
    const r = await page.evaluate(async () => {
      const { lab } = window;
      const { Howler } = lab;
      const { bridge, mixer } = lab.mixerRig();
      const voice = mixer.createVoice();
      mixer.setListener(400, 300);
      voice.setPosition(200, 300); // left of the player
      voice.push(lab.tone(440, 16000, 8, 0.5), 16000, 1);
      await lab.until(() => voice.mode === 'speaking', 3000);
      const settle = () => lab.sleep(300);
      const measure = () => lab.outputLevel(bridge.context, 4410);
      await settle();
      const left = await measure();
      // Walk past: the NPC moves 600 px to the right in ~0.5 s, a step per frame, while recording.
      const rec = await lab.recordOutput(bridge.context);
      for (let x = 200; x <= 800; x += 20) {
        voice.setPosition(x, 300);
        await lab.sleep(16);
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
      const { bridge, voice } = lab.voiceRig({ model: 'hrtf' });
      voice.setListener(0, 0);
      voice.setPosition(-150, -20);
      voice.push(lab.tone(440, 16000, 3, 0.5), 16000, 1);
      await lab.until(() => voice.mode === 'speaking', 3000);
      // A new HRTF panner reads L=R until its database is loaded (~300 ms, longer under load):
      // record 100 ms windows until one is louder on the left.
      try {
        return await lab.poll(
          () => lab.outputLevel(bridge.context, 4410),
          (w) => w.L > 1.3 * w.R,
          { what: 'a 100 ms window louder on the left', timeout: 2500, interval: 0 },
        );
      } finally {
        voice.dispose();
      }
    });
    expect(r.L).toBeGreaterThan(1.3 * r.R);
    expect(errors).toEqual([]);
  });
});
