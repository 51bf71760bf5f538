/**
 * Sample-rate conversion with the Speex resampler (BSD, WASM): a real anti-aliasing filter, about
 * 1 ms of CPU per second of audio at quality 3. Each sentence is converted in one call, so the
 * filter delay is compensated here (pad the input, drop the leading output) and every sentence
 * starts exactly at its first sample.
 */
import SpeexResampler from '@echogarden/speex-resampler-wasm';

interface SpeexModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _speex_resampler_init(ch: number, inRate: number, outRate: number, q: number, errPtr: number): number;
  _speex_resampler_destroy(st: number): void;
  _speex_resampler_process_int(
    st: number,
    ch: number,
    inP: number,
    inLenP: number,
    outP: number,
    outLenP: number,
  ): number;
  _speex_resampler_get_input_latency(st: number): number;
  _speex_resampler_get_output_latency(st: number): number;
  _speex_resampler_reset_mem(st: number): void;
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
}

let modulePromise: Promise<SpeexModule> | null = null;
/** The WASM SIMD build is about twice as fast (Node 20 runs it); the plain one is the fallback. */
const loadModule = (): Promise<SpeexModule> =>
  (modulePromise ??= import('@echogarden/speex-resampler-wasm/simd')
    .then((m) => (m.default as unknown as () => Promise<SpeexModule>)())
    .catch(() => (SpeexResampler as unknown as () => Promise<SpeexModule>)()));

export interface Resampler {
  readonly inRate: number;
  readonly outRate: number;
  /** Converts a whole utterance; the result starts at the same instant as the input. */
  convert(input: Int16Array): Int16Array;
  destroy(): void;
}

const QUALITY = 3;

export async function createResampler(inRate: number, outRate: number): Promise<Resampler> {
  if (inRate === outRate) {
    return { inRate, outRate, convert: (input) => input, destroy: () => {} };
  }
  const m = await loadModule();
  const errPtr = m._malloc(4);
  const st = m._speex_resampler_init(1, inRate, outRate, QUALITY, errPtr);
  m._free(errPtr);
  if (!st) throw new Error(`speex resampler could not convert ${inRate} Hz to ${outRate} Hz`);
  const inLatency = m._speex_resampler_get_input_latency(st);
  const outLatency = m._speex_resampler_get_output_latency(st);
  const lenPtrs = m._malloc(8);
  let inPtr = 0;
  let inCap = 0;
  let outPtr = 0;
  let outCap = 0;
  let destroyed = false;

  const ensure = (inLen: number, outLen: number): void => {
    if (inLen > inCap) {
      if (inPtr) m._free(inPtr);
      inCap = inLen;
      inPtr = m._malloc(inCap * 2);
    }
    if (outLen > outCap) {
      if (outPtr) m._free(outPtr);
      outCap = outLen;
      outPtr = m._malloc(outCap * 2);
    }
  };

  return {
    inRate,
    outRate,
    convert(input) {
      if (destroyed) throw new Error('resampler destroyed');
      m._speex_resampler_reset_mem(st);
      const padded = input.length + inLatency;
      const expected = Math.round((input.length * outRate) / inRate);
      const outLen = Math.ceil((padded * outRate) / inRate) + 16;
      ensure(padded, outLen);
      // HEAP views can be replaced when the WASM memory grows: read them after every malloc.
      m.HEAP16.set(input, inPtr >> 1);
      m.HEAP16.fill(0, (inPtr >> 1) + input.length, (inPtr >> 1) + padded);
      m.HEAPU32[lenPtrs >> 2] = padded;
      m.HEAPU32[(lenPtrs >> 2) + 1] = outLen;
      m._speex_resampler_process_int(st, 0, inPtr, lenPtrs, outPtr, lenPtrs + 4);
      const produced = m.HEAPU32[(lenPtrs >> 2) + 1]!;
      const start = Math.min(outLatency, produced);
      const end = Math.min(produced, start + expected);
      return m.HEAP16.slice((outPtr >> 1) + start, (outPtr >> 1) + end);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      m._speex_resampler_destroy(st);
      m._free(lenPtrs);
      if (inPtr) m._free(inPtr);
      if (outPtr) m._free(outPtr);
    },
  };
}
