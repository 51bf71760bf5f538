/**
 * One WebSocket, injected: the browser's `WebSocket` or Node's `ws` both fit {@link WebSocketLike}.
 * The wrapper guarantees what the session relies on: listeners attached before anything can arrive,
 * every listener removed when it ends, and `onClose` called exactly once, even when the
 * implementation never delivers a close event.
 */

/** The part of the WHATWG WebSocket the session uses. `ws` implements it too. */
export interface WebSocketLike {
  readonly readyState: number;
  /** Bytes handed to send() and not yet on the network (both the browser's and `ws` have it). */
  readonly bufferedAmount?: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The sub-protocol the official clients request; the real service and the local agent select it. */
export const CONVAI_SUBPROTOCOL = 'convai';

const OPEN = 1;
const ignore = () => {};

interface SocketHandlers {
  onOpen(): void;
  onFrame(data: unknown): void;
  onClose(code: number, reason: string): void;
}

export class Socket {
  #ws: WebSocketLike;
  #handlers: SocketHandlers;
  #done = false;
  /** close() was called: from then on nothing is sent or delivered, as after WebSocket.close(). */
  #closing = false;
  #fallback: ReturnType<typeof setTimeout> | undefined;
  readonly #onOpen = () => {
    if (!this.#closing) this.#handlers.onOpen();
  };
  readonly #onMessage = (event: { data: unknown }) => {
    if (!this.#done && !this.#closing) this.#handlers.onFrame(event.data);
  };
  readonly #onClose = (event: { code?: number; reason?: string }) =>
    this.#finish(
      typeof event.code === 'number' ? event.code : 1006,
      typeof event.reason === 'string' ? event.reason : '',
    );
  // An error is always followed by a close in conforming implementations; the close carries the
  // code. Arm a fallback in case one never comes, so the session cannot hang in a dead state.
  readonly #onError = () => this.#armFallback(1006, '', 1000);

  /** Throws whatever the constructor throws (e.g. a SyntaxError for an unusable URL). */
  constructor(Ctor: WebSocketConstructor, url: string, handlers: SocketHandlers) {
    this.#handlers = handlers;
    this.#ws = new Ctor(url, [CONVAI_SUBPROTOCOL]);
    this.#ws.addEventListener('open', this.#onOpen);
    this.#ws.addEventListener('message', this.#onMessage);
    this.#ws.addEventListener('close', this.#onClose);
    this.#ws.addEventListener('error', this.#onError);
  }

  get isOpen(): boolean {
    return !this.#done && !this.#closing && this.#ws.readyState === OPEN;
  }

  /** Sends when open; returns false (and sends nothing) otherwise. */
  /** Bytes queued for sending that have not left yet: grows when the network stalls. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount ?? 0;
  }

  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(text);
    return true;
  }

  /**
   * Starts the closing handshake. `onClose` follows with the peer's answer, or with our own code
   * after `timeoutMs` if the peer never answers.
   */
  close(code: number, reason: string, timeoutMs: number): void {
    if (this.#done || this.#closing) return;
    this.#closing = true;
    // A browser's WebSocket.close() waits on the network process, and a game ends conversations
    // inside its frames (the player walked away): the handshake starts in a task of its own, after
    // the frame. The socket already counts as closing, so nothing is sent or delivered meanwhile.
    setTimeout(() => {
      if (this.#done) return;
      try {
        this.#ws.close(code, reason);
      } catch {
        // Closing a socket that is still connecting throws in some implementations; it is dead either way.
        this.#finish(code, reason);
        return;
      }
      this.#armFallback(code, reason, timeoutMs);
    }, 0);
  }

  #armFallback(code: number, reason: string, ms: number): void {
    if (this.#done || this.#fallback !== undefined) return;
    this.#fallback = setTimeout(() => this.#finish(code, reason), ms);
  }

  #finish(code: number, reason: string): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#fallback !== undefined) clearTimeout(this.#fallback);
    this.#ws.removeEventListener('open', this.#onOpen);
    this.#ws.removeEventListener('message', this.#onMessage);
    this.#ws.removeEventListener('close', this.#onClose);
    this.#ws.removeEventListener('error', this.#onError);
    // The fallback fired without a close event: make sure the underlying socket does not linger.
    // `ws` may still emit 'error' while tearing down, and an EventEmitter 'error' nobody listens to
    // crashes Node, so a no-op listener stays on this dead socket.
    if (this.#ws.readyState < 2) {
      this.#ws.addEventListener('error', ignore);
      try {
        this.#ws.close();
      } catch {
        /* already gone */
      }
    }
    this.#handlers.onClose(code, reason);
  }
}
