/**
 * Where a conversation connects: a public agent id on a regional host, a signed URL from
 * the game's broker (private agents: the API key stays on the server), or any direct URL (the local
 * agent). Resolved again for every attempt, so a reconnect always gets a fresh signed URL.
 */
import type { EndReason } from '../protocol/index.js';

export type Region = 'global' | 'us' | 'eu' | 'in' | 'sg';

/** WebSocket origins per region. `global` routes to the closest region; the others pin data residency. */
export const REGION_ORIGINS: Readonly<Record<Region, string>> = {
  global: 'wss://api.elevenlabs.io',
  us: 'wss://api.us.elevenlabs.io',
  eu: 'wss://api.eu.residency.elevenlabs.io',
  in: 'wss://api.in.residency.elevenlabs.io',
  sg: 'wss://api.sg.residency.elevenlabs.io',
};

const CONVERSATION_PATH = '/v1/convai/conversation';

export type SessionEndpoint =
  /** A public agent: `wss://<region host>/v1/convai/conversation?agent_id=…`. */
  | {
      kind: 'agent';
      agentId: string;
      region?: Region;
      /** Overrides the region's origin (e.g. a proxy). */ origin?: string;
    }
  /**
   * A private agent through the game's broker: `GET <brokerUrl>?agent_id=…` (and `&npc=…`) must
   * answer `{"signed_url": "wss://…"}`, the same body as the service's get-signed-url endpoint.
   */
  | { kind: 'broker'; brokerUrl: string; agentId?: string; npcId?: string }
  /** A signed URL obtained some other way; called once per attempt. */
  | { kind: 'signed'; getSignedUrl: () => Promise<string> }
  /** Any URL used as is: the local agent, or a signed URL already in hand (single use). */
  | { kind: 'url'; url: string };

/** The minimal fetch the broker flow needs; the browser's and Node's global fetch both fit. */
export type FetchLike = (
  url: string,
  init?: {
    method?: string;
    headers?: Record<string, string>;
    credentials?: 'same-origin' | 'include' | 'omit';
  },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}>;

export function publicAgentUrl(agentId: string, region: Region = 'global', origin?: string): string {
  const base = (origin ?? REGION_ORIGINS[region]).replace(/\/+$/, '');
  return `${base}${CONVERSATION_PATH}?agent_id=${encodeURIComponent(agentId)}`;
}

/** An endpoint could not be resolved; carries the end reason and, for rate limits, how long to wait. */
export class EndpointError extends Error {
  constructor(
    readonly endReason: EndReason,
    readonly retryAfterMs?: number,
  ) {
    super(endReason.kind === 'error' ? endReason.message : endReason.reason);
  }
}

function brokerError(
  error: 'broker' | 'connection' | 'rate_limited',
  message: string,
  retryAfterMs?: number,
) {
  return new EndpointError({ kind: 'error', error, code: 1006, reason: '', message }, retryAfterMs);
}

/** Seconds or an HTTP date, per RFC 9110. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export async function resolveEndpoint(
  endpoint: SessionEndpoint,
  fetchImpl: FetchLike | undefined,
): Promise<string> {
  switch (endpoint.kind) {
    case 'agent':
      return publicAgentUrl(endpoint.agentId, endpoint.region, endpoint.origin);
    case 'url':
      return endpoint.url;
    case 'signed': {
      let url: unknown;
      try {
        url = await endpoint.getSignedUrl();
      } catch (cause) {
        throw brokerError(
          'broker',
          `Could not get a signed URL: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
      if (typeof url !== 'string' || url === '')
        throw brokerError('broker', 'getSignedUrl() returned no URL');
      return url;
    }
    case 'broker':
      return fetchSignedUrl(endpoint, fetchImpl);
  }
}

async function fetchSignedUrl(
  endpoint: Extract<SessionEndpoint, { kind: 'broker' }>,
  fetchImpl: FetchLike | undefined,
): Promise<string> {
  if (!fetchImpl) throw brokerError('broker', 'No fetch implementation available for the signed-URL broker');
  const params: string[] = [];
  if (endpoint.agentId) params.push(`agent_id=${encodeURIComponent(endpoint.agentId)}`);
  if (endpoint.npcId) params.push(`npc=${encodeURIComponent(endpoint.npcId)}`);
  const sep = endpoint.brokerUrl.includes('?') ? '&' : '?';
  const url = params.length ? `${endpoint.brokerUrl}${sep}${params.join('&')}` : endpoint.brokerUrl;
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await fetchImpl(url, { method: 'GET', headers: { accept: 'application/json' } });
  } catch (cause) {
    // Unreachable broker = network trouble: retried like a dropped socket.
    throw brokerError(
      'connection',
      `Could not connect to the signed-URL broker at ${endpoint.brokerUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  if (response.status === 429) {
    const wait = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    throw brokerError('rate_limited', 'The signed-URL broker is rate limiting this client', wait);
  }
  // A gateway answer (the broker could not reach the voice service, or it timed out) is passing
  // trouble, retried like a dropped socket; anything else (no key, a refused page) is not.
  if (response.status === 502 || response.status === 504)
    throw brokerError(
      'connection',
      `The signed-URL broker at ${endpoint.brokerUrl} could not reach the voice service (HTTP ${response.status})`,
    );
  if (!response.ok)
    throw brokerError(
      'broker',
      `The signed-URL broker at ${endpoint.brokerUrl} answered HTTP ${response.status}`,
    );
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw brokerError('broker', 'The signed-URL broker answered something that is not JSON');
  }
  const signed = (body as { signed_url?: unknown } | null)?.signed_url;
  if (typeof signed !== 'string' || !/^wss?:\/\//.test(signed)) {
    throw brokerError('broker', 'The signed-URL broker answer has no usable "signed_url"');
  }
  return signed;
}
