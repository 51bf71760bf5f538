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
  /** Minimum gap between consecutive `audio` frames, ms (a slow trickle: 50 ms frames every 80 ms). */
  audioTrickleMs?: number;
  /** Drop new client connections at once, without a close frame (the agent is unreachable). */
  refuse?: boolean;
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
  /** Live proxied connections. */
  connections(): number;
  /** Client connections accepted since start (refused ones included): counts reconnect attempts. */
  accepted(): number;
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
  interface Pair {
    client: WebSocket;
    upstream: WebSocket;
    timers: Set<NodeJS.Timeout>;
    pump(): void;
  }
  const live = new Set<Pair>();
  let index = 0;
  let accepted = 0;

  wss.on('connection', (client: WebSocket, req: IncomingMessage) => {
    accepted++;
    if (faults.refuse) return client.terminate();
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const upstream = new WebSocket(upstreamBase.replace(/\/$/, '') + (req.url ?? '/'), protocols);
    // One FIFO per connection with a single timer: frames leave in the order they came, whatever
    // their delays (separate timers per frame can fire out of order when their delays differ).
    const queue: Array<{ due: number; info: ServerFrameInfo }> = [];
    const pair: Pair = { client, upstream, timers: new Set<NodeJS.Timeout>(), pump: () => pump() };
    live.add(pair);
    const pendingToUpstream: RawData[] = [];
    let lastDue = 0;

    const deliver = (text: string) => {
      if (client.readyState !== WebSocket.OPEN) return;
      const parts = Math.max(1, faults.splitInto ?? 1);
      if (parts === 1) return client.send(text);
      // Split bytes, not UTF-16 units: the peer validates UTF-8 only once the message is whole.
      const bytes = Buffer.from(text);
      const size = Math.ceil(bytes.length / parts);
      for (let i = 0; i < parts; i++) {
        client.send(bytes.subarray(i * size, (i + 1) * size), { fin: i === parts - 1, binary: false });
      }
    };

    const pump = () => {
      for (const t of pair.timers) clearTimeout(t);
      pair.timers.clear();
      while (queue.length > 0 && !faults.stall) {
        const wait = queue[0]!.due - Date.now();
        if (wait > 0) {
          const t = setTimeout(pump, wait);
          pair.timers.add(t);
          return;
        }
        const { info } = queue.shift()!;
        forwarded.push(info);
        deliver(info.text);
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
      const now = Date.now();
      let due = now + (faults.latencyMs ?? 0) + Math.random() * (faults.jitterMs ?? 0);
      // A trickle spaces audio frames apart, so audio arrives slower than real time when the gap
      // exceeds the frame's duration.
      if (type === 'audio' && faults.audioTrickleMs) due = Math.max(due, lastDue + faults.audioTrickleMs);
      lastDue = Math.max(due, lastDue);
      queue.push({ due: lastDue, info });
      if (queue.length === 1) pump();
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
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)
        upstream.close(1000);
    });
    client.on('error', () => upstream.terminate());
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    faults,
    forwarded,
    connections: () => live.size,
    accepted: () => accepted,
    unstall() {
      faults.stall = false;
      for (const pair of live) pair.pump();
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
