export const VOICE_PROCESSOR = 'pva-npc-voice';

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
 *
 * Messages in:  {t:'design', d} | {t:'chunks', list:[{pcm:Int16Array, rate, turn}]} | {t:'flush', turn} | 'stop'
 * Messages out: {t:'start'|'starve'|'resume'|'flushed'|'end', turn, played (frames of this turn), time}
 * Messages are posted on state changes only, never per render quantum.
 *
 * Notes on the source (comments inside the string would ship to every player):
 *  - `this.turn = -1; this.played = 0; this.state = 'idle';`: idle | playing | starved | flushing
 *  - `onMsg`, chunks: the lead only applies to a turn that ran dry; a new turn starts at once.
 *  - `if (this.turn === -1 || this.turn > F) return;`: what plays is newer: untouched
 *  - `if (this.state === 'flushing') { this.rs.reset(); this.dr...`: silent by now
 *  - `dropFlushed`: a starved voice keeps ringing out its already-fading tail.
 *  - `if (this.state === 'flushing' && c.turn > this.flushTurn)...`: never fade a newer turn
 *  - `if (!rs) { this.qHead++; continue; }`: unreachable: the main thread sends the design first
 *  - `starve`: continue the input with its faded, time-reversed tail, then let the filter ring out.
 *  - `process`: a real underrun (more of the same turn came late) raises the lead.
 */
