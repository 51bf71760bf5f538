/**
 * Shared setup for the fault tests (not a test file): the real local agent behind the fault proxy,
 * an AgentSession on a `ws` subclass that counts its listeners, a trap for anything that escapes
 * (unhandled rejections, uncaught exceptions), and a check that timers and sockets return to baseline.
 */
import WebSocket from 'ws';
import type { EndReason } from '../../plugin/protocol/index.js';
import { AgentSession, type AgentAudioChunk, type AgentSessionOptions } from '../../plugin/session/index.js';
import { recordEvents } from '../helpers/events.js';
import { until } from '../../harness/poll.js';

/** `ws` that remembers its instances, so a test can count the listeners the session left behind. */
export class CountingWebSocket extends WebSocket {
  static instances: CountingWebSocket[] = [];
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    CountingWebSocket.instances.push(this);
  }
  sessionListeners(): number {
    return (['open', 'message', 'close'] as const).reduce((n, e) => n + this.listenerCount(e), 0);
  }
}

export interface Escapes {
  errors: unknown[];
  dispose(): void;
}

/** Records every unhandled rejection and uncaught exception in this process while installed. */
export function trapEscapes(): Escapes {
  const errors: unknown[] = [];
  const onRejection = (reason: unknown) => errors.push(reason);
  const onException = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

const WATCHED = ['Timeout', 'TCPSocketWrap', 'TCPWRAP', 'Immediate'];

/** Counts of the active handles that would keep the process alive, by type. */
export function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of process.getActiveResourcesInfo()) if (WATCHED.includes(t)) out[t] = (out[t] ?? 0) + 1;
  return out;
}

/** Waits until no watched handle type exceeds its baseline count (timers and sockets are released). */
export async function untilHandlesAtMost(baseline: Record<string, number>, timeout = 8000): Promise<void> {
  const over = () =>
    Object.entries(handles())
      .filter(([t, n]) => n > (baseline[t] ?? 0))
      .map(([t, n]) => `${t} ${n} > ${baseline[t] ?? 0}`);
  try {
    await until(() => over().length === 0, { timeout, interval: 20 });
  } catch {
    throw new Error(`handles leaked: ${over().join(', ')}`);
  }
}

export type Recorder = ReturnType<typeof record>;

/** Records the session's user-visible events, and each response's audio (samples and spoken text). */
export function record(session: AgentSession) {
  const rec = recordEvents(session, [
    'conversation:start',
    'reconnecting',
    'response',
    'error',
    'conversation:end',
    'interruption',
    'state',
  ]);
  // Event ids restart in every conversation (a reconnect opens a new one): key by both.
  const audio = new Map<string, { samples: number; text: string; chunks: number }>();
  const responses: Array<{ key: string; text: string }> = [];
  const order: string[] = [];
  const key = (eventId: number) => `${session.conversationId}:${eventId}`;
  session.on('response', (r) => responses.push({ key: key(r.eventId), text: r.text }));
  const times: Array<{ name: string; at: number }> = [];
  session.on('reconnecting', () => times.push({ name: 'reconnecting', at: performance.now() }));
  session.on('audio', (c: AgentAudioChunk) => {
    order.push(key(c.eventId));
    const a = audio.get(key(c.eventId)) ?? { samples: 0, text: '', chunks: 0 };
    a.samples += c.pcm.length;
    a.chunks += 1;
    a.text += c.alignment?.chars.join('') ?? '';
    audio.set(key(c.eventId), a);
  });
  const ended = new Promise<EndReason>((resolve) => session.on('conversation:end', resolve));
  return {
    rec,
    audio,
    order,
    times,
    ended,
    responses,
    /** `conversationId:eventId` of the latest agent response whose text is `text`. */
    responseId(text: string): string | undefined {
      return responses.filter((r) => r.text === text).at(-1)?.key;
    },
    /** Waits until the response `text` arrived and its audio spelled it out completely. */
    async spoken(text: string, timeout = 10_000): Promise<string> {
      let id: string | undefined;
      await until(
        () => {
          id = this.responseId(text);
          return id !== undefined && (audio.get(id)?.text.trim() ?? '') === text;
        },
        { timeout, interval: 10 },
      );
      return id!;
    },
  };
}

export function makeSession(url: string, options: Partial<AgentSessionOptions> = {}): AgentSession {
  return new AgentSession({
    endpoint: { kind: 'url', url: `${url}/v1/convai/conversation?agent_id=fault` },
    WebSocket: CountingWebSocket,
    reconnect: { baseDelayMs: 25, maxAttempts: 3 },
    metadataTimeoutMs: 3000,
    closeTimeoutMs: 500,
    ...options,
  });
}

/** No socket the session used still carries one of its listeners. */
export function sessionListenersLeft(): number {
  return CountingWebSocket.instances.reduce((n, ws) => n + ws.sessionListeners(), 0);
}
