/**
 * The servers side of the Vite plugin: the local agent and the broker mounted on the dev server's
 * (or `vite preview`'s) own port, so `npm run dev` is one process. plugin.ts decides what to mount.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createVoiceAgentsMiddleware,
  describeMount,
  type MountOptions,
  type VoiceAgentsMount,
} from '../server/broker/mount.js';

/** A Vite dev or preview server, as far as mounting goes. */
export interface HostServer {
  httpServer: Server | null | undefined;
  use(fn: (req: any, res: any, next: () => void) => void): void;
  log(line: string): void;
  allowedHosts: readonly string[] | true | undefined;
  https: boolean;
}

/** Mounts on `host` and says what runs once it listens; unmounts when it closes. */
export async function mountVoiceAgents(
  host: HostServer,
  options: Omit<MountOptions, 'log'>,
): Promise<VoiceAgentsMount> {
  const { httpServer, log, allowedHosts } = host;
  const m = await createVoiceAgentsMiddleware({
    ...options,
    // Vite checks Host on HTTP requests but not on WebSocket upgrades: the agent checks its own
    // with the same list.
    localAgentOptions: {
      ...options.localAgentOptions,
      access: { allowedHosts, ...options.localAgentOptions?.access },
    },
    log,
  });
  host.use((req, res, next) => {
    if (!m.handleHttp(req, res)) next();
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    m.handleUpgrade(req, socket, head);
  };
  httpServer?.on('upgrade', onUpgrade);
  // What runs, said once the server listens (the address is known then).
  httpServer?.once('listening', () => {
    const a = httpServer.address();
    if (!a || typeof a === 'string') return;
    // Like Vite's own "Local:" line: a wildcard or IPv6 loopback is reached as localhost.
    const local = ['::', '0.0.0.0', '::1'].includes(a.address);
    const hostName = local ? 'localhost' : a.family === 'IPv6' ? `[${a.address}]` : a.address;
    void describeMount(m, `${host.https ? 'https' : 'http'}://${hostName}:${a.port}`, options.broker).then(
      (lines) => {
        for (const line of lines) log(`  voice-agents ${line}`);
      },
    );
  });
  httpServer?.once('close', () => {
    httpServer.off('upgrade', onUpgrade);
    void m.close();
  });
  return m;
}
