/**
 * Who may open a conversation: the agent's total capacity, a cap per client address (so one client
 * cannot take every slot and lock players out), and how long a socket may stay silent before its
 * `conversation_initiation_client_data` (a socket that never starts holds a slot for nothing).
 */
import type { IncomingMessage } from 'node:http';
import type { AgentLimits } from './runtime.js';

export interface Refusal {
  code: 1002;
  errorType: 'http_exception';
  message: string;
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. Behind a trusted proxy: the forwarded client. */
export function clientAddress(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
    if (first) return first.slice(0, 64);
  }
  const a = req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** The per-client cap when none is configured: a quarter of the slots (50 of the default 200). */
export function defaultPerClient(maxSessions: number): number {
  return Math.max(1, Math.ceil(maxSessions / 4));
}

export class Admission {
  private readonly byClient = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: AgentLimits) {}

  /** Takes a slot for `address`, or says why not. Every admitted slot must be {@link release}d once. */
  admit(address: string): Refusal | null {
    if (this.total >= this.limits.maxSessions) {
      return {
        code: 1002,
        errorType: 'http_exception',
        message: `The local agent is at capacity (${this.limits.maxSessions} conversations). Try again later.`,
      };
    }
    const mine = this.byClient.get(address) ?? 0;
    if (mine >= this.limits.maxSessionsPerClient) {
      return {
        code: 1002,
        errorType: 'http_exception',
        message: `Too many conversations from one client (${this.limits.maxSessionsPerClient}). Close one and try again.`,
      };
    }
    this.byClient.set(address, mine + 1);
    this.total++;
    return null;
  }

  release(address: string): void {
    const mine = this.byClient.get(address) ?? 0;
    if (mine <= 1) this.byClient.delete(address);
    else this.byClient.set(address, mine - 1);
    this.total = Math.max(0, this.total - 1);
  }
}
