/**
 * Who may open a conversation: the agent's total capacity, a cap per client address (so one client
 * cannot take every slot and lock players out), and how long a socket may stay silent before its
 * `conversation_initiation_client_data` (a socket that never starts holds a slot for nothing).
 * At capacity a conversation may wait for a slot, in order of arrival, for a bounded time and in a
 * bounded line (the real service queues when an agent's concurrency is full).
 */
import type { IncomingMessage } from 'node:http';
import type { AgentLimits } from './runtime.js';
import { forwardedClient } from '../forwarded.js';

interface Refusal {
  code: 1002;
  errorType: 'http_exception';
  message: string;
  /** `capacity`: every slot is taken (the conversation may wait); `per_client`: this client's share is. */
  reason: 'capacity' | 'per_client';
}

/** A place in the line: `admitted` resolves true with a slot taken, or false when the wait ran out. */
interface QueueTicket {
  readonly admitted: Promise<boolean>;
  /** Leave the line (the socket closed); a no-op once admitted or timed out. */
  cancel(): void;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. Behind a trusted proxy: the forwarded client. */
export function clientAddress(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = forwardedClient(req);
    if (forwarded) return forwarded;
  }
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The per-client cap when none is configured: a quarter of the slots (50 of the default 200). */
export function defaultPerClient(maxSessions: number): number {
  return Math.max(1, Math.ceil(maxSessions / 4));
}

interface Waiter {
  address: string;
  settle(ok: boolean): void;
}

export class Admission {
  readonly #byClient = new Map<string, number>();
  readonly #waiting: Waiter[] = [];
  #total = 0;
  readonly #limits: AgentLimits;

  constructor(limits: AgentLimits) {
    this.#limits = limits;
  }

  /** Conversations waiting for a slot now. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Takes a slot for `address`, or says why not. Every admitted slot must be {@link release}d once. */
  admit(address: string): Refusal | null {
    const mine = this.#byClient.get(address) ?? 0;
    if (mine + this.#waitingFor(address) >= this.#limits.maxSessionsPerClient) {
      return {
        code: 1002,
        errorType: 'http_exception',
        reason: 'per_client',
        message: `Too many conversations from one client (${this.#limits.maxSessionsPerClient}). Close one and try again.`,
      };
    }
    if (this.#total >= this.#limits.maxSessions || this.#waiting.length > 0) {
      return {
        code: 1002,
        errorType: 'http_exception',
        reason: 'capacity',
        message: `The local agent is at capacity (${this.#limits.maxSessions} conversations). Try again later.`,
      };
    }
    this.#take(address);
    return null;
  }

  /**
   * Joins the line after a `capacity` refusal, or returns null when waiting is off or the line is
   * full (the refusal stands).
   */
  enqueue(address: string): QueueTicket | null {
    if (this.#limits.queueTimeoutMs <= 0 || this.#waiting.length >= this.#limits.maxQueued) return null;
    let settle!: (ok: boolean) => void;
    const admitted = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), this.#limits.queueTimeoutMs);
      timer.unref?.();
      let over = false;
      const done = (ok: boolean) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        const i = this.#waiting.indexOf(waiter);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(ok);
      };
      settle = done;
    });
    const waiter: Waiter = { address, settle: (ok) => settle(ok) };
    this.#waiting.push(waiter);
    return { admitted, cancel: () => settle(false) };
  }

  release(address: string): void {
    const mine = this.#byClient.get(address) ?? 0;
    if (mine <= 1) this.#byClient.delete(address);
    else this.#byClient.set(address, mine - 1);
    this.#total = Math.max(0, this.#total - 1);
    // The slot goes to the first in line.
    const next = this.#waiting[0];
    if (next && this.#total < this.#limits.maxSessions) {
      this.#take(next.address);
      next.settle(true);
    }
  }

  #take(address: string): void {
    this.#byClient.set(address, (this.#byClient.get(address) ?? 0) + 1);
    this.#total++;
  }

  #waitingFor(address: string): number {
    let n = 0;
    for (const w of this.#waiting) if (w.address === address) n++;
    return n;
  }
}
