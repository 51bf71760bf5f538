/**
 * The server side of one socket: frames out (held back during the gap after the metadata, §1.6),
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
  private outbox: string[] | null = null;

  constructor(private readonly ws: WebSocket) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  sendRaw(frame: string): boolean {
    if (!this.open) return false;
    if (this.outbox) this.outbox.push(frame);
    else this.ws.send(frame);
    return true;
  }

  send(message: ServerMessage | LocalAgentNotice): boolean {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Hold every frame until {@link release}. */
  hold(): void {
    this.outbox ??= [];
  }

  release(): void {
    const box = this.outbox;
    this.outbox = null;
    if (box && this.open) for (const f of box) this.ws.send(f);
  }

  /** An `error` frame (the real service's nested shape) after anything held, then the close with the same code. */
  error(code: number, errorType: string, message: string): void {
    this.sendRaw(JSON.stringify({ type: 'error', error_event: { code, message, error_type: errorType } }));
    this.release();
    this.close(code, message);
  }

  close(code: number, reason: string): void {
    // Close reasons are limited to 123 bytes.
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
  }
}

/** Server-initiated pings; `ping_ms` is the last measured round trip (null until one is known). */
export class Pinger {
  private id = 0;
  private readonly sent = new Map<number, number>();
  private rtt: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly channel: Channel) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.ping(), intervalMs);
    this.timer.unref?.();
  }

  private ping(): void {
    const id = ++this.id;
    this.sent.set(id, performance.now());
    if (this.sent.size > 8) this.sent.delete(this.sent.keys().next().value!);
    this.channel.send({ type: 'ping', ping_event: { event_id: id, ping_ms: this.rtt } });
  }

  pong(eventId: number): void {
    const at = this.sent.get(eventId);
    if (at === undefined) return;
    this.rtt = Math.round(performance.now() - at);
    this.sent.delete(eventId);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * Closes a conversation nobody talks in. Input arrives ~50 times a second per player, so `input()`
 * only stamps the time; the one timer re-arms itself for the remainder when it fires early, and
 * while the agent is busy (thinking or speaking: the player is listening, not idle) it waits on.
 */
export class IdleWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastInputAt = 0;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly busy: () => boolean,
    private readonly onIdle: () => void,
  ) {}

  input(): void {
    this.lastInputAt = performance.now();
    if (!this.timer && !this.stopped) this.arm(this.timeoutMs);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      const busy = this.busy();
      if (busy) this.lastInputAt = performance.now();
      const quietFor = performance.now() - this.lastInputAt;
      if (busy || quietFor < this.timeoutMs) return this.arm(this.timeoutMs - quietFor);
      this.onIdle();
    }, ms);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
