/**
 * A bounded, fair pool of decoder processes shared by every conversation of one local agent.
 *
 * - At most `maxConcurrent` utterances decode at once (CPU-bound work: about the core count), on
 *   at most `maxProcesses` processes. A process has one grammar (one per NPC), so processes are kept
 *   per grammar and the least recently used idle one is replaced when another grammar needs a slot.
 * - Fairness: one conversation (owner) decodes at most one utterance at a time and has at most one
 *   waiting; a newer one supersedes it (the player said something new: answer that).
 * - Real time: an owner earns one second of decodable audio per second of wall time (plus a burst),
 *   so a client sending audio faster than real time cannot turn it into more work than that.
 * - Overload is answered, not queued forever: an utterance that waited `maxWaitMs` is declined as
 *   `busy` and the conversation says so.
 * - A process that dies or hangs is killed and the utterance retried once on a fresh process.
 */
import type { RecognizerStats } from './recognizer.js';
import type { Decoder } from './sphinx-process.js';

type PoolResult =
  | { ok: true; text: string; alternatives?: string[] }
  | { ok: false; reason: 'busy' | 'too_fast' | 'failed' | 'superseded' | 'cancelled' };

export interface PoolOptions {
  /** Utterances decoded at the same time. */
  maxConcurrent: number;
  /** Decoder processes alive at once (idle ones included); at least `maxConcurrent`. */
  maxProcesses: number;
  /** Longest wait for a decoder before the utterance is declined as `busy` (ms). */
  maxWaitMs: number;
  /** Longest decode of one utterance before its process is replaced (ms). */
  decodeTimeoutMs: number;
  /** Audio an owner may have decoded ahead of real time (ms): a long turn sent in one burst fits. */
  burstMs: number;
  /** An idle process is stopped after this long (ms); 0 keeps it. */
  idleMs: number;
  spawn(key: string): Decoder;
  now?: () => number;
}

export type { RecognizerStats as PoolStats } from './recognizer.js';

interface Job {
  owner: object;
  key: string;
  pcm: Buffer;
  state: 'queued' | 'running' | 'done';
  retried: boolean;
  timer: ReturnType<typeof setTimeout> | null;
  settle(r: PoolResult): void;
}

interface Owner {
  credit: number;
  at: number;
  queued: Job | null;
  running: boolean;
}

interface Slot {
  decoder: Decoder;
  busy: boolean;
  lastUsed: number;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

const BYTES_PER_MS = 32; // 16 kHz mono PCM16

export class RecognizerPool {
  readonly #o: PoolOptions;
  readonly #now: () => number;
  readonly #queue: Job[] = [];
  readonly #slots: Slot[] = [];
  readonly #owners = new WeakMap<object, Owner>();
  #running = 0;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#o = { ...options, maxProcesses: Math.max(options.maxProcesses, options.maxConcurrent) };
    this.#now = options.now ?? (() => performance.now());
  }

