import type { ResamplerDesign } from '../fir.js';
import { Resampler } from '../resampler.js';
import type { DefineProcessor } from './scope.js';

interface MicProcessorOptions {
  design: ResamplerDesign;
  chunkSamples: number;
  poolSize: number;
}

/**
 * The capture worklet: mono mix of the input, polyphase resampling from the context rate to the
 * session rate, PCM16 conversion (clamp; negative x 32768, positive x 32767, as the official
 * client), and chunks of a fixed number of samples.
 *
 * Allocation-free audio thread without SharedArrayBuffer (a game page is rarely cross-origin
 * isolated): chunks live in a pool of ArrayBuffers created in the constructor. A full chunk is
 * *transferred* to the main thread (zero-copy; the worklet loses it), and the main thread transfers
 * it back once its onChunk callback returned. The only per-chunk cost on the audio thread is the
 * postMessage itself, every 20 ms. If the main thread stalls long enough to hold every pooled
 * buffer (poolSize x chunk duration, 640 ms by default), one extra buffer is allocated rather than
 * dropping audio (counted in `grown` so it shows up in diagnostics).
 *
 * Input gaps: a run of 32+ exact-zero input samples (up to 100 ms) between non-zero ones is a
 * hole the browser filled upstream of us: its capture thread delivered late (CPU starvation) and
 * the MediaStream source rendered silence, then resumed where it was. No microphone's noise floor
 * is digital zero, so the signature is reliable. The worklet posts the run length (a number, only
 * when one happens) so MicCapture can count them: the fidelity tests use it to tell the browser's
 * inserted silence from anything our path could drop or repeat (it drops and repeats nothing).
 */
export const defineMicProcessor: DefineProcessor = (scope, name) => {
  class PvaMicCapture extends scope.AudioWorkletProcessor {
    rs: Resampler;
    chunkSamples: number;
    tmp: Float32Array;
    mono = new Float32Array(128);
    free: Int16Array[] = [];
    cur: Int16Array;
    fill = 0;
    grown = 0;
    alive = true;
    zeros = 0;
    heard = false;
    gapMax = Math.round(scope.sampleRate * 0.1);
    /** Reused transfer list: `postMessage(buf, [buf])` would allocate an array per chunk. */
    xfer: (ArrayBuffer | null)[] = [null];

    constructor(options: AudioWorkletNodeOptions) {
      super();
      const o = options.processorOptions as MicProcessorOptions;
      this.rs = new Resampler(o.design, 4096);
      this.chunkSamples = o.chunkSamples;
      this.tmp = new Float32Array(Math.ceil((128 * o.design.L) / o.design.M) + 4);
      for (let i = 0; i < o.poolSize; i++) this.free.push(new Int16Array(this.chunkSamples));
      this.cur = this.free.pop()!;
      this.port.onmessage = (e: MessageEvent<unknown>) => {
        const d = e.data;
        if (d instanceof ArrayBuffer) this.free.push(new Int16Array(d));
        else if (d === 'stop') this.alive = false;
      };
    }

    process(inputs: Float32Array[][]): boolean {
      if (!this.alive) return false;
      const input = inputs[0];
      if (!input || input.length === 0) return true;
      let src = input[0]!;
      if (input.length > 1) {
        const m = this.mono,
          a = input[0]!,
          b = input[1]!;
        for (let i = 0; i < a.length; i++) m[i] = 0.5 * (a[i]! + b[i]!);
        src = m;
      }
      for (let i = 0; i < src.length; i++) {
        if (src[i] === 0) this.zeros++;
        else {
          if (this.heard && this.zeros >= 32 && this.zeros <= this.gapMax) this.port.postMessage(this.zeros);
          this.zeros = 0;
          this.heard = true;
        }
      }
      let off = 0;
      while (off < src.length) {
        off += this.rs.pushF32(src, off, src.length - off);
        let got;
        while ((got = this.rs.pull(this.tmp, 0, this.tmp.length)) > 0) this.emit(got);
      }
      return true;
    }

    emit(got: number): void {
      const t = this.tmp;
      for (let i = 0; i < got; i++) {
        let v = t[i]!;
        v = v < -1 ? -1 : v > 1 ? 1 : v;
        this.cur[this.fill++] = v < 0 ? v * 32768 : v * 32767;
        if (this.fill === this.chunkSamples) {
          const buf = this.cur.buffer as ArrayBuffer;
          this.xfer[0] = buf;
          this.port.postMessage(buf, this.xfer as ArrayBuffer[]);
          this.xfer[0] = null;
          const next = this.free.pop();
          if (next) this.cur = next;
          else {
            this.cur = new Int16Array(this.chunkSamples);
            this.grown++;
          }
          this.fill = 0;
        }
      }
    }
  }
  scope.registerProcessor(name, PvaMicCapture);
};
