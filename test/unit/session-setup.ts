// Shared setup for the session tests (not a test file itself).
import WebSocket from 'ws';
import { AgentSession, type AgentSessionOptions } from '../../plugin/session/index.js';
import type { ScriptedServer, ServerConnection } from '../helpers/scripted-server.js';

/** `ws` subclass that remembers every socket, so tests can count the listeners left on them. */
export class TrackedWebSocket extends WebSocket {
  static instances: TrackedWebSocket[] = [];
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    TrackedWebSocket.instances.push(this);
  }
  /** Listeners of the four events the session may subscribe to. */
  sessionListenerCount(): number {
    return (['open', 'message', 'close', 'error'] as const).reduce((n, e) => n + this.listenerCount(e), 0);
  }
}

export function sessionFactory(getServer: () => ScriptedServer) {
  const sessions: AgentSession[] = [];
  const make = (options: Partial<AgentSessionOptions> = {}) => {
    const session = new AgentSession({
      endpoint: { kind: 'url', url: getServer().url },
      WebSocket: TrackedWebSocket,
      reconnect: { baseDelayMs: 10, rateLimitDelayMs: 30 },
      ...options,
    });
    sessions.push(session);
    return session;
  };
  /** Connects, lets the server answer the initiation with metadata, and returns both ends. */
  const open = async (
    options: Partial<AgentSessionOptions> = {},
    metadata?: Parameters<ServerConnection['sendMetadata']>[0],
  ) => {
    const session = make(options);
    const index = getServer().connections.length;
    const connected = session.connect();
    const conn = await getServer().connection(index);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.sendMetadata(metadata);
    await connected;
    return { session, conn };
  };
  const closeAll = () => Promise.all(sessions.splice(0).map((s) => s.close()));
  return { make, open, closeAll };
}
