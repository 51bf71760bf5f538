/**
 * One connection attempt: open the socket, send the initiation on open, wait for the metadata. The
 * attempt owns its socket and its timers for as long as the socket lives, and reports what happens
 * as typed events; the session decides what each means for the conversation.
 */
import {
  CloseCode,
  classifyClose,
  decodeServerFrame,
  describeServerError,
  type ConversationInitiationMetadataMessage,
  type DecodeError,
  type EndReason,
  type ErrorMessage,
  type ServerErrorInfo,
  type ServerMessage,
} from '../protocol/index.js';
import { Emitter } from '../common/emitter.js';
import { EndpointError } from './endpoint.js';
import { Socket, type WebSocketConstructor } from './socket.js';

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

/** `queue_status` timed_out: every conversation slot of the agent stayed taken. */
export const BUSY: EndReason = {
  kind: 'error',
  error: 'busy',
  code: 1002,
  reason: '',
  message: 'The agent is busy: all its conversations are taken. Try again in a moment.',
};

/** How long after an error frame a close is still explained by it (ms). */
const RECENT_ERROR_MS = 5000;

interface AttemptOptions {
  WebSocket: WebSocketConstructor;
  url: string;
  /** The encoded initiation message, built when the socket opens. */
  initiation: () => string;
  metadataTimeoutMs: number;
  /** Longest wait in the agent's line (`queue_status` waiting) before giving up. */
  queueWaitMs: number;
  /** The session's clock, which dates error frames. */
  now: () => number;
}

/** What an attempt reports. All are emitted synchronously from the socket's frame and close handlers. */
interface AttemptEvents {
  /** The metadata arrived: the conversation is open. Before the next frame of the same burst. */
  opened: (metadata: ConversationInitiationMetadataMessage) => void;
  /** A frame after the metadata: the conversation's traffic. */
  message: (message: ServerMessage) => void;
  /** A frame that does not decode, before or after the metadata. */
  unreadable: (error: DecodeError) => void;
  /** An error frame before the metadata (after it, error frames are `message`s like any other). */
  serverError: (message: ErrorMessage) => void;
  /** `queue_status` before the metadata; the attempt has already adjusted how long it waits. */
  queue: (status: string) => void;
  /**
   * The socket closed after the metadata, with the server's error frame of just before, if any (it
   * explains the close). A close before the metadata rejects `ready` instead.
   */
  closed: (code: number, reason: string, lastError: ServerErrorInfo | undefined) => void;
}

type Timer = ReturnType<typeof setTimeout>;

export class Attempt extends Emitter<AttemptEvents> {
  /** Resolves once `opened` was emitted; rejects with {@link AttemptFailed} if the socket closes before. */
  readonly ready: Promise<void>;
  readonly #o: AttemptOptions;
  readonly #socket: Socket;
  #resolve!: () => void;
  #reject!: (failure: AttemptFailed) => void;
  /** Only one wait runs at a time: the metadata, the line, or the close after `timed_out`. */
  #timer: Timer | undefined;
  /** The socket opened: the agent was reached, so a close before the metadata says something. */
  #connected = false;
  /** The metadata arrived: frames are the conversation's from here on. */
  #opened = false;
  /** The socket has closed: the attempt is over. */
  #over = false;
  /** How the attempt fails when the socket closes before the metadata, when we already know. */
  #failure: AttemptFailed | undefined;
  /** The server's last error frame and when it came (see #recentError). */
  #lastError: { message: ErrorMessage; at: number } | undefined;

