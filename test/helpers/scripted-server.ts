/**
 * A real `ws` server on port 0 that each test scripts frame by frame: it speaks the server side of
 * the ConvAI protocol only as far as the test tells it to, and records everything the client sends
 * (decoded with the same boundary decoder the local agent uses).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeClientFrame,
  encodeServerMessage,
  type AudioFormat,
  type ClientMessage,
  type DecodeError,
  type ServerMessage,
} from '../../plugin/protocol/index.js';

export interface ServerConnection {
  ws: WebSocket;
  /** Path and query of the upgrade request. */
  url: string;
  /** Sub-protocols the client offered, and the one selected. */
  offeredProtocols: string[];
  protocol: string;
  /** Decoded client frames, in order. */
  received: ClientMessage[];
  /** Frames the decoder refused. */
  rejected: DecodeError[];
  /** Resolves with the next client message matching `predicate` (already-received ones count). */
  next<T extends ClientMessage = ClientMessage>(
    predicate: (m: ClientMessage) => boolean,
    timeout?: number,
  ): Promise<T>;
  /** Next message of a given `type` (or `'user_audio_chunk'`). */
  nextOfType<T extends ClientMessage = ClientMessage>(type: string, timeout?: number): Promise<T>;
  send(message: ServerMessage | string): void;
  /** Sends every frame synchronously, in one tick: they typically arrive in one TCP read. */
  burst(frames: (ServerMessage | string)[]): void;
  sendMetadata(options?: { conversationId?: string; input?: AudioFormat; output?: AudioFormat }): void;
  close(code?: number, reason?: string): void;
  /** Drops the TCP connection without a close frame: the client sees 1006. */
  drop(): void;
  /** Resolves when the connection is closed (either side), with the code the server saw. */
  closed: Promise<{ code: number; reason: string }>;
}

export interface ScriptedServer {
  /** `ws://127.0.0.1:<port>/v1/convai/conversation`. */
  url: string;
  port: number;
  connections: ServerConnection[];
  /** Resolves with connection number `index` (0-based) once it has connected. */
  connection(index: number, timeout?: number): Promise<ServerConnection>;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Select `convai` when offered (default true), as the real service does. */
  selectProtocol?: boolean;
  /** Called for each connection right after the upgrade. */
  onConnection?: (conn: ServerConnection) => void;
}

let conversationCounter = 0;

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const selectProtocol = options.selectProtocol ?? true;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (selectProtocol && protocols.has('convai') ? 'convai' : false),
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const connections: ServerConnection[] = [];
  const connectionWaiters: (() => void)[] = [];

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const waiters = new Set<() => void>();
    const received: ClientMessage[] = [];
    const rejected: DecodeError[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const result = decodeClientFrame(isBinary ? data : data.toString());
      if (result.ok) received.push(result.message);
      else rejected.push(result.error);
      for (const w of [...waiters]) w();
    });
    const next = <T extends ClientMessage>(predicate: (m: ClientMessage) => boolean, timeout = 3000) => {
      let from = 0;
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          for (; from < received.length; from++) {
            if (predicate(received[from]!)) {
              const found = received[from]!;
              from++;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(found as T);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `server: no matching client message within ${timeout} ms; got ${JSON.stringify(received.map(typeOf))}`,
            ),
          );
        }, timeout);
        waiters.add(check);
        check();
      });
    };
    const send = (m: ServerMessage | string) => ws.send(typeof m === 'string' ? m : encodeServerMessage(m));
    const conn: ServerConnection = {
      ws,
      url: req.url ?? '',
      offeredProtocols: (req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      protocol: ws.protocol,
      received,
      rejected,
      next,
      nextOfType: (type, timeout) => next((m) => typeOf(m) === type, timeout),
      send,
      burst: (frames) => frames.forEach(send),
      sendMetadata: ({ conversationId, input = 'pcm_16000', output = 'pcm_16000' } = {}) =>
        send({
          type: 'conversation_initiation_metadata',
          conversation_initiation_metadata_event: {
            conversation_id: conversationId ?? `conv_test_${++conversationCounter}`,
            agent_output_audio_format: output,
            user_input_audio_format: input,
          },
        }),
      close: (code = 1000, reason = '') => ws.close(code, reason),
      drop: () => ws.terminate(),
      closed,
    };
    connections.push(conn);
    options.onConnection?.(conn);
    for (const w of connectionWaiters.splice(0)) w();
  });

  return {
    url: `ws://127.0.0.1:${port}/v1/convai/conversation`,
    port,
    connections,
    connection: (index, timeout = 3000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`server: connection #${index} did not arrive`)),
          timeout,
        );
        const check = () => {
          const c = connections[index];
          if (c) {
            clearTimeout(timer);
            resolve(c);
          } else connectionWaiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

export function typeOf(m: ClientMessage): string {
  return 'type' in m ? m.type : 'user_audio_chunk';
}
