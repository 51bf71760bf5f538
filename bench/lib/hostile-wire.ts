/**
 * The hostile bench's wire (bench/lib/hostile-attacks.ts has the attacks): the addresses the player
 * and the attackers connect from, convai sockets and the small waits around them, and the
 * well-behaved player who times the agent's replies while the attacks run.
 */
import WebSocket from 'ws';

export const PLAYER_ADDRESS = '127.0.0.2';
export const ATTACKER_ADDRESS = '127.0.0.1';
export const QUESTION = 'do you sell healing potions';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface AttackContext {
  /** ws://127.0.0.1:<port> */
  url: string;
  port: number;
  durationMs: number;
  /** Conversations the agent holds (its own count, over IPC); NaN when it does not answer. */
  sessions(): Promise<number>;
}

export type AttackDetails = Record<string, number | string | boolean | number[]>;

export interface Attack {
  id: string;
  title: string;
  durationMs: number;
  run(ctx: AttackContext): Promise<AttackDetails>;
}

// --- sockets ---------------------------------------------------------------------------------------

interface OpenOptions {
  agentId?: string;
  query?: string;
  localAddress?: string;
}

/** A convai socket; resolves once open (null when refused or not open within 5 s). */
export function openSocket(url: string, o: OpenOptions = {}): Promise<WebSocket | null> {
  const ws = new WebSocket(
    `${url}/v1/convai/conversation?agent_id=${o.agentId ?? 'mira'}${o.query ?? ''}`,
    ['convai'],
    { localAddress: o.localAddress ?? ATTACKER_ADDRESS, perMessageDeflate: false },
  );
  ws.on('error', () => {});
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(null);
    }, 5000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

export const closedOf = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: 1006, reason: '' });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });

/** Resolves true when `p` settles within `ms`, false otherwise. */
export const within = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

export const sent = (ws: WebSocket, data: string): Promise<void> =>
  new Promise((resolve) => ws.send(data, () => resolve()));

export const INIT = JSON.stringify({ type: 'conversation_initiation_client_data' });
export const AUDIO_HEAD = '{"type":"audio"';
const B64_KEY = '"audio_base_64":"';

/** The event id of an audio frame, read past its base64 without parsing it. */
export function audioEventId(s: string): number {
  const start = s.indexOf(B64_KEY) + B64_KEY.length;
  const m = /"event_id":(\d+)/.exec(s.slice(s.indexOf('"', start)));
  return m ? Number(m[1]) : -1;
}

export function answerPings(ws: WebSocket, s: string): void {
  if (!s.startsWith('{"type":"ping"')) return;
  const id = (JSON.parse(s) as { ping_event: { event_id: number } }).ping_event.event_id;
  ws.send(JSON.stringify({ type: 'pong', event_id: id }));
}

/** Runs `n` workers, each calling `fn` again until `deadline` (performance.now()) or until it returns false. */
export async function workers(
  n: number,
  deadline: number,
  fn: (i: number) => Promise<boolean | void>,
): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (performance.now() < deadline) if ((await fn(i++)) === false) return;
    }),
  );
}

// --- the well-behaved player -----------------------------------------------------------------------

export interface Reply {
  /** Question sent → its agent_response. */
  textMs: number;
  /** Question sent → the first audio frame of the reply. */
  audioMs: number;
}

/**
 * A player on the mira NPC who asks a typed question and times the reply: its text (agent_response)
 * and its first audio frame, told from the previous turn's late frames by the event id (a reply's ids
 * are above every id of the turns before it).
 */
export class Player {
  #floor = -1;
  #pending: {
    at: number;
    /** The highest reply id before this question. */
    floor: number;
    textAt?: number;
    audioAt?: number;
    done: () => void;
  } | null = null;
  greetTextMs = NaN;
  greetAudioMs = NaN;
  closedWith: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const s = d.toString();
      const now = performance.now();
      if (s.startsWith(AUDIO_HEAD)) {
        const id = audioEventId(s);
        if (this.#pending && id > this.#pending.floor && this.#pending.audioAt === undefined)
          this.#pending.audioAt = now;
        this.#floor = Math.max(this.#floor, id);
      } else if (s.startsWith('{"type":"agent_response"')) {
        const id = (JSON.parse(s) as { agent_response_event: { event_id: number } }).agent_response_event
          .event_id;
        if (this.#pending && id > this.#pending.floor && this.#pending.textAt === undefined)
          this.#pending.textAt = now;
        this.#floor = Math.max(this.#floor, id);
      } else answerPings(ws, s);
      const p = this.#pending;
      if (p && p.textAt !== undefined && p.audioAt !== undefined) p.done();
    });
    ws.on('close', (code) => {
      this.closedWith = code;
      this.#pending?.done();
    });
  }

  /** Connects from {@link PLAYER_ADDRESS} and waits for the greeting (text and first audio). */
  static async connect(url: string, timeoutMs = 10_000): Promise<Player | null> {
    const start = performance.now();
    const ws = await openSocket(url, { localAddress: PLAYER_ADDRESS });
    if (!ws) return null;
    const p = new Player(ws);
    const greeting = p.#expect(start, timeoutMs);
    ws.send(INIT);
    const r = await greeting;
    p.greetTextMs = r?.textMs ?? NaN;
    p.greetAudioMs = r?.audioMs ?? NaN;
    if (!r) {
      ws.terminate();
      return null;
    }
    return p;
  }

  #expect(at: number, timeoutMs: number): Promise<Reply | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        const p = this.#pending;
        this.#pending = null;
        resolve(
          p && p.textAt !== undefined && p.audioAt !== undefined
            ? { textMs: p.textAt - p.at, audioMs: p.audioAt - p.at }
            : null,
        );
      };
      this.#pending = { at, floor: this.#floor, done: finish };
    });
  }

  /** Asks {@link QUESTION}; null when the reply (text and first audio) did not come within `timeoutMs`. */
  ask(timeoutMs = 10_000): Promise<Reply | null> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve(null);
    const r = this.#expect(performance.now(), timeoutMs);
    this.ws.send(JSON.stringify({ type: 'user_message', text: QUESTION }));
    return r;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.terminate();
  }
}