  /** Throws whatever the WebSocket constructor throws (see {@link attemptFailure}). */
  constructor(options: AttemptOptions) {
    super();
    this.#o = options;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#socket = new Socket(options.WebSocket, options.url, {
      onOpen: () => {
        this.#connected = true;
        this.#socket.send(options.initiation());
      },
      onFrame: (data) => this.#frame(data),
      onClose: (code, reason) => this.#closed(code, reason),
    });
    this.#giveUpAfter(options.metadataTimeoutMs);
  }

  /** True until the socket has closed (connecting, open or closing). */
  get live(): boolean {
    return !this.#over;
  }

  /** Bytes handed to the socket that have not left yet. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** Sends when the socket is open; returns false (and sends nothing) otherwise. */
  send(frame: string): boolean {
    return this.#socket.send(frame);
  }

  /** Starts the closing handshake; the close is reported as usual once the socket has closed. */
  close(code: number, reason: string, timeoutMs: number): void {
    this.#socket.close(code, reason, timeoutMs);
  }

  #frame(data: unknown): void {
    const result = decodeServerFrame(data);
    if (!result.ok) return this.emit('unreadable', result.error);
    const message = result.message;
    if (message.type === 'error') this.#lastError = { message, at: this.#o.now() };
    if (this.#opened) return this.emit('message', message);
    if (message.type === 'conversation_initiation_metadata') {
      this.#opened = true;
      this.#stopWaiting();
      this.emit('opened', message);
      this.#resolve();
    } else if (message.type === 'error') {
      this.emit('serverError', message);
    } else if (message.type === 'queue_status') {
      this.#waitInLine(message.queue_status_event.status);
    }
    // Anything else before the metadata breaks the handshake's order; like the Unity client, skip it and keep waiting.
  }

  /**
   * The agent is full and holds us in line: the service says when the wait is over, so the
   * metadata timeout pauses (a bounded wait still guards against a server that never says).
   */
  #waitInLine(status: string): void {
    this.emit('queue', status);
    const { metadataTimeoutMs, queueWaitMs } = this.#o;
    if (status === 'waiting')
      this.#giveUpAfter(queueWaitMs, `Still waiting for a free conversation slot after ${queueWaitMs} ms`);
    else if (status === 'timed_out') {
      this.#failure = new AttemptFailed(BUSY);
      // The service closes right after; should it not, we do.
      this.#wait(() => this.#socket.close(CloseCode.Normal, 'Busy', 1000), 5000);
    } else this.#giveUpAfter(metadataTimeoutMs);
  }

  #giveUpAfter(
    ms: number,
    message = `No conversation metadata within ${this.#o.metadataTimeoutMs} ms`,
  ): void {
    this.#wait(() => {
      this.#failure = new AttemptFailed({
        kind: 'error',
        error: 'metadata_timeout',
        code: CloseCode.Abnormal,
        reason: '',
        message,
      });
      this.#socket.close(CloseCode.Normal, 'Metadata timeout', 1000);
    }, ms);
  }

  #wait(fn: () => void, ms: number): void {
    this.#stopWaiting();
    this.#timer = setTimeout(fn, ms);
  }

  #stopWaiting(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The server's error frame, if it came just before now: the service sends one right before the
   * close it explains. An older one (a non-fatal error earlier in the conversation) says nothing
   * about a connection that drops later.
   */
  #recentError(): ServerErrorInfo | undefined {
    const e = this.#lastError;
    return e && this.#o.now() - e.at < RECENT_ERROR_MS ? describeServerError(e.message) : undefined;
  }

  #closed(code: number, reason: string): void {
    this.#over = true;
    this.#stopWaiting();
    if (this.#opened) return this.emit('closed', code, reason, this.#recentError());
    this.#reject(this.#failureOnClose(code, reason));
  }

  #failureOnClose(code: number, reason: string): AttemptFailed {
    // The socket never opened: nothing was lost, the agent was never reached. Say where we tried.
    if (!this.#connected && !this.#failure) {
      const message = `Could not connect to ${whereTo(this.#o.url)}.`;
      return new AttemptFailed({ kind: 'error', error: 'connection', code, reason, message });
    }
    const end = this.#failure?.endReason ?? classifyClose({ code, reason, lastError: this.#recentError() });
    // A 1000 before the metadata is not "the agent ended the call": the conversation never began.
    const message = reason || 'The connection closed before the conversation started.';
    return new AttemptFailed(
      end.kind === 'error' ? end : { kind: 'error', error: 'protocol', code, reason, message },
    );
  }
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
