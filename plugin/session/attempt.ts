/**
 * One connection attempt: open the socket, send the initiation on open, wait for the metadata. The
 * metadata is handed over synchronously, before the next frame of the same burst is routed.
 */
import {
  CloseCode,
  classifyClose,
  decodeServerFrame,
  type ConversationInitiationMetadataMessage,
  type EndReason,
  type ServerErrorInfo,
} from '../protocol/index.js';
import { EndpointError } from './endpoint.js';
import { reportDecodeError, reportServerError, routeFrame, type RouterContext } from './receive.js';
import { Socket, type WebSocketConstructor } from './socket.js';
import type { ConversationInfo } from './types.js';

/** An attempt that ended before the metadata: why, and how long a rate limit asks us to wait. */
export class AttemptFailed extends Error {
  constructor(
    readonly endReason: EndReason,
    readonly retryAfterMs?: number,
  ) {
    super(endReason.kind === 'error' ? endReason.message : endReason.reason);
  }
}

export function attemptFailure(error: unknown): AttemptFailed {
  if (error instanceof AttemptFailed) return error;
  if (error instanceof EndpointError) return new AttemptFailed(error.endReason, error.retryAfterMs);
  // The WebSocket constructor throws synchronously for an unusable URL.
  const message = error instanceof Error ? error.message : String(error);
  return new AttemptFailed({ kind: 'error', error: 'config', code: CloseCode.Abnormal, reason: '', message });
}

type Timer = ReturnType<typeof setTimeout>;

/** `queue_status` timed_out: every conversation slot of the agent stayed taken. */
export const BUSY: EndReason = {
  kind: 'error',
  error: 'busy',
  code: 1002,
  reason: '',
  message: 'The agent is busy: all its conversations are taken. Try again in a moment.',
};

interface AttemptOptions {
  WebSocket: WebSocketConstructor;
  url: string;
  /** The encoded initiation message, built when the socket opens. */
  initiation: () => string;
  metadataTimeoutMs: number;
  /** Longest wait in the agent's line (`queue_status` waiting) before giving up. */
  queueWaitMs: number;
  router: RouterContext;
  lastError(): ServerErrorInfo | undefined;
  setSocket(socket: Socket | undefined): void;
  currentSocket(): Socket | undefined;
  /** Session-owned timers, so ending the session clears them. */
  setTimer(fn: () => void, ms: number): Timer;
  clearTimer(timer: Timer): void;
  onMetadata(message: ConversationInitiationMetadataMessage): ConversationInfo;
  onClosedAfterOpen(code: number, reason: string): void;
}

export function openConversation(o: AttemptOptions): Promise<ConversationInfo> {
  return new Promise<ConversationInfo>((resolve, reject) => {
    let opened = false;
    let connected = false;
    let failure: AttemptFailed | undefined;
    const socket = new Socket(o.WebSocket, o.url, {
      onOpen: () => {
        connected = true;
        socket.send(o.initiation());
      },
      onFrame: (data) => {
        if (opened) return routeFrame(o.router, data);
        const result = decodeServerFrame(data);
        if (!result.ok) return reportDecodeError(o.router, result.error);
        const message = result.message;
        if (message.type === 'conversation_initiation_metadata') {
          opened = true;
          o.clearTimer(timer);
          resolve(o.onMetadata(message));
        } else if (message.type === 'error') {
          reportServerError(o.router, message);
        } else if (message.type === 'queue_status') {
          waitInLine(message.queue_status_event.status);
        }
        // Anything else before the metadata breaks the handshake's order; like the Unity client, skip it and keep waiting.
      },
      onClose: (code, reason) => {
        o.clearTimer(timer);
        if (o.currentSocket() === socket) o.setSocket(undefined);
        if (opened) return o.onClosedAfterOpen(code, reason);
        // The socket never opened: nothing was lost, the agent was never reached. Say where we tried.
        if (!connected && !failure) {
          const message = `Could not connect to ${whereTo(o.url)}.`;
          return reject(new AttemptFailed({ kind: 'error', error: 'connection', code, reason, message }));
        }
        const end = failure?.endReason ?? classifyClose({ code, reason, lastError: o.lastError() });
        // A 1000 before the metadata is not "the agent ended the call": the conversation never began.
        const message = reason || 'The connection closed before the conversation started.';
        reject(
          new AttemptFailed(
            end.kind === 'error' ? end : { kind: 'error', error: 'protocol', code, reason, message },
          ),
        );
      },
    });
    o.setSocket(socket);
    const giveUp = (ms: number, message: string) =>
      o.setTimer(() => {
        failure = new AttemptFailed({
          kind: 'error',
          error: 'metadata_timeout',
          code: CloseCode.Abnormal,
          reason: '',
          message,
        });
        socket.close(CloseCode.Normal, 'Metadata timeout', 1000);
      }, ms);
    const metadataLate = `No conversation metadata within ${o.metadataTimeoutMs} ms`;
    let timer = giveUp(o.metadataTimeoutMs, metadataLate);
    // The agent is full and holds us in line: the service says when the wait is over, so the
    // metadata timeout pauses (a bounded wait still guards against a server that never says).
    const waitInLine = (status: string) => {
      o.router.events.fire('queue', { status });
      o.clearTimer(timer);
      if (status === 'waiting')
        timer = giveUp(o.queueWaitMs, `Still waiting for a free conversation slot after ${o.queueWaitMs} ms`);
      else if (status === 'timed_out') {
        failure = new AttemptFailed(BUSY);
        // The service closes right after; should it not, we do.
        timer = o.setTimer(() => socket.close(CloseCode.Normal, 'Busy', 1000), 5000);
      } else timer = giveUp(o.metadataTimeoutMs, metadataLate);
    };
  }).catch((error: unknown) => {
    throw attemptFailure(error);
  });
}

/** The URL without its query (a signed URL's token is not for logs or screens). */
function whereTo(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the agent';
  }
}
