// Microphone capture in real Chromium: the fake mic plays a WAV, MicCapture turns it into PCM16
// chunks at 16 kHz on Howler's context, whole and in order with either capture method, under load,
// across stalls, and with the method `auto` picks. audio-mic-modes.test.ts: options, modes, errors.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { alignCapture, readWav } from '../fixtures/audio-browser/fixtures.js';
import { captureSpeech, expectWholeSpeech, fx, METHODS, type TrackProcessorWindow } from './mic-rig.js';
import { useAudioLab } from './audio-lab.js';

const { inOwnBrowser, open } = useAudioLab();

describe('MicCapture', () => {
  it.each(METHODS)(
    '%s: sends the microphone audio as 20 ms PCM16 chunks at 16 kHz, ~50 per second, and stops every track',
    async (method) => {
      await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
        const r = await captureSpeech(page, method);
        expect(r.ok).toBe(true);
        expect(r.errors).toEqual([]);
        expect(r.usedMethod).toBe(method);
        expect(r.sizes).toEqual([320]);
        // Either way the microphone is read at its own rate; the track processor needs no
        // AudioContext, and the worklet gets a dedicated one only if Howler's rate differs.
        expect(r.captureRate).toBe(r.trackRate);
        expect(r.dedicated).toBe(method === 'worklet' && r.trackRate !== r.ctxRate);
        // Cadence: one chunk per 20 ms of audio, so ~50/s over the run.
        const perSecond = ((r.count - 1) / r.elapsed) * 1000;
        expect(perSecond).toBeGreaterThan(45);
        expect(perSecond).toBeLessThan(55);
        expect(r.afterWait).toBe(r.afterStop);
        expect(r.live).toBe(0);
        const detail = expectWholeSpeech(r);
        // Reading starts as getUserMedia resolves (the worklet compiles while it is pending), so
        // little of the start is missed.
        const a = alignCapture(
          readWav(fx.speech16k).samples,
          Float32Array.from(r.samples, (v) => v / 32768),
        );
        expect(a.startLag / 16, detail).toBeLessThan(500);
        expect(errors).toEqual([]);
      });
    },
  );

  it.each(METHODS)(
    '%s: loses and repeats nothing with every core kept busy by other processes',
    async (method) => {
      // Busy loops in separate processes, one per core, for the capture only (a few seconds, so
      // test files running beside this one are slowed, not starved): the audio threads compete with
      // them as they would on a player's loaded machine.
      let hogs: ChildProcess[] = [];
      try {
        await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
          hogs = cpus().map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
          const r = await captureSpeech(page, method);
          for (const h of hogs) h.kill('SIGKILL');
          expect(r.ok).toBe(true);
          expect(r.usedMethod).toBe(method);
          expect(r.sizes).toEqual([320]);
          expectWholeSpeech(r);
          expect(r.live).toBe(0);
          expect(errors).toEqual([]);
        });
      } finally {
        for (const h of hogs) h.kill('SIGKILL');
      }
    },
  );

  it('auto reads the track where the browser can, and uses a worklet where it cannot or refuses', async () => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const w = window as TrackProcessorWindow;
        const run = async () => {
          const s = await lab.micSession({ mode: 'open' });
          await lab.until(() => s.chunks.length > 10, 5000, 'chunks');
          const method = s.mic.captureMethod;
          s.mic.stop();
          return { method, errors: s.errors };
        };
        const chrome = await run();
        delete w.MediaStreamTrackProcessor; // Firefox, Safari
        const without = await run();
        w.MediaStreamTrackProcessor = function () {
          throw new DOMException('refused', 'NotSupportedError');
        };
        const refused = await run();
        lab.filterTrackFrames(null);
        const live = lab.liveTracks();
        return { chrome, without, refused, live };
      });
      expect(r.chrome).toEqual({ method: 'track-processor', errors: [] });
      expect(r.without).toEqual({ method: 'worklet', errors: [] });
      expect(r.refused).toEqual({ method: 'worklet', errors: [] });
      expect(r.live).toBe(0);
      expect(errors).toEqual([]);
    });
  });

  it('auto: a track processor that hands frames over late or drops them gives way to the worklet, once per page', async () => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ browser, page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        let processors = 0;
        // What Chrome did in a busy game: the real processor, but its frames reach the page at a
        // sixth of real time.
        const late = () => {
          processors++;
          let last = 0;
          return {
            async transform(frame: AudioData, ctl: TransformStreamDefaultController<unknown>) {
              const wait = last + 60 - performance.now();
              if (wait > 0) await lab.sleep(wait);
              last = performance.now();
              ctl.enqueue(frame);
            },
          };
        };
        const run = async (kind: 'late' | 'fine') => {
          lab.filterTrackFrames(kind === 'fine' ? null : late);
          const gum = lab.streams.length;
          const s = await lab.micSession({ mode: 'open', voiceProcessing: false });
          const first = s.mic.captureMethod;
          await lab.until(() => s.mic.captureMethod === 'worklet', 5000, 'the worklet to take over');
          // Once the worklet has it, the chunks come in real time again: 2 s of them.
          const n0 = s.chunks.length;
          const t0 = performance.now();
          await lab.sleep(2000);
          const perSecond = ((s.chunks.length - n0) * 1000) / (performance.now() - t0);
          const loud = lab.loudChunks(s.chunks.slice(n0));
          s.mic.stop();
          return { first, perSecond, loud, opened: lab.streams.length - gum, errors: s.errors };
        };
        const slow = await run('late');
        // A new page is a fresh start; in this one the next capture goes straight to the worklet.
        const afterLate = { processors };
        const again = await run('fine');
        return { late: slow, afterLate, again, processorsAfterAgain: processors };
      });
      expect(r.late.first).toBe('track-processor');
      expect(r.late.opened).toBe(1); // the same microphone stream: no second permission prompt
      expect(r.late.perSecond).toBeGreaterThan(45);
      expect(r.late.loud).toBeGreaterThan(30);
      expect(r.late.errors).toEqual([]);
      expect(r.again.first).toBe('worklet');
      expect(r.processorsAfterAgain).toBe(r.afterLate.processors);
      expect(errors).toEqual([]);

      // Frames that never arrive (timestamps jump) count too, in a fresh page.
      const { page: page2 } = await open(browser);
      const d = await page2.evaluate(async () => {
        const { lab } = window;
        lab.filterTrackFrames(() => {
          let n = 0;
          return {
            transform(frame: AudioData, ctl: TransformStreamDefaultController<unknown>) {
              if (n++ % 3 === 0) ctl.enqueue(frame);
              else frame.close();
            },
          };
        });
        const s = await lab.micSession({ mode: 'open', voiceProcessing: false });
        const first = s.mic.captureMethod;
        await lab.until(() => s.mic.captureMethod === 'worklet', 5000, 'the worklet to take over');
        const gaps = s.mic.inputGaps.count;
        s.mic.stop();
        const live = lab.liveTracks();
        return { first, gaps, live, errors: s.errors };
      });
      expect(d.first).toBe('track-processor');
      expect(d.gaps).toBeGreaterThan(0);
      expect(d.live).toBe(0);
      expect(d.errors).toEqual([]);
    });
  });

  it('auto: a microphone that starts late and then keeps time stays on the track processor', async () => {
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        // The first frame, then the rest as if the device had paused 600 ms after it: timestamps
        // that jump back relative to the wall clock once, with no backlog to drain.
        lab.filterTrackFrames(() => {
          let n = 0;
          return {
            transform(frame: AudioData, ctl: TransformStreamDefaultController<unknown>) {
              if (n++ === 0) return ctl.enqueue(frame);
              ctl.enqueue(lab.restamped(frame, frame.timestamp - 600_000));
            },
          };
        });
        const s = await lab.micSession({ mode: 'open', voiceProcessing: false });
        await lab.until(() => s.chunks.length >= 150, 8000, '3 s of chunks');
        const method = s.mic.captureMethod;
        s.mic.stop();
        return { method, errors: s.errors };
      });
      expect(r).toEqual({ method: 'track-processor', errors: [] });
      expect(errors).toEqual([]);
    });
  });

  it('auto: frames stamped on a render grid (+9.4 / -7.9 ms off their place, as a track made by Web Audio) stay on the track processor', async () => {
    // A microphone that is a MediaStreamAudioDestinationNode (a voice changer, a test rig such as the
    // latency bench) stamps its 10 ms frames on the 128-sample render grid, up to 9.4 ms after and
    // 7.9 ms before where the last frame ended, and drops none. The stamps are made here, frame by
    // frame, in that pattern, on a fake device's real frames: a real Web Audio track left the track
    // processor once in a CI run with a core kept busy, where its own audio thread (which makes the
    // frames) was starved too, and the log could not say whether frames were dropped or late.
    await inOwnBrowser({ micWav: fx.tones48k, loop: true }, async ({ page, errors }) => {
      const r = await page.evaluate(async () => {
        const { lab } = window;
        const OFF_MS = [9.4, -7.9, -1.5]; // what the render grid did; no drift over a cycle
        let late = 0;
        lab.filterTrackFrames(() => {
          let n = 0;
          let t0 = -1;
          let at = 0;
          return {
            transform(frame: AudioData, ctl: TransformStreamDefaultController<unknown>) {
              if (t0 < 0) t0 = frame.timestamp;
              const k = n++;
              const ms = k === 0 ? 0 : OFF_MS[k % OFF_MS.length]!;
              if (ms > 0) late++;
              at += ms * 1000;
              ctl.enqueue(
                lab.restamped(frame, t0 + (k * frame.numberOfFrames * 1e6) / frame.sampleRate + at),
              );
            },
          };
        });
        const s = await lab.micSession({ mode: 'open', voiceProcessing: false });
        await lab.until(() => s.chunks.length >= 300, 10000, '6 s of chunks');
        const method = s.mic.captureMethod;
        const gaps = s.mic.inputGaps;
        s.mic.stop();
        return { method, errors: s.errors, late, gaps };
      });
      expect(r.late).toBeGreaterThan(150); // the pattern ran through the whole 6 s
      // The gaps say which rule moved it, if one did: frames counted as dropped, or none (lateness).
      expect({ method: r.method, errors: r.errors }, `input gaps ${JSON.stringify(r.gaps)}`).toEqual({
        method: 'track-processor',
        errors: [],
      });
      expect(errors).toEqual([]);
    });
  });

  it('auto: a one-second main-thread stall is a hitch, not a busy page: the track processor keeps it all', async () => {
    await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
      const r = await captureSpeech(page, 'auto', { thread: 'main', ms: 1000 });
      expect(r.ok).toBe(true);
      expect(r.usedMethod).toBe('track-processor');
      expectWholeSpeech(r);
      expect(errors).toEqual([]);
    });
  });

  it.each(METHODS)(
    '%s: a one-second main-thread stall delays the speech but loses none of it',
    async (method) => {
      await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
        const r = await captureSpeech(page, method, { thread: 'main', ms: 1000 });
        expect(r.ok).toBe(true);
        expect(r.usedMethod).toBe(method);
        expectWholeSpeech(r);
        expect(errors).toEqual([]);
      });
    },
  );

  it('worklet: an audio thread held for 600 ms is reported as an underrun, and the speech resumes in order after it', async () => {
    // What a loaded machine does to the worklet path now and then (CI saw 20 ms missing once): the
    // audio thread misses its deadlines and Chrome's MediaStream source discards microphone audio
    // upstream of the worklet. This holds that thread on purpose, so the test checks that the
    // browser reports it (the allowance expectWholeSpeech grants rests on that report), that only
    // the windows around it are spoilt, and that the capture keeps time and order afterwards.
    await inOwnBrowser({ micWav: fx.speech16k }, async ({ page, errors }) => {
      const r = await captureSpeech(page, 'worklet', { thread: 'audio', ms: 600 });
      expect(r.ok).toBe(true);
      expect(r.usedMethod).toBe('worklet');
      expect(r.sizes).toEqual([320]);
      expect(r.render.ms).toBeGreaterThan(450);
      // At most 20 ms of the speech missing and two windows garbled, every other window in order.
      expectWholeSpeech(r);
      expect(errors).toEqual([]);
    });
  });
});
