import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * A WebSocket proxy that sits between the plugin and the local agent and misbehaves on purpose.
 * Faults can be changed while connections are live, so a test can let the greeting through and then
 * cut the connection mid-turn.
 */
export interface Faults {
  /** Added one-way delay for server→client frames, ms. */
  latencyMs?: number;
  /** Uniform random extra delay 0..jitterMs (order is preserved, as TCP would). */
  jitterMs?: number;
  /** Hold every server→client frame until unstalled. */
  stall?: boolean;
  /** Send each server→client message as N WebSocket fragments (continuation frames). */
  splitInto?: number;
  /** Drop server→client frames for which this returns true. */
  drop?: (frame: ServerFrameInfo) => boolean;
  /** Never forward conversation_initiation_metadata. */
  swallowMetadata?: boolean;
  /** Extra delay per `audio` frame, ms (a slow trickle). */
  audioTrickleMs?: number;
}

export interface ServerFrameInfo {
  index: number;
  type: string | undefined;
  text: string;
}

export interface FaultProxy {
  /** ws:// base URL to hand to the client in place of the upstream's. */
  url: string;
  faults: Faults;
  /** Frames forwarded server→client so far, across connections. */
  forwarded: ServerFrameInfo[];
  connections(): number;
  unstall(): void;
  /** Close every client connection with this code (the upstream side is closed normally). */
  closeClients(code: number, reason?: string): void;
  /** Destroy every client TCP socket without a close frame (an abnormal 1006 for the client). */
  cutClients(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstreamBase: string, faults: Faults = {}): Promise<FaultProxy> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('convai') ? 'convai' : false),
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const forwarded: ServerFrameInfo[] = [];
  const live = new Set<{ client: WebSocket; upstream: WebSocket; timers: Set<NodeJS.Timeout> }>();
  const stalled: Array<() => void> = [];
  let index = 0;

  wss.on('connection', (client: WebSocket, req: IncomingMessage) => {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const upstream = new WebSocket(upstreamBase.replace(/\/$/, '') + (req.url ?? '/'), protocols);
    const pair = { client, upstream, timers: new Set<NodeJS.Timeout>() };
    live.add(pair);
    const pendingToUpstream: RawData[] = [];
    // Order-preserving delivery: each frame's due time is never earlier than the previous one's.
    let lastDue = 0;

    const deliver = (text: string) => {
      if (client.readyState !== WebSocket.OPEN) return;
      const parts = Math.max(1, faults.splitInto ?? 1);
      if (parts === 1) return client.send(text);
      const size = Math.ceil(text.length / parts);
      for (let i = 0; i < parts; i++) {
        const piece = text.slice(i * size, (i + 1) * size);
        client.send(piece, { fin: i === parts - 1 });
      }
    };

    upstream.on('open', () => {
      for (const d of pendingToUpstream.splice(0)) upstream.send(d.toString());
    });
    upstream.on('message', (data) => {
      const text = data.toString();
      let type: string | undefined;
      try {
        type = (JSON.parse(text) as { type?: string }).type;
      } catch {
        type = undefined;
      }
      const info: ServerFrameInfo = { index: index++, type, text };
      if (faults.swallowMetadata && type === 'conversation_initiation_metadata') return;
      if (faults.drop?.(info)) return;
      const extra =
        (faults.latencyMs ?? 0) +
        Math.random() * (faults.jitterMs ?? 0) +
        (type === 'audio' ? (faults.audioTrickleMs ?? 0) : 0);
      const send = () => {
        forwarded.push(info);
        deliver(text);
      };
      const due = Math.max(Date.now() + extra, lastDue);
      lastDue = due;
      const schedule = () => {
        const wait = due - Date.now();
        if (wait <= 0 && pair.timers.size === 0) return send();
        const t = setTimeout(() => {
          pair.timers.delete(t);
          send();
        }, Math.max(0, wait));
        pair.timers.add(t);
      };
      if (faults.stall) stalled.push(schedule);
      else schedule();
    });
    client.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data.toString());
      else if (upstream.readyState === WebSocket.CONNECTING) pendingToUpstream.push(data);
    });
    const teardown = () => {
      for (const t of pair.timers) clearTimeout(t);
      pair.timers.clear();
      live.delete(pair);
    };
    upstream.on('close', (code, reason) => {
      teardown();
      if (client.readyState === WebSocket.OPEN) client.close(code === 1005 ? 1000 : code, reason.toString());
    });
    upstream.on('error', () => client.terminate());
    client.on('close', () => {
      teardown();
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(1000);
    });
    client.on('error', () => upstream.terminate());
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    faults,
    forwarded,
    connections: () => live.size,
    unstall() {
      faults.stall = false;
      for (const s of stalled.splice(0)) s();
    },
    closeClients(code, reason = '') {
      for (const { client } of live) client.close(code, reason);
    },
    cutClients() {
      for (const { client } of live) client.terminate();
    },
    async close() {
      for (const { client, upstream } of live) {
        client.terminate();
        upstream.terminate();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
