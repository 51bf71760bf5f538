/** The local agent on its own http server (tests use port 0; `voice-agents agent` uses 8787). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NpcDefinition } from '../../npc/types.js';
import { createLocalAgentHandler } from './handler.js';
import type { LocalAgentEndpoint, LocalAgentOptions } from './options.js';

export interface CreateLocalAgentOptions extends LocalAgentOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface LocalAgent {
  /** WebSocket base, e.g. `ws://127.0.0.1:8787`: the official client's `origin`. */
  url: string;
  /** The same server over http (signed URLs, health). */
  httpUrl: string;
  port: number;
  handler: LocalAgentEndpoint;
  setNpcs(npcs: readonly NpcDefinition[]): void;
  close(): Promise<void>;
}

export async function createLocalAgent(options: CreateLocalAgentOptions = {}): Promise<LocalAgent> {
  const handler = createLocalAgentHandler(options);
  const server: Server = createServer((req, res) => {
    if (!handler.handleHttp(req, res)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Not found' }));
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (!handler.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  try {
    await handler.ready;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await handler.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${shown}:${port}`,
    httpUrl: `http://${shown}:${port}`,
    port,
    handler,
    setNpcs: (npcs) => handler.setNpcs(npcs),
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
