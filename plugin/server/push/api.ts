/**
 * The few ElevenLabs REST calls `voice-agents push` makes, with what the official server SDK gives
 * its users: a timeout per request, retries with backoff on 429 and 5xx (honouring Retry-After), and
 * typed errors in plain words. The API key never appears in a message.
 */

type ApiErrorKind = 'auth' | 'not_found' | 'rejected' | 'rate_limited' | 'server' | 'network';

export class PushApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PushApiError';
  }
}

interface ApiOptions {
  baseUrl: string;
  apiKey: string;
  /** Retries after the first attempt, for 429, 5xx and network trouble. Default 3. */
  retries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Waits between attempts (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Names a rejected field the way the user knows it (an API path like `conversation_config.tts.voice_id`). */
  fieldName?: (apiPath: string) => string;
}

export interface Api {
  request<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** Seconds or an HTTP date → milliseconds to wait, capped at 30 s; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(30_000, Math.max(0, ms)) : undefined;
}

/** FastAPI-style `detail` (a string, or a list of `{loc, msg}` shown as `field: message`) as one line. */
function describeDetail(body: unknown, fieldName: (apiPath: string) => string = (p) => p): string {
  const d = (body as { detail?: unknown } | null)?.detail;
  if (typeof d === 'string') return d;
  if (Array.isArray(d))
    return d
      .map((x: { loc?: unknown[]; msg?: unknown }) => {
        const loc = Array.isArray(x?.loc) ? x.loc.filter((p) => p !== 'body').join('.') : '';
        return `${loc ? `${fieldName(loc)}: ` : ''}${typeof x?.msg === 'string' ? x.msg : JSON.stringify(x)}`;
      })
      .join('; ');
  if (d && typeof d === 'object') {
    const m = (d as { message?: unknown }).message;
    return typeof m === 'string' ? m : JSON.stringify(d);
  }
  return '';
}

function errorFor(status: number, detail: string, attempts: number): PushApiError {
  const said = detail ? `: ${detail.slice(0, 300)}` : '';
  if (status === 401 || status === 403)
    return new PushApiError(
      'auth',
      `the API key was refused (HTTP ${status})${said}; check ELEVENLABS_API_KEY`,
      status,
    );
  if (status === 404) return new PushApiError('not_found', `not found (HTTP 404)${said}`, status);
  if (status === 429)
    return new PushApiError(
      'rate_limited',
      `rate limited (HTTP 429) after ${attempts} attempts${said}`,
      status,
    );
  if (status >= 500)
    return new PushApiError(
      'server',
      `the service failed (HTTP ${status}) after ${attempts} attempts${said}`,
      status,
    );
  return new PushApiError('rejected', `the service rejected it (HTTP ${status})${said}`, status);
}

export function createApi(o: ApiOptions): Api {
  const doFetch = o.fetch ?? fetch;
  const retries = o.retries ?? 3;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = o.baseUrl.replace(/\/+$/, '');
  const redact = (s: string) => s.split(o.apiKey).join('[redacted]');
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        let res: Response;
        try {
          res = await doFetch(`${base}${path}`, {
            method,
            headers: {
              'xi-api-key': o.apiKey,
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
          });
        } catch (err) {
          if (attempt <= retries) {
            await sleep(backoff(attempt));
            continue;
          }
          const why =
            err instanceof Error ? `${err.name === 'TimeoutError' ? 'timed out' : err.message}` : String(err);
          throw new PushApiError(
            'network',
            redact(`could not reach ${base} after ${attempt} attempts: ${why}`),
          );
        }
        if (res.ok) {
          const text = await res.text();
          return (text ? JSON.parse(text) : {}) as T;
        }
        const parsed = await res.json().catch(() => null);
        if (RETRY_STATUS.has(res.status) && attempt <= retries) {
          await sleep(retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt));
          continue;
        }
        const e = errorFor(res.status, describeDetail(parsed, o.fieldName), attempt);
        throw new PushApiError(e.kind, redact(e.message), e.status);
      }
    },
  } as Api;
}

/** 0.5 s, 1 s, 2 s, … up to 8 s. */
const backoff = (attempt: number) => Math.min(8000, 500 * 2 ** (attempt - 1));

/** Where each data-residency region's API answers (the same hosts the conversations use). */
export const REGION_API: Readonly<Record<string, string>> = {
  global: 'https://api.elevenlabs.io',
  us: 'https://api.us.elevenlabs.io',
  eu: 'https://api.eu.residency.elevenlabs.io',
  in: 'https://api.in.residency.elevenlabs.io',
  sg: 'https://api.sg.residency.elevenlabs.io',
};
