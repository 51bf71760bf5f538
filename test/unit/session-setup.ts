// Shared setup for the session tests (not a test file itself).
import { afterEach, beforeEach } from 'vitest';
import WebSocket from 'ws';
import { AgentSession, type AgentSessionOptions } from '../../plugin/session/index.js';
import { int16ToBase64 } from '../../plugin/protocol/index.js';
import {
  startScriptedServer,
  type ScriptedServer,
  type ServerConnection,
} from '../helpers/scripted-server.js';

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

/**
 * The session tests' fixture: a scripted server started before each test and closed after it,
 * with every session the test made; `make` and `open` connect to it.
 */
export function scriptedSessions() {
  let current: ScriptedServer | undefined;
  const server = (): ScriptedServer => {
    if (!current) throw new Error('the scripted server runs only inside a test');
    return current;
  };
  const { make, open, closeAll } = sessionFactory(server);
  beforeEach(async () => {
    current = await startScriptedServer();
  });
  afterEach(async () => {
    await closeAll();
    await current?.close();
    current = undefined;
  });
  return { server, make, open };
}

/** An `audio` frame of these samples. */
export const audio = (eventId: number, samples: number[], extra: object = {}) => ({
  type: 'audio' as const,
  audio_event: { audio_base_64: int16ToBase64(Int16Array.from(samples)), event_id: eventId, ...extra },
});

export const ping = (eventId: number, pingMs: number | null = null) => ({
  type: 'ping' as const,
  ping_event: { event_id: eventId, ping_ms: pingMs },
});

/** A ping round trip: once its pong is back, every frame the server sent before it has been handled. */
export async function sync(
  conn: ServerConnection,
  id = 900 + Math.floor(Math.random() * 1e6),
): Promise<void> {
  conn.send(ping(id));
  await conn.next((m) => 'type' in m && m.type === 'pong' && m.event_id === id);
}
