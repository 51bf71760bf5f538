/**
 * Signed-URL broker: the browser asks "a signed URL for NPC mira", the server asks ElevenLabs for one
 * with the API key it holds (docs: GET /v1/convai/conversation/get-signed-url with `xi-api-key`).
 * The key never leaves this process: it is only ever written into the upstream request header, and
 * every string that reaches a response or a log line passes through `redact` as a second guard.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NpcDefinition } from '../../npc/index.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { forwardedClient } from '../forwarded.js';

export const DEFAULT_BROKER_PATH = '/voice-agents/signed-url';
export const DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

export interface BrokerOptions {
  /** The ElevenLabs API key. Held in memory, never sent anywhere but the upstream request header. */
  apiKey: string;
  /** NPCs whose `agent.agent_id` may be signed; the request names the NPC id. */
  npcs?: readonly NpcDefinition[];
  /** Extra agent ids that may be signed when requested as `?agent_id=` (e.g. a default agent). */
  allowedAgentIds?: readonly string[];
  /**
   * Page origins allowed to ask (e.g. `https://mygame.example`). The page served by this same server
   * (Origin host equals Host) is always allowed unless `allowSameOrigin` is false.
   */
  allowedOrigins?: readonly string[];
  allowSameOrigin?: boolean;
  /** Per-client limit; default 20 requests per minute. */
  rateLimit?: RateLimitOptions;
  /** Default https://api.elevenlabs.io; tests point it at a local fake. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** URL path answered; default /voice-agents/signed-url. */
  path?: string;
  /** Count clients by the address the trusted proxy in front appended to X-Forwarded-For (its last entry). */
  trustProxy?: boolean;
  /** One line per request, already free of secrets. Default: silent. */
  log?: (line: string) => void;
  /** Upstream timeout; default 10 s. */
  timeoutMs?: number;
}

