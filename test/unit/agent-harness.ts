/**
 * A scripted ConvAI client for the local agent's conformance tests: records every frame with its
 * arrival time, checks each against the protocol decoder, and waits for conditions by polling the
 * recorded frames as they arrive (no fixed sleeps).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import { decodeServerFrame, type ServerMessage } from '../../plugin/protocol/index.js';
import {
  createLocalAgent,
  type CreateLocalAgentOptions,
  type LocalAgent,
} from '../../plugin/server/agent/index.js';

export interface Received {
  at: number;
  raw: string;
  msg: ServerMessage | { type: string; [k: string]: unknown };
  /** Set when the protocol decoder rejected the frame for anything but an unknown type. */
  shapeError?: string;
}

/** A frame of the message type `T`, typed as that message. */
export type Frame<T extends string> = Received & { msg: Extract<ServerMessage, { type: T }> };

const isType = <T extends string>(f: Received, type: T): f is Frame<T> => f.msg.type === type;

export interface ClientOptions {
  protocols?: string[];
  query?: string;
  init?: Record<string, unknown> | false;
  perMessageDeflate?: boolean;
}

export const INIT = {
  type: 'conversation_initiation_client_data',
  conversation_config_override: { agent: {}, tts: {}, conversation: {} },
  source_info: { source: 'js_sdk', version: '1.25.0' },
};

export class ScriptedClient {
  readonly frames: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<() => void>();
  closeInfo: { code: number; reason: string } | null = null;
  autoPong = true;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const raw = isBinary ? '<binary>' : data.toString();
      const decoded = decodeServerFrame(raw);
      let entry: Received;
      if (decoded.ok) entry = { at: performance.now(), raw, msg: decoded.message };
      else {
        const parsed = (() => {
          try {
            return JSON.parse(raw) as { type: string };
          } catch {
            return { type: '<unparseable>' };
          }
        })();
        entry = { at: performance.now(), raw, msg: parsed };
        if (decoded.error.kind !== 'unknown_type') entry.shapeError = decoded.error.detail;
      }
      this.frames.push(entry);
      if (this.autoPong && entry.msg.type === 'ping') {
        const id = (entry.msg as Extract<ServerMessage, { type: 'ping' }>).ping_event.event_id;
        ws.send(JSON.stringify({ type: 'pong', event_id: id }));
      }
      for (const w of [...this.#waiters]) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const w of [...this.#waiters]) w();
      }),
    );
  }

  static async connect(base: string, agentId: string, opts: ClientOptions = {}): Promise<ScriptedClient> {
    const url = `${base}/v1/convai/conversation?agent_id=${agentId}${opts.query ?? ''}`;
    const ws = new WebSocket(url, opts.protocols ?? ['convai'], {
      perMessageDeflate: opts.perMessageDeflate ?? false,
    });
    const client = new ScriptedClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (opts.init !== false) client.send(opts.init ?? INIT);
    return client;
  }

  /** connect(), then waits for the conversation's metadata: a client whose conversation has started. */
  static async begin(base: string, agentId: string, opts: ClientOptions = {}): Promise<ScriptedClient> {
    const client = await ScriptedClient.connect(base, agentId, opts);
    await client.waitType('conversation_initiation_metadata');
    return client;
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  sendAudio(pcm: Int16Array): void {
    this.send({
      user_audio_chunk: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64'),
    });
  }

  of<T extends string>(type: T): Frame<T>[] {
    return this.frames.filter((f): f is Frame<T> => isType(f, type));
  }

  /** Resolves with the first frame (from index `from`) matching `pred`; rejects on close or timeout. */
  waitFor<F extends Received>(pred: (f: Received) => f is F, timeoutMs?: number, from?: number): Promise<F>;
  waitFor(pred: (f: Received) => boolean, timeoutMs?: number, from?: number): Promise<Received>;
  waitFor(pred: (f: Received) => boolean, timeoutMs = 8000, from = 0): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.frames.slice(from).find(pred);
        if (hit) {
          done();
          resolve(hit);
        } else if (this.closeInfo) {
          done();
          reject(
            new Error(
              `socket closed ${this.closeInfo.code} ${this.closeInfo.reason} before the frame arrived`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out; frames: ${this.frames.map((f) => f.msg.type).join(',')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  waitType<T extends string>(type: T, timeoutMs?: number, from?: number): Promise<Frame<T>> {
    return this.waitFor((f): f is Frame<T> => isType(f, type), timeoutMs, from);
  }

  /** waitType() for the first frame of `type` for which `where` also holds. */
  waitTypeWhere<T extends string>(
    type: T,
    where: (f: Frame<T>) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<Frame<T>> {
    return this.waitFor((f): f is Frame<T> => isType(f, type) && where(f), timeoutMs, from);
  }

  /** Waits until audio of `eventId` stops arriving and its alignment spells the whole text. */
  async audioText(eventId: number, expected: string, timeoutMs = 15_000): Promise<string> {
    const text = (): string =>
      this.of('audio')
        .filter((f) => f.msg.audio_event.event_id === eventId)
        .map((f) => f.msg.audio_event.alignment?.chars.join('') ?? '')
        .join('');
    await this.waitFor(() => text().trim() === expected.trim(), timeoutMs);
    return text();
  }

  shapeErrors(): string[] {
    return this.frames.filter((f) => f.shapeError).map((f) => `${f.msg.type}: ${f.shapeError}`);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000);
  }
}

/** PCM16 sample count of an audio frame. */
export function frameSamples(f: Frame<'audio'>): number {
  return Buffer.from(f.msg.audio_event.audio_base_64, 'base64').length / 2;
}

/**
 * One local agent per test file (started before its tests, closed after them) and scripted clients
 * against it; when the file ends, every frame any client received must have passed the decoder.
 */
export function agentFixture(options: CreateLocalAgentOptions) {
  let agent: LocalAgent | undefined;
  const clients: ScriptedClient[] = [];
  beforeAll(async () => {
    agent = await createLocalAgent(options);
  }, 60_000);
  afterAll(async () => {
    // Everything is closed before anything is checked: a failed check must not leave sockets open.
    const shapeErrors = clients.flatMap((c) => c.shapeErrors());
    for (const c of clients) c.close();
    await agent?.close();
    expect(shapeErrors).toEqual([]);
  });
  return {
    get agent(): LocalAgent {
      if (!agent) throw new Error('the agent runs only inside the tests');
      return agent;
    },
    async connect(...args: Parameters<typeof ScriptedClient.connect>): Promise<ScriptedClient> {
      const c = await ScriptedClient.connect(...args);
      clients.push(c);
      return c;
    },
  };
}
