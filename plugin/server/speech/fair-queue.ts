/**
 * One speech engine shared fairly by many conversations. Every conversation gets its own queue;
 * the engine takes one request at a time, round-robin between the conversations that are waiting,
 * so a client that floods requests delays itself, not other players. A conversation may have only a
 * few requests waiting (more are refused with {@link SpeechBusyError}); requests whose caller stopped
 * caring are dropped before they reach the engine, and a conversation that ends takes its queue with it.
 */
import type { Speech } from './inline.js';
import type { Synthesis, VoiceSpec } from './types.js';

/** Refused: this conversation already has the maximum number of requests waiting. */
export class SpeechBusyError extends Error {
  constructor(max: number) {
    super(`speech busy: ${max} requests already waiting for this conversation`);
    this.name = 'SpeechBusyError';
  }
}

/** The request was dropped (its caller stopped it, or its conversation ended) before it was synthesized. */
export class SpeechCancelledError extends Error {
  constructor() {
    super('speech request cancelled');
    this.name = 'SpeechCancelledError';
  }
}

export type SynthesizeFn = Speech['synthesize'];

/** What one conversation sees: `synthesize` like {@link Speech}, and `cancel` when it ends. */
export interface OwnedSpeech {
  synthesize: SynthesizeFn;
  /** Drops this conversation's waiting requests and stops the one being synthesized. */
  cancel(): void;
  /** Requests waiting (not counting the one in the engine). */
  readonly pending: number;
}

interface Job {
  text: string;
  voice: VoiceSpec;
  outRate: number;
  shouldStop: () => boolean;
  resolve(s: Synthesis): void;
  reject(e: Error): void;
}

interface Owner {
  jobs: Job[];
  cancelled: boolean;
}

export class FairSpeech {
  /** Owners with waiting jobs, in turn order (Map order: the next one first). */
  readonly #waiting = new Map<Owner, Job[]>();
  #busy = false;

  readonly #speech: Pick<Speech, 'synthesize'>;
  readonly #maxPending: number;

  constructor(speech: Pick<Speech, 'synthesize'>, maxPending: number) {
    this.#speech = speech;
    this.#maxPending = maxPending;
  }

  owner(): OwnedSpeech {
    const owner: Owner = { jobs: [], cancelled: false };
    return {
      synthesize: (text, voice, outRate, shouldStop) =>
        this.#enqueue(owner, text, voice, outRate, shouldStop),
      cancel: () => {
        owner.cancelled = true;
        this.#waiting.delete(owner);
        for (const j of owner.jobs.splice(0)) j.reject(new SpeechCancelledError());
      },
      get pending() {
        return owner.jobs.length;
      },
    };
  }

  #enqueue(
    owner: Owner,
    text: string,
    voice: VoiceSpec,
    outRate: number,
    shouldStop: () => boolean = () => false,
  ): Promise<Synthesis> {
    if (owner.cancelled) return Promise.reject(new SpeechCancelledError());
    this.#dropStopped(owner);
    if (owner.jobs.length >= this.#maxPending) return Promise.reject(new SpeechBusyError(this.#maxPending));
    return new Promise((resolve, reject) => {
      owner.jobs.push({
        text,
        voice,
        outRate,
        shouldStop: () => owner.cancelled || shouldStop(),
        resolve,
        reject,
      });
      if (!this.#waiting.has(owner)) this.#waiting.set(owner, owner.jobs);
      this.#pump();
    });
  }

  #dropStopped(owner: Owner): void {
    const keep = owner.jobs.filter((j) => {
      if (!j.shouldStop()) return true;
      j.reject(new SpeechCancelledError());
      return false;
    });
    owner.jobs.splice(0, owner.jobs.length, ...keep);
  }

  #next(): Job | null {
    for (const owner of this.#waiting.keys()) {
      this.#waiting.delete(owner);
      this.#dropStopped(owner);
      const job = owner.jobs.shift();
      // Back of the line: every other waiting conversation goes before this one's next request.
      if (owner.jobs.length > 0) this.#waiting.set(owner, owner.jobs);
      if (job) return job;
    }
    return null;
  }

  #pump(): void {
    if (this.#busy) return;
    const job = this.#next();
    if (!job) return;
    this.#busy = true;
    let result: Promise<Synthesis>;
    try {
      result = this.#speech.synthesize(job.text, job.voice, job.outRate, job.shouldStop);
    } catch (err) {
      result = Promise.reject(err as Error);
    }
    result.then(job.resolve, job.reject).finally(() => {
      this.#busy = false;
      this.#pump();
    });
  }
}