export interface Broker {
  /** Node http handler: returns false (and does nothing) for requests outside `path`. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Replace the NPC list (hot reload of NPC files, `voice-agents push` writing new ids). */
  setNpcs(npcs: readonly NpcDefinition[]): void;
  readonly path: string;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function createBroker(opts: BrokerOptions): Broker {
  if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '')
    throw new Error('createBroker: apiKey is required (set ELEVENLABS_API_KEY)');
  const apiKey = opts.apiKey.trim();
  const path = opts.path ?? DEFAULT_BROKER_PATH;
  const baseUrl = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch;
  const limiter = new RateLimiter(opts.rateLimit ?? { max: 20, windowMs: 60_000 });
  const origins = new Set((opts.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const extraIds = new Set(opts.allowedAgentIds ?? []);
  let agentByNpc = new Map<string, string>();

  const redact = (s: string) => (apiKey.length >= 4 ? s.split(apiKey).join('[redacted]') : s);
  const log = (line: string) => opts.log?.(redact(line));

  function setNpcs(npcs: readonly NpcDefinition[]): void {
    agentByNpc = new Map(
      npcs.filter((n) => (n.agent.agent_id ?? '').trim() !== '').map((n) => [n.id, n.agent.agent_id!.trim()]),
    );
  }
  setNpcs(opts.npcs ?? []);

  function originOf(req: IncomingMessage): string | undefined {
    const o = req.headers.origin;
    if (typeof o === 'string' && o !== 'null') return o.toLowerCase();
    // Same-origin GET fetches carry no Origin in Chromium, but they do carry a Referer.
    const ref = req.headers.referer;
    if (typeof ref === 'string') {
      try {
        return new URL(ref).origin.toLowerCase();
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  function originAllowed(origin: string | undefined, req: IncomingMessage): boolean {
    // No Origin and no Referer: a same-origin fetch from a page with `Referrer-Policy: no-referrer`
    // still says where it comes from in Sec-Fetch-Site (a header pages cannot set).
    if (!origin) return opts.allowSameOrigin !== false && req.headers['sec-fetch-site'] === 'same-origin';
    if (origins.has(origin)) return true;
    if (opts.allowSameOrigin === false) return false;
    try {
      return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
    } catch {
      return false;
    }
  }

  function clientKey(req: IncomingMessage): string {
    if (opts.trustProxy) {
      const forwarded = forwardedClient(req);
      if (forwarded) return forwarded;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }

  async function answer(req: IncomingMessage, url: URL, origin: string | undefined): Promise<Reply> {
    if (req.method === 'OPTIONS') return { status: 204, body: {} };
    if (req.method !== 'GET') return { status: 405, body: { error: 'use GET' }, headers: { Allow: 'GET' } };
    // Rate-limited before the origin check: refused requests cost the client too.
    const limit = limiter.take(clientKey(req));
    if (!originAllowed(origin, req))
      return { status: 403, body: { error: 'this page is not allowed to request voice sessions' } };
    if (!limit.ok)
      return {
        status: 429,
        body: { error: 'too many requests; try again shortly' },
        headers: { 'Retry-After': String(Math.ceil(limit.retryAfterMs / 1000)) },
      };
    const npc = url.searchParams.get('npc');
    const requestedAgent = url.searchParams.get('agent_id');
    let agentId: string | undefined;
    if (npc) {
      agentId = agentByNpc.get(npc);
      if (!agentId)
        return {
          status: 404,
          body: { error: `no ElevenLabs agent is configured for NPC "${npc.slice(0, 64)}"` },
        };
    } else if (requestedAgent) {
      if (!extraIds.has(requestedAgent) && ![...agentByNpc.values()].includes(requestedAgent))
        return { status: 404, body: { error: 'this agent does not belong to the game' } };
      agentId = requestedAgent;
    } else {
      return { status: 400, body: { error: 'ask for ?npc=<id>' } };
    }

    let upstream: Response;
    try {
      upstream = await doFetch(
        `${baseUrl}/v1/convai/conversation/get-signed-url?agent_id=${encodeURIComponent(agentId)}`,
        {
          method: 'GET',
          headers: { 'xi-api-key': apiKey, accept: 'application/json' },
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        },
      );
    } catch (err) {
      log(`broker: upstream unreachable (${err instanceof Error ? err.name : 'error'})`);
      return { status: 502, body: { error: 'the voice service could not be reached' } };
    }
    // Upstream bodies are never relayed: they are not ours to show and could quote the request.
    if (!upstream.ok) {
      await upstream.body?.cancel().catch(() => undefined);
      const error = `the voice service refused the request (status ${upstream.status})`;
      // The service limiting us is passed on as a limit (the client waits and tries again).
      if (upstream.status === 429) {
        const retryAfter = upstream.headers.get('retry-after');
        return { status: 429, body: { error }, headers: { 'Retry-After': retryAfter ?? '5' } };
      }
      // The service failing (5xx) may pass and is a gateway error the client retries; a refusal
      // (a wrong key, an agent that is gone) will not pass and is the broker's own failure.
      return { status: upstream.status >= 500 ? 502 : 500, body: { error } };
    }
    let signed: unknown;
    try {
      signed = ((await upstream.json()) as { signed_url?: unknown }).signed_url;
    } catch {
      signed = undefined;
    }
    if (typeof signed !== 'string' || !/^wss?:\/\//.test(signed) || signed.includes(apiKey))
      return { status: 502, body: { error: 'the voice service sent an unexpected answer' } };
    return { status: 200, body: { signed_url: signed, agent_id: agentId, ...(npc ? { npc } : {}) } };
  }

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://broker.invalid');
    } catch {
      return false;
    }
    if (url.pathname !== path) return false;
    const origin = originOf(req);
    const started = Date.now();
    answer(req, url, origin)
      .catch((): Reply => ({ status: 500, body: { error: 'internal error' } }))
      .then((reply) => {
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          ...reply.headers,
        };
        if (origin && originAllowed(origin, req)) {
          headers['access-control-allow-origin'] = origin;
          headers['access-control-allow-methods'] = 'GET';
          headers.vary = 'Origin';
        }
        if (!res.headersSent) {
          res.writeHead(reply.status, headers);
          res.end(reply.status === 204 ? undefined : redact(JSON.stringify(reply.body)));
        }
        const npc = url.searchParams.get('npc') ?? url.searchParams.get('agent_id') ?? '-';
        log(
          `broker: ${req.method} npc=${JSON.stringify(npc.slice(0, 64))} origin=${origin === undefined ? '-' : JSON.stringify(origin.slice(0, 100))} -> ${reply.status} (${Date.now() - started} ms)`,
        );
      });
    return true;
  }

  return { handle, setNpcs, path };
}
