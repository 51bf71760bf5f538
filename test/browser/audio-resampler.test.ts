import { describe, expect, it } from 'vitest';
import { designResampler } from '../../plugin/audio/fir.js';
import { Resampler as ResamplerClass } from '../../plugin/audio/resampler.js';
import { ulawToInt16 } from '../../plugin/protocol/index.js';

// The resampler the main thread runs; the worklet build bundles the same class, minified, into each
// worklet's text (harness/worklets.ts). Node is enough here.
const Resampler = ResamplerClass;

/** Streams `input` through in 128-sample render quanta, as the mic worklet does. */
function run(inRate: number, outRate: number, input: Float32Array): Float32Array {
  const rs = new Resampler(designResampler(inRate, outRate), 4096);
  const out: number[] = [];
  const tmp = new Float32Array(1024);
  for (let q = 0; q < input.length; q += 128) {
    const quantum = input.subarray(q, q + 128);
    let off = 0;
    while (off < quantum.length) {
      off += rs.pushF32(quantum, off, quantum.length - off);
      let n;
      while ((n = rs.pull(tmp, 0, tmp.length)) > 0) for (let i = 0; i < n; i++) out.push(tmp[i]!);
    }
  }
  return Float32Array.from(out);
}

const sine = (f: number, rate: number, seconds: number) =>
  Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / rate),
  );

function rmsDb(x: Float32Array, skip: number): number {
  let s = 0;
  for (let i = skip; i < x.length - skip; i++) s += x[i]! * x[i]!;
  return 10 * Math.log10(s / (x.length - 2 * skip) / 0.125); // relative to a 0.5-amplitude sine
}

describe('polyphase resampler (anti-aliasing FIR)', () => {
  for (const inRate of [44100, 48000]) {
    it(`${inRate} -> 16000: speech band passes at 0 dB, content above 8 kHz does not alias back`, () => {
      const pass = run(inRate, 16000, sine(1000, inRate, 0.5));
      expect(pass.length).toBeGreaterThan(7900);
      expect(pass.length).toBeLessThan(8010);
      expect(Math.abs(rmsDb(pass, 400))).toBeLessThan(0.1);
      // 11 kHz would fold to 5 kHz, 13 kHz to 3 kHz: full-level speech-band tones without a filter.
      for (const f of [11000, 13000, 20000])
        expect(rmsDb(run(inRate, 16000, sine(f, inRate, 0.5)), 400)).toBeLessThan(-60);
      // The upper speech band still passes (cutoff 7.2 kHz).
      expect(rmsDb(run(inRate, 16000, sine(6000, inRate, 0.5)), 400)).toBeGreaterThan(-0.5);
    });
  }

  it('16000 -> 44100 (voice playback): the tone keeps its level, no images above 8 kHz', () => {
    const up = run(16000, 44100, sine(3000, 16000, 0.5));
    // 0.5 s, minus the filter's lookahead (half its taps) still held back at the end.
    expect(Math.abs(up.length - 22050)).toBeLessThan(50);
    expect(Math.abs(rmsDb(up, 1000))).toBeLessThan(0.1);
    // Energy above 8 kHz (images of 3 kHz at 13 and 19 kHz): filter with a simple DFT probe.
    const probe = (f: number) => {
      let re = 0;
      let im = 0;
      for (let i = 1000; i < up.length - 1000; i++) {
        re += up[i]! * Math.cos((2 * Math.PI * f * i) / 44100);
        im += up[i]! * Math.sin((2 * Math.PI * f * i) / 44100);
      }
      return (2 * Math.hypot(re, im)) / (up.length - 2000);
    };
    expect(probe(3000)).toBeGreaterThan(0.49);
    expect(probe(13000)).toBeLessThan(0.0005);
    expect(probe(19000)).toBeLessThan(0.0005);
  });

  it('odd rate pairs get a quantised but accurate ratio', () => {
    const d = designResampler(44100, 22050 + 1);
    expect(d.L).toBeLessThanOrEqual(1024);
    expect(Math.abs(d.M / d.L - 44100 / 22051)).toBeLessThan(1e-3);
  });
});

describe('ulaw_8000', () => {
  it('decodes G.711 mu-law', () => {
    // ITU-T G.711 reference expansion (Sun g711.c ulaw2linear), as the official client's worklet.
    expect([...ulawToInt16(Uint8Array.from([0xff, 0x7f, 0x80, 0x00, 0xfe, 0xef]))]).toEqual([
      0, 0, 32124, -32124, 8, 132,
    ]);
  });
});
