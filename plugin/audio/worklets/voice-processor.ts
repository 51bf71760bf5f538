import type { ResamplerDesign } from '../fir.js';
import { Resampler } from '../resampler.js';
import type { DefineProcessor } from './scope.js';

interface VoiceProcessorOptions {
  flushFadeMs: number;
  edgeFadeMs: number;
  leadMs: number;
  leadStepMs: number;
  leadMaxMs: number;
}

/** One queued chunk of a turn's audio: PCM16 at `rate`. */
interface VoiceChunk {
  pcm: Int16Array;
  rate: number;
  turn: number;
}

/** Messages to the worklet. */
type VoiceIn =
  | { t: 'design'; d: ResamplerDesign }
  | { t: 'chunks'; list: VoiceChunk[] }
  | { t: 'flush'; turn: number }
  | 'stop';

/**
 * Messages from the worklet, posted on state changes only, never per render quantum. `played` is
 * the frames of this turn played so far, `time` the context time.
 */
export interface VoiceOut {
  t: 'start' | 'starve' | 'resume' | 'flushed' | 'end';
  turn: number;
  played: number;
  time: number;
}

/**
 * The playback worklet of one NPC voice: a FIFO of PCM16 chunks (any rate; one resampler per
 * rate, designed on the main thread) played back to back on the context clock, so consecutive
 * chunks are sample-continuous (gapless by construction, no per-chunk scheduling error).
 *
 * Jitter: when the FIFO runs dry mid-turn, the input is continued by its own last 2 ms,
 * time-reversed and faded out (continuous value, decaying level), and on refill the new input
 * fades in over 2 ms before the filter: a late chunk costs a short gap, never a click, and the
 * clock never drifts (playback continues from the FIFO). Lead: a turn starts as soon as its first
 * chunk arrives (wire-to-ear matters most); after an underrun the voice waits until `lead` of
 * audio is queued (or `lead` has passed) before resuming; each underrun raises the lead by
 * leadStep up to leadMax, each turn that plays through cleanly lowers it again.
 *
 * Flush (barge-in/skip): a linear output fade over flushFade, then the queued chunks of that turn
 * and older ones are dropped. Later turns already queued play normally.
 */