  stats(): RecognizerStats {
    return { processes: this.#slots.length, running: this.#running, queued: this.#queue.length };
  }

  /** Process ids of the live decoders (tests: a killed one must be replaced, none left after close). */
  pids(): number[] {
    return this.#slots.flatMap((s) => (s.decoder.pid === undefined ? [] : [s.decoder.pid]));
  }

  /**
   * Start this grammar's processes (up to maxConcurrent) ahead of its first utterance, where free
   * slots allow: starting one blocks the event loop for a fork, better at a conversation's start
   * than in the middle of everyone's turns.
   */
  prepare(key: string): void {
    let have = this.#slots.filter((s) => s.decoder.key === key).length;
    while (!this.#closed && have++ < this.#o.maxConcurrent && this.#slots.length < this.#o.maxProcesses)
      this.#idle(this.#add(key));
  }

  /**
   * Queue one utterance; `cancel` withdraws it (a running decode finishes, its result is dropped).
   * `chargeBytes` is the audio charged against the owner's real-time credit, all of `pcm` unless
   * said: a stream decoding its utterance again (a peek when the player went quiet, then the end) pays only for the
   * audio the player has said since, so pauses cannot make a turn look faster than real time.
   */
  submit(
    owner: object,
    key: string,
    pcm: Buffer,
    chargeBytes = pcm.length,
  ): { result: Promise<PoolResult>; cancel(): void } {
    let settle!: (r: PoolResult) => void;
    const result = new Promise<PoolResult>((resolve) => (settle = resolve));
    const job: Job = { owner, key, pcm, state: 'queued', retried: false, timer: null, settle: () => {} };
    job.settle = (r) => {
      if (job.state === 'done') return;
      if (job.state === 'queued') this.#dequeue(job);
      job.state = 'done';
      settle(r);
    };
    const cancel = (): void => job.settle({ ok: false, reason: 'cancelled' });
    if (this.#closed) {
      job.settle({ ok: false, reason: 'cancelled' });
      return { result, cancel };
    }
    const o = this.#owner(owner);
    const now = this.#now();
    o.credit = Math.min(this.#o.burstMs, o.credit + (now - o.at));
    o.at = now;
    const audioMs = chargeBytes / BYTES_PER_MS;
    if (audioMs > o.credit) {
      job.settle({ ok: false, reason: 'too_fast' });
      return { result, cancel };
    }
    o.credit -= audioMs;
    o.queued?.settle({ ok: false, reason: 'superseded' });
    o.queued = job;
    this.#queue.push(job);
    job.timer = setTimeout(() => job.settle({ ok: false, reason: 'busy' }), this.#o.maxWaitMs);
    this.#pump();
    return { result, cancel };
  }

  /** Decline everything waiting, stop every process; resolves when they have exited. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of [...this.#queue]) job.settle({ ok: false, reason: 'cancelled' });
    const slots = this.#slots.splice(0);
    for (const s of slots) {
      if (s.idleTimer) clearTimeout(s.idleTimer);
      s.decoder.kill();
    }
    await Promise.all(slots.map((s) => s.decoder.exited));
  }

  #owner(owner: object): Owner {
    let o = this.#owners.get(owner);
    if (!o)
      this.#owners.set(
        owner,
        (o = { credit: this.#o.burstMs, at: this.#now(), queued: null, running: false }),
      );
    return o;
  }

  #dequeue(job: Job): void {
    const i = this.#queue.indexOf(job);
    if (i >= 0) this.#queue.splice(i, 1);
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    const o = this.#owners.get(job.owner);
    if (o?.queued === job) o.queued = null;
  }

  #add(key: string): Slot {
    const slot: Slot = { decoder: this.#o.spawn(key), busy: false, lastUsed: this.#now(), idleTimer: null };
    this.#slots.push(slot);
    // A process that dies while idle (killed, crashed) leaves the pool; the next utterance starts another.
    void slot.decoder.exited.then(() => {
      if (slot.busy) return; // the running decode reports it and #run removes the slot
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      this.#pump();
    });
    return slot;
  }

  #idle(slot: Slot): void {
    if (!this.#o.idleMs) return;
    slot.idleTimer = setTimeout(() => {
      if (!slot.busy) slot.decoder.kill();
    }, this.#o.idleMs);
    slot.idleTimer.unref?.();
  }

  /** A free process for this grammar: an idle one, a new one, or one that replaces an idle other. */
  #slotFor(key: string): Slot | null {
    const same = this.#slots.find((s) => !s.busy && s.decoder.alive && s.decoder.key === key);
    if (same) return same;
    if (this.#slots.length >= this.#o.maxProcesses) {
      const idle = this.#slots.filter((s) => !s.busy).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!idle) return null;
      this.#slots.splice(this.#slots.indexOf(idle), 1);
      if (idle.idleTimer) clearTimeout(idle.idleTimer);
      idle.decoder.kill();
    }
    return this.#add(key);
  }

  #pump(): void {
    while (!this.#closed && this.#running < this.#o.maxConcurrent) {
      // Oldest first, skipping owners already decoding: one conversation never holds two slots.
      const job = this.#queue.find((j) => !this.#owners.get(j.owner)?.running);
      if (!job) return;
      const slot = this.#slotFor(job.key);
      if (!slot) return;
      this.#dequeue(job);
      job.state = 'running';
      void this.#run(job, slot);
    }
  }

  async #run(job: Job, slot: Slot): Promise<void> {
    const owner = this.#owner(job.owner);
    owner.running = true;
    this.#running++;
    slot.busy = true;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const outcome = await slot.decoder.decode(job.pcm, this.#o.decodeTimeoutMs);
    slot.busy = false;
    slot.lastUsed = this.#now();
    this.#running--;
    owner.running = false;
    if (!slot.decoder.alive || !outcome.ok) {
      slot.decoder.kill();
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
    } else this.#idle(slot);
    if (outcome.ok) job.settle(outcome);
    else if (this.#closed) job.settle({ ok: false, reason: 'cancelled' });
    else if (owner.queued) job.settle({ ok: false, reason: 'superseded' });
    else if (job.state === 'running' && !job.retried) {
      // Once more on a fresh process, ahead of the queue: the player did nothing wrong.
      job.retried = true;
      job.state = 'queued';
      owner.queued = job;
      this.#queue.unshift(job);
    } else job.settle({ ok: false, reason: 'failed' });
    this.#pump();
  }
}
