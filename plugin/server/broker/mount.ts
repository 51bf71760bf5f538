/**
 * One place that mounts the voice endpoints on a Node HTTP server: the signed-URL broker (when an
 * API key is configured), the local agent (WebSocket upgrade at its path) and a small config
 * endpoint the game can read to learn what is available. Used by the Vite plugin (dev) and by
 * `voice-agents serve` (production builds), so both behave the same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NpcDefinition } from '../../npc/index.js';
import {
  createBroker,
  DEFAULT_BASE_URL,
  DEFAULT_BROKER_PATH,
  type Broker,
  type BrokerOptions,
} from './broker.js';
import type { LocalAgentOptions } from '../agent/index.js';

/** What the local agent module (plugin/server/agent) provides for mounting. */
export interface LocalAgentHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  handleHttp?(req: IncomingMessage, res: ServerResponse): boolean;
  setNpcs(npcs: readonly NpcDefinition[]): void;
  close(): Promise<void>;
  /** URL path of the WebSocket endpoint, if the handler reports it. */
  readonly path?: string;
  /** Resolves when the speech engine is warm (the startup lines wait for it to name the engine). */
  readonly ready?: Promise<void>;
  health?(): Record<string, unknown>;
}

export const CONFIG_PATH = '/voice-agents/config';
export const LOCAL_AGENT_PATH = '/v1/convai/conversation';

export interface MountOptions {
  npcs: readonly NpcDefinition[];
  /** Mount the broker when set (usually process.env.ELEVENLABS_API_KEY). */
  apiKey?: string;
  broker?: Omit<BrokerOptions, 'apiKey' | 'npcs'>;
  /** true (default): create the local agent from plugin/server/agent; false: none; or pass one. */
  localAgent?: boolean | LocalAgentHandler;
  /** Options passed to the local agent factory (speech engine, recognizer, limits…). */
  localAgentOptions?: Omit<LocalAgentOptions, 'npcs'>;
  log?: (line: string) => void;
}

export interface VoiceAgentsMount {
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  setNpcs(npcs: readonly NpcDefinition[]): void;
  close(): Promise<void>;
  readonly broker: Broker | undefined;
  readonly localAgent: LocalAgentHandler | undefined;
}

async function loadLocalAgent(
  options: LocalAgentOptions,
  log: (line: string) => void,
): Promise<LocalAgentHandler | undefined> {
  try {
    // Loaded lazily: the speech engines are only needed when the local agent is mounted.
    const { createLocalAgentHandler } = await import('../agent/index.js');
    return createLocalAgentHandler(options);
  } catch (err) {
    log(`voice-agents: the local agent could not start: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

export async function createVoiceAgentsMiddleware(opts: MountOptions): Promise<VoiceAgentsMount> {
  const log = opts.log ?? (() => undefined);
  let npcs = [...opts.npcs];
  const broker =
    opts.apiKey && opts.apiKey.trim() !== ''
      ? createBroker({ ...opts.broker, apiKey: opts.apiKey, npcs, log: opts.broker?.log ?? log })
      : undefined;
  const localAgent =
    opts.localAgent === false
      ? undefined
      : typeof opts.localAgent === 'object'
        ? opts.localAgent
        : await loadLocalAgent({ log, ...opts.localAgentOptions, npcs: [...npcs] }, log);
  localAgent?.setNpcs(npcs);

  function config(res: ServerResponse): void {
    const body = {
      broker: broker ? broker.path : null,
      localAgent: localAgent ? (localAgent.path ?? LOCAL_AGENT_PATH) : null,
      // Which NPCs have a real agent (and so go through the broker); never any secret.
      agents: Object.fromEntries(npcs.map((n) => [n.id, (n.agent.agent_id ?? '') !== ''])),
    };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  return {
    broker,
    localAgent,
    handleHttp(req, res) {
      const pathname = (req.url ?? '/').split('?')[0];
      if (pathname === CONFIG_PATH && req.method === 'GET') {
        config(res);
        return true;
      }
      if (broker?.handle(req, res)) return true;
      if (!broker && pathname === (opts.broker?.path ?? DEFAULT_BROKER_PATH)) {
        // Say why, rather than letting a dev server answer with its HTML fallback page.
        res.writeHead(503, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(
          JSON.stringify({
            error: 'no ELEVENLABS_API_KEY is configured on this server, so no URLs can be signed',
          }),
        );
        return true;
      }
      return localAgent?.handleHttp?.(req, res) ?? false;
    },
    handleUpgrade(req, socket, head) {
      return localAgent?.handleUpgrade(req, socket, head) ?? false;
    },
    setNpcs(next) {
      npcs = [...next];
      broker?.setNpcs(npcs);
      localAgent?.setNpcs(npcs);
    },
    async close() {
      await localAgent?.close();
    },
  };
}

/**
 * What a server runs, one line each, for its startup output: the local agent (URL, voice engine,
 * speech recognizer or how to get one) and the broker (URL and upstream, or off and why).
 * `origin`: where the server listens, e.g. `http://localhost:5173`.
 */
export async function describeMount(
  m: VoiceAgentsMount,
  origin: string,
  brokerOptions: MountOptions['broker'] = {},
): Promise<string[]> {
  const lines: string[] = [];
  const agent = m.localAgent;
  if (agent) {
    // The engine is named once it is loaded; a slow start still gets its line.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.resolve(agent.ready).catch(() => undefined),
      new Promise((r) => (timer = setTimeout(r, 10_000))),
    ]);
    clearTimeout(timer);
    const h = (agent.health?.() ?? {}) as {
      speech?: { engine?: string; fallbackReason?: string } | null;
      recognizer?: { available?: boolean; name?: string | null; hint?: string };
    };
    const ws = origin.replace(/^http/, 'ws') + (agent.path ?? LOCAL_AGENT_PATH);
    const voice = h.speech?.engine
      ? `voice ${h.speech.engine}${h.speech.fallbackReason ? ` (${h.speech.fallbackReason})` : ''}`
      : 'voice engine still loading';
    const ears = h.recognizer?.available
      ? `speech recognizer ${h.recognizer.name}`
      : `no speech recognizer, typing only (${h.recognizer?.hint ?? 'see /voice-agents/health'})`;
    lines.push(`local agent: ${ws}, ${voice}, ${ears}`);
  } else lines.push('local agent: off');
  const upstream = (brokerOptions.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  lines.push(
    m.broker
      ? `broker: ${origin}${m.broker.path}, signing with ELEVENLABS_API_KEY at ${upstream}`
      : 'broker: off (no ELEVENLABS_API_KEY in the environment or .env: NPCs with an agent_id connect to public agents only)',
  );
  return lines;
}