export const VOICE_WORKLET_JS = String.raw`
class PvaNpcVoice extends AudioWorkletProcessor {
  constructor(options) {
    const o = options.processorOptions;
    super();
    this.sr = sampleRate;
    this.edgeMs = o.edgeFadeMs;
    this.flushStep = 1 / Math.max(1, Math.round(this.sr * o.flushFadeMs / 1000));
    this.lead = o.leadMs / 1000; this.leadStep = o.leadStepMs / 1000; this.leadMax = o.leadMaxMs / 1000;
    this.leadMin = o.leadMs / 1000;
    this.designs = new Map(); this.rs = null;
    this.q = []; this.qHead = 0; this.qOff = 0; this.queuedSec = 0;
    this.turn = -1; this.played = 0; this.state = 'idle';
    this.flushGain = 1; this.flushTurn = -Infinity; this.underrunThisTurn = false;
    this.waitUntil = -1; this.alive = true; this.drainLeft = 0; this.fadePending = true;
    this.port.onmessage = (e) => this.onMsg(e.data);
  }
  onMsg(d) {
    if (d === 'stop') { this.alive = false; return; }
    if (d.t === 'design') this.designs.set(d.d.inRate, new Resampler(d.d, 8192));
    else if (d.t === 'chunks') {
      if (this.qHead > 32) { this.q.splice(0, this.qHead); this.qHead = 0; }
      for (const c of d.list) {
        if (c.turn <= this.flushTurn) continue;
        this.q.push(c); this.queuedSec += c.pcm.length / c.rate;
      }
      if (this.qHead < this.q.length && (this.state === 'idle' || this.state === 'starved') && this.waitUntil < 0) {
        const sameTurn = this.state === 'starved' && this.q[this.qHead].turn === this.turn;
        this.waitUntil = currentTime + (sameTurn ? this.lead : 0);
      }
    } else if (d.t === 'flush') {
      this.flushTurn = Math.max(this.flushTurn, d.turn);
      if (this.state === 'playing' && this.turn <= this.flushTurn) { this.state = 'flushing'; this.flushGain = 1; }
      else this.dropFlushed();
    }
  }
  dropFlushed() {
    const F = this.flushTurn;
    const headKept = this.qHead < this.q.length && this.q[this.qHead].turn > F;
    const keep = [];
    let sec = 0;
    for (let i = this.qHead; i < this.q.length; i++) {
      const c = this.q[i];
      if (c.turn > F) { keep.push(c); sec += c.pcm.length / c.rate; }
    }
    if (headKept) sec -= this.qOff / this.q[this.qHead].rate;
    else this.qOff = 0;
    this.q = keep; this.qHead = 0; this.queuedSec = sec;
    if (this.turn === -1 || this.turn > F) return;
    if (this.state === 'flushing') { this.rs.reset(); this.drainLeft = 0; }
    this.flushGain = 1; this.fadePending = true;
    this.waitUntil = keep.length ? currentTime : -1;
    this.state = 'idle';
    this.port.postMessage({ t: 'flushed', turn: this.turn, played: this.played, time: currentTime });
    this.turn = -1;
  }
  /** Feeds the resampler from the FIFO. Returns false when the FIFO is empty. */
  feed() {
    while (this.qHead < this.q.length) {
      const c = this.q[this.qHead];
      if (this.state === 'flushing' && c.turn > this.flushTurn) return false;
      if (c.turn !== this.turn) {
        if (this.turn !== -1) this.endTurn();
        this.turn = c.turn; this.played = 0; this.underrunThisTurn = false;
        this.port.postMessage({ t: 'start', turn: c.turn, played: 0, time: currentTime });
      }
      if (!this.rs || this.rs.rate !== c.rate) {
        const rs = this.designs.get(c.rate);
        if (!rs) { this.qHead++; continue; }
        rs.reset(); this.rs = rs; this.fadePending = true;
      }
      if (this.fadePending) { this.rs.fadeIn(Math.round(c.rate * this.edgeMs / 1000)); this.fadePending = false; }
      const took = this.rs.pushI16(c.pcm, this.qOff, c.pcm.length - this.qOff);
      this.qOff += took; this.queuedSec -= took / c.rate;
      if (this.qOff >= c.pcm.length) { this.qHead++; this.qOff = 0; }
      if (this.rs.needed() === 0) return true;
    }
    return false;
  }
  endTurn() {
    if (!this.underrunThisTurn) this.lead = Math.max(this.leadMin, this.lead - this.leadStep);
    this.port.postMessage({ t: 'end', turn: this.turn, played: this.played, time: currentTime });
  }
  starve() {
    const rs = this.rs, tail = Math.round(rs.rate * this.edgeMs / 1000);
    rs.pushTail(tail);
    this.drainLeft = Math.ceil((tail + rs.K) * rs.L / rs.M) + 2;
    this.fadePending = true;
    this.state = 'starved';
    this.port.postMessage({ t: 'starve', turn: this.turn, played: this.played, time: currentTime });
  }
  process(_inputs, outputs) {
    if (!this.alive) return false;
    const out = outputs[0][0];
    const n = out.length;
    let i = 0;
    while (i < n) {
      if (this.state === 'idle' || this.state === 'starved') {
        const ready = this.qHead < this.q.length && this.waitUntil >= 0 &&
          (currentTime >= this.waitUntil || this.queuedSec >= this.lead);
        if (ready) {
          if (this.state === 'starved' && this.q[this.qHead].turn === this.turn) {
            this.underrunThisTurn = true;
            this.lead = Math.min(this.leadMax, this.lead + this.leadStep);
            this.port.postMessage({ t: 'resume', turn: this.turn, played: this.played, time: currentTime });
          }
          this.state = 'playing'; this.waitUntil = -1; this.drainLeft = 0;
        } else if (this.drainLeft > 0) {
          if (this.rs.needed() > 0) this.rs.pushZeros(this.rs.needed());
          this.rs.pull(out, i, 1); i++; this.drainLeft--;
          continue;
        } else { for (; i < n; i++) out[i] = 0; break; }
      }
      if (this.rs === null || this.rs.needed() > 0) {
        if (!this.feed()) {
          if (this.state === 'flushing') { this.dropFlushed(); continue; }
          if (this.rs === null) { this.state = 'idle'; continue; }
          this.starve();
          continue;
        }
      }
      this.rs.pull(out, i, 1);
      if (this.state === 'flushing') {
        this.flushGain -= this.flushStep;
        if (this.flushGain <= 0) { out[i] = 0; i++; this.dropFlushed(); continue; }
        out[i] *= this.flushGain;
      } else this.played++;
      i++;
    }
    return true;
  }
}
registerProcessor('${VOICE_PROCESSOR}', PvaNpcVoice);
`;