export const defineVoiceProcessor: DefineProcessor = (scope, name) => {
  type Rs = Resampler;

  class PvaNpcVoice extends scope.AudioWorkletProcessor {
    sr = scope.sampleRate;
    edgeMs: number;
    flushStep: number;
    lead: number;
    leadStep: number;
    leadMax: number;
    leadMin: number;
    designs = new Map<number, Rs>();
    rs: Rs | null = null;
    q: VoiceChunk[] = [];
    qHead = 0;
    qOff = 0;
    queuedSec = 0;
    turn = -1;
    played = 0;
    state: 'idle' | 'playing' | 'starved' | 'flushing' = 'idle';
    flushGain = 1;
    flushTurn = -Infinity;
    underrunThisTurn = false;
    waitUntil = -1;
    alive = true;
    drainLeft = 0;
    fadePending = true;

    constructor(options: AudioWorkletNodeOptions) {
      super();
      const o = options.processorOptions as VoiceProcessorOptions;
      this.edgeMs = o.edgeFadeMs;
      this.flushStep = 1 / Math.max(1, Math.round((this.sr * o.flushFadeMs) / 1000));
      this.lead = this.leadMin = o.leadMs / 1000;
      this.leadStep = o.leadStepMs / 1000;
      this.leadMax = o.leadMaxMs / 1000;
      this.port.onmessage = (e: MessageEvent<VoiceIn>) => this.onMsg(e.data);
    }

    post(t: VoiceOut['t']): void {
      this.port.postMessage({ t, turn: this.turn, played: this.played, time: scope.currentTime });
    }

    onMsg(d: VoiceIn): void {
      if (d === 'stop') {
        this.alive = false;
        return;
      }
      if (d.t === 'design') this.designs.set(d.d.inRate, new Resampler(d.d, 8192));
      else if (d.t === 'chunks') {
        if (this.qHead > 32) {
          this.q.splice(0, this.qHead);
          this.qHead = 0;
        }
        for (const c of d.list) {
          if (c.turn <= this.flushTurn) continue;
          this.q.push(c);
          this.queuedSec += c.pcm.length / c.rate;
        }
        if (
          this.qHead < this.q.length &&
          (this.state === 'idle' || this.state === 'starved') &&
          this.waitUntil < 0
        ) {
          // The lead only applies to a turn that ran dry; a new turn starts at once.
          const sameTurn = this.state === 'starved' && this.q[this.qHead]!.turn === this.turn;
          this.waitUntil = scope.currentTime + (sameTurn ? this.lead : 0);
        }
      } else {
        this.flushTurn = Math.max(this.flushTurn, d.turn);
        if (this.state === 'playing' && this.turn <= this.flushTurn) {
          this.state = 'flushing';
          this.flushGain = 1;
        } else this.dropFlushed(); // a starved voice keeps ringing out its already-fading tail
      }
    }

    dropFlushed(): void {
      const F = this.flushTurn;
      const headKept = this.qHead < this.q.length && this.q[this.qHead]!.turn > F;
      const keep: VoiceChunk[] = [];
      let sec = 0;
      for (let i = this.qHead; i < this.q.length; i++) {
        const c = this.q[i]!;
        if (c.turn > F) {
          keep.push(c);
          sec += c.pcm.length / c.rate;
        }
      }
      if (headKept) sec -= this.qOff / this.q[this.qHead]!.rate;
      else this.qOff = 0;
      this.q = keep;
      this.qHead = 0;
      this.queuedSec = sec;
      if (this.turn === -1 || this.turn > F) return; // what plays is newer: untouched
      if (this.state === 'flushing') {
        // Silent by now: nothing of the old turn may ring out.
        this.rs!.reset();
        this.drainLeft = 0;
      }
      this.flushGain = 1;
      this.fadePending = true;
      this.waitUntil = keep.length ? scope.currentTime : -1;
      this.state = 'idle';
      this.post('flushed');
      this.turn = -1;
    }

    /** Feeds the resampler from the FIFO. Returns false when the FIFO is empty. */
    feed(): boolean {
      while (this.qHead < this.q.length) {
        const c = this.q[this.qHead]!;
        if (this.state === 'flushing' && c.turn > this.flushTurn) return false; // never fade a newer turn
        if (c.turn !== this.turn) {
          if (this.turn !== -1) this.endTurn();
          this.turn = c.turn;
          this.played = 0;
          this.underrunThisTurn = false;
          this.post('start');
        }
        if (!this.rs || this.rs.rate !== c.rate) {
          const rs = this.designs.get(c.rate);
          if (!rs) {
            // Unreachable: the main thread sends a rate's design before its first chunk.
            this.qHead++;
            continue;
          }
          rs.reset();
          this.rs = rs;
          this.fadePending = true;
        }
        if (this.fadePending) {
          this.rs.fadeIn(Math.round((c.rate * this.edgeMs) / 1000));
          this.fadePending = false;
        }
        const took = this.rs.pushI16(c.pcm, this.qOff, c.pcm.length - this.qOff);
        this.qOff += took;
        this.queuedSec -= took / c.rate;
        if (this.qOff >= c.pcm.length) {
          this.qHead++;
          this.qOff = 0;
        }
        if (this.rs.needed() === 0) return true;
      }
      return false;
    }

    endTurn(): void {
      if (!this.underrunThisTurn) this.lead = Math.max(this.leadMin, this.lead - this.leadStep);
      this.post('end');
    }

    /** Continues the input with its faded, time-reversed tail, then lets the filter ring out. */
    starve(): void {
      const rs = this.rs!,
        tail = Math.round((rs.rate * this.edgeMs) / 1000);
      rs.pushTail(tail);
      this.drainLeft = Math.ceil(((tail + rs.K) * rs.L) / rs.M) + 2;
      this.fadePending = true;
      this.state = 'starved';
      this.post('starve');
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      if (!this.alive) return false;
      const out = outputs[0]![0]!;
      const n = out.length;
      let i = 0;
      while (i < n) {
        if (this.state === 'idle' || this.state === 'starved') {
          const ready =
            this.qHead < this.q.length &&
            this.waitUntil >= 0 &&
            (scope.currentTime >= this.waitUntil || this.queuedSec >= this.lead);
          if (ready) {
            if (this.state === 'starved' && this.q[this.qHead]!.turn === this.turn) {
              // A real underrun (more of the same turn came late) raises the lead.
              this.underrunThisTurn = true;
              this.lead = Math.min(this.leadMax, this.lead + this.leadStep);
              this.post('resume');
            }
            this.state = 'playing';
            this.waitUntil = -1;
            this.drainLeft = 0;
          } else if (this.drainLeft > 0) {
            const rs = this.rs!;
            if (rs.needed() > 0) rs.pushZeros(rs.needed());
            rs.pull(out, i, 1);
            i++;
            this.drainLeft--;
            continue;
          } else {
            for (; i < n; i++) out[i] = 0;
            break;
          }
        }
        if (this.rs === null || this.rs.needed() > 0) {
          if (!this.feed()) {
            if (this.state === 'flushing') {
              this.dropFlushed();
              continue;
            }
            if (this.rs === null) {
              this.state = 'idle';
              continue;
            }
            this.starve();
            continue;
          }
        }
        this.rs!.pull(out, i, 1);
        if (this.state === 'flushing') {
          this.flushGain -= this.flushStep;
          if (this.flushGain <= 0) {
            out[i] = 0;
            i++;
            this.dropFlushed();
            continue;
          }
          out[i]! *= this.flushGain;
        } else this.played++;
        i++;
      }
      return true;
    }
  }
  scope.registerProcessor(name, PvaNpcVoice);
};
