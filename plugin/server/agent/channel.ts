/**
 * The server side of one socket: frames out (held back during the short gap the service leaves after the metadata),
 * error frames with their close, and keep-alive pings with a measured `ping_ms`.
 */
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../protocol/index.js';

/** Documented local-agent-only event (real clients ignore unknown types); see the README. */
export interface LocalAgentNotice {
  type: 'local_agent_notice';
  local_agent_notice_event: { code: string; message: string };
}

export class Channel {
  /** Frames wait here during the gap after the metadata (the official client's listener race). */
  #outbox: string[] | null = null;
  readonly #ws: WebSocket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  sendRaw(frame: string): boolean {
    if (!this.open) return false;
    if (this.#outbox) this.#outbox.push(frame);
    else this.#ws.send(frame);
    return true;
  }

  send(message: ServerMessage | LocalAgentNotice): boolean {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Hold every frame until {@link release}. */
  hold(): void {
    this.#outbox ??= [];
  }

  release(): void {
    const box = this.#outbox;
    this.#outbox = null;
    if (box && this.open) for (const f of box) this.#ws.send(f);
  }

  /** An `error` frame (the real service's nested shape) after anything held, then the close with the same code. */
  error(code: number, errorType: string, message: string): void {
    this.sendRaw(JSON.stringify({ type: 'error', error_event: { code, message, error_type: errorType } }));
    this.release();
    this.close(code, message);
  }

  close(code: number, reason: string): void {
    closeSocket(this.#ws, code, reason);
  }
}

/** Close frames carry at most 123 bytes of reason (RFC 6455 §5.5). */
const MAX_REASON_BYTES = 123;
/** A peer that never answers our close frame is cut off after this (ws itself waits 30 s). */
const CLOSE_GRACE_MS = 5_000;

/**
 * The longest prefix of `reason` that fits a close frame, cut between characters: a cut inside a
 * UTF-8 sequence decodes to U+FFFD (3 bytes), which can push the reason past the limit and make
 * `ws.close()` throw.
 */
function cutCloseReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let out = '';
  let bytes = 0;
  for (const ch of reason) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_REASON_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * Closes with `code` and a reason that fits; terminates when the close cannot be sent or the peer
 * never completes the handshake, so no socket outlives its conversation.
 */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.CLOSED) return;
  if (ws.readyState === ws.CLOSING) return;
  try {
    ws.close(code, cutCloseReason(reason));
  } catch {
    ws.terminate();
    return;
  }
  const timer = setTimeout(() => {
    if (ws.readyState !== ws.CLOSED) ws.terminate();
  }, CLOSE_GRACE_MS);
  timer.unref?.();
  ws.once('close', () => clearTimeout(timer));
}

/** Server-initiated pings; `ping_ms` is the last measured round trip (null until one is known). */
export class Pinger {
  #id = 0;
  readonly #sent = new Map<number, number>();
  #rtt: number | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #channel: Channel;

  constructor(channel: Channel) {
    this.#channel = channel;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => this.#ping(), intervalMs);
    this.#timer.unref?.();
  }

  #ping(): void {
    const id = ++this.#id;
    this.#sent.set(id, performance.now());
    if (this.#sent.size > 8) this.#sent.delete(this.#sent.keys().next().value!);
    this.#channel.send({ type: 'ping', ping_event: { event_id: id, ping_ms: this.#rtt } });
  }

  pong(eventId: number): void {
    const at = this.#sent.get(eventId);
    if (at === undefined) return;
    this.#rtt = Math.round(performance.now() - at);
    this.#sent.delete(eventId);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/**
 * Closes a conversation nobody talks in. Input arrives ~50 times a second per player, so `input()`
 * only stamps the time; the one timer re-arms itself for the remainder when it fires early, and
 * while the agent is busy (thinking or speaking: the player is listening, not idle) it waits on.
 */
export class IdleWatch {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastInputAt = 0;
  #stopped = false;
  #paused = false;
  readonly #timeoutMs: number;
  readonly #busy: () => boolean;
  readonly #onIdle: () => void;

  constructor(timeoutMs: number, busy: () => boolean, onIdle: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#busy = busy;
    this.#onIdle = onIdle;
  }

  input(): void {
    this.#lastInputAt = performance.now();
    if (!this.#timer && !this.#stopped && !this.#paused) this.#arm(this.#timeoutMs);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#stopped || this.#paused) return;
      const busy = this.#busy();
      if (busy) this.#lastInputAt = performance.now();
      const quietFor = performance.now() - this.#lastInputAt;
      if (busy || quietFor < this.#timeoutMs) return this.#arm(this.#timeoutMs - quietFor);
      this.#onIdle();
    }, ms);
  }

  /** Not counting until resume(): a conversation waiting in line for a slot is not idle. */
  pause(): void {
    this.#paused = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  resume(): void {
    this.#paused = false;
    this.input();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
