export const VOICE_PROCESSOR = 'pva-npc-voice';

/**
 * The playback worklet of one NPC voice: a FIFO of PCM16 chunks (any rate; one resampler per
 * rate, designed on the main thread) played back to back on the context clock, so consecutive
 * chunks are sample-continuous (gapless by construction, no per-chunk scheduling error).
 *
 * Jitter: when the FIFO runs dry mid-turn the voice fades out over ~2 ms instead of stepping to
 * zero, and on refill it fades back in, so a late chunk costs a short gap, never a click, and the
 * clock never drifts (playback simply continues from the FIFO). Lead: a turn starts as soon as its
 * first chunk arrives (wire-to-ear matters most); after an underrun the voice waits until `lead`
 * of audio is queued before resuming, and each underrun raises the lead by leadStep up to leadMax;
 * every turn that plays through without an underrun lowers it again.
 *
 * Flush (barge-in/skip): a linear fade over flushFade frames, then the queued chunks of that turn
 * (and older) are dropped. Later turns already queued play normally.
 *
 * Messages in:  {t:'design', d} | {t:'chunk', pcm:Int16Array, rate, turn} | {t:'flush', turn} | 'stop'
 * Messages out: {t:'start'|'starve'|'resume'|'flushed'|'end', turn, played (frames of this turn), time}
 */
/** Processor class source; needs the Resampler from worklet-dsp.ts in the same module. */
export const VOICE_WORKLET_JS = String.raw`
class PvaNpcVoice extends AudioWorkletProcessor {
  constructor(options) {
    const o = options.processorOptions;
    super();
    this.sr = sampleRate;
    this.fadeStep = 1 / Math.max(1, Math.round(this.sr * o.edgeFadeMs / 1000));
    this.flushStep = 1 / Math.max(1, Math.round(this.sr * o.flushFadeMs / 1000));
    this.lead = o.leadMs / 1000; this.leadStep = o.leadStepMs / 1000; this.leadMax = o.leadMaxMs / 1000;
    this.leadMin = o.leadMs / 1000;
    this.designs = new Map(); this.rs = null;
    this.q = []; this.qHead = 0; this.qOff = 0; this.queuedFrames = 0; // queued duration in seconds
    this.turn = -1; this.played = 0; this.state = 'idle'; // idle | playing | starved | flushing
    this.env = 0; this.flushGain = 1; this.flushTurn = -Infinity; this.underrunThisTurn = false;
    this.waitUntil = 0; this.alive = true; this.tail = 0;
    this.port.onmessage = (e) => this.onMsg(e.data);
  }
  onMsg(d) {
    if (d === 'stop') { this.alive = false; return; }
    if (d.t === 'design') this.designs.set(d.d.inRate, new Resampler(d.d, 8192));
    else if (d.t === 'chunk') {
      if (d.turn <= this.flushTurn) return;
      if (this.qHead > 32) { this.q.splice(0, this.qHead); this.qHead = 0; }
      this.q.push(d); this.queuedFrames += d.pcm.length / d.rate;
      if (this.state === 'idle' || this.state === 'starved') {
        // After an underrun, wait for 'lead' worth of audio (or lead time) before resuming.
        if (this.waitUntil === 0) this.waitUntil = currentTime + (this.state === 'idle' ? 0 : this.lead);
      }
    } else if (d.t === 'flush') {
      this.flushTurn = Math.max(this.flushTurn, d.turn);
      if (this.state === 'playing' || (this.state === 'starved' && this.env > 0)) this.state = 'flushing';
      else this.dropFlushed();
    }
  }
  dropFlushed() {
    const keep = [];
    for (let i = this.qHead; i < this.q.length; i++) if (this.q[i].turn > this.flushTurn) keep.push(this.q[i]);
    const hadCurrent = this.turn <= this.flushTurn && this.turn !== -1;
    this.q = keep; this.qHead = 0; this.qOff = 0;
    this.queuedFrames = 0; for (const c of keep) this.queuedFrames += c.pcm.length / c.rate;
    if (this.rs) this.rs.reset();
    this.env = 0; this.flushGain = 1; this.waitUntil = keep.length ? currentTime : 0;
    this.state = 'idle';
    if (hadCurrent) this.port.postMessage({ t: 'flushed', turn: this.turn, played: this.played, time: currentTime });
    this.turn = -1;
  }
  /** Feeds the resampler from the FIFO. Returns false when the FIFO is empty. */
  feed() {
    while (this.qHead < this.q.length) {
      const c = this.q[this.qHead];
      if (c.turn !== this.turn) {
        if (this.turn !== -1) this.endTurn();
        this.turn = c.turn; this.played = 0; this.underrunThisTurn = false;
        this.port.postMessage({ t: 'start', turn: c.turn, played: 0, time: currentTime });
      }
      if (!this.rs || this.rs.rate !== c.rate) {
        const rs = this.designs.get(c.rate);
        if (!rs) { this.qHead++; continue; } // unreachable: the main thread sends the design first
        rs.reset(); this.rs = rs;
      }
      const took = this.rs.pushI16(c.pcm, this.qOff, c.pcm.length - this.qOff);
      this.qOff += took; this.queuedFrames -= took / c.rate;
      if (this.qOff >= c.pcm.length) { this.qHead++; this.qOff = 0; }
      if (this.rs.needed() === 0) return true;
    }
    return false;
  }
  endTurn() {
    if (!this.underrunThisTurn) this.lead = Math.max(this.leadMin, this.lead - this.leadStep);
    this.port.postMessage({ t: 'end', turn: this.turn, played: this.played, time: currentTime });
  }
  process(_inputs, outputs) {
    if (!this.alive) return false;
    const out = outputs[0][0];
    const n = out.length;
    let i = 0;
    while (i < n) {
      if (this.state === 'idle' || this.state === 'starved') {
        const hasData = this.qHead < this.q.length;
        const ready = hasData && this.waitUntil !== 0 && (currentTime >= this.waitUntil || this.queuedFrames >= this.lead);
        if (ready) {
          if (this.state === 'starved' && this.q[this.qHead].turn === this.turn) {
            // A real underrun (more of the same turn came late): raise the lead.
            this.underrunThisTurn = true;
            this.lead = Math.min(this.leadMax, this.lead + this.leadStep);
            this.port.postMessage({ t: 'resume', turn: this.turn, played: this.played, time: currentTime });
          }
          this.state = 'playing'; this.waitUntil = 0;
        } else if (this.env > 0 && this.rs) {
          // Starved: let the filter ring out on zeros while the envelope closes (no click).
          this.rs.pushZeros(this.rs.needed());
          this.rs.pull(out, i, 1);
          out[i] *= this.env; this.env = Math.max(0, this.env - this.fadeStep); i++;
          continue;
        } else { for (; i < n; i++) out[i] = 0; break; }
      }
      if (this.rs === null || this.rs.needed() > 0) {
        if (!this.feed()) {
          if (this.state === 'flushing') { this.dropFlushed(); continue; }
          this.state = 'starved';
          this.port.postMessage({ t: 'starve', turn: this.turn, played: this.played, time: currentTime });
          continue;
        }
      }
      this.rs.pull(out, i, 1);
      if (this.state === 'flushing') {
        out[i] *= this.env * this.flushGain;
        this.flushGain -= this.flushStep;
        if (this.flushGain <= 0) { out[i] = 0; i++; this.dropFlushed(); continue; }
      } else {
        if (this.env < 1) this.env = Math.min(1, this.env + this.fadeStep);
        out[i] *= this.env;
        this.played++;
      }
      i++;
    }
    return true;
  }
}
registerProcessor('${VOICE_PROCESSOR}', PvaNpcVoice);
`;
