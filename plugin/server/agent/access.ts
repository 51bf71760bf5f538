/**
 * Who may use the local agent from a browser (issue 12.8). It runs in every developer's dev server,
 * with their LLM key behind it: a page on another site must not be able to open conversations,
 * override prompts or read health, and a DNS-rebinding name that resolves to 127.0.0.1 must not
 * pass for this machine.
 *
 * - Host: a loopback name (localhost, *.localhost, 127.x.x.x, [::1]), or one the server was told to
 *   answer to (`allowedHosts`; Vite's `server.allowedHosts` in dev; `serve --allow-host`).
 * - Origin: a loopback page (the game on another local port, e.g. Vite's 5173 talking to the
 *   standalone agent's 8787), the same origin as the request, or one of `allowedOrigins`.
 * - No Origin (a non-browser client: a game server, a test, the CLI): only from a loopback address
 *   unless `allowNoOrigin` is set.
 */
import type { IncomingMessage } from 'node:http';

export interface AccessOptions {
  /** Host names answered besides loopback ones. `true`: any (only behind something that checks). */
  allowedHosts?: readonly string[] | true;
  /** Page origins allowed besides loopback pages and the same origin, e.g. `https://mygame.example`. */
  allowedOrigins?: readonly string[];
  /** Accept clients that send no Origin from non-loopback addresses. Default false. */
  allowNoOrigin?: boolean;
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    h === '::ffff:127.0.0.1'
  );
}

/** `host:port` or `[v6]:port` -> the name alone. */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Vite's convention: `.example.com` allows example.com and every subdomain. */
function hostListed(name: string, list: readonly string[]): boolean {
  return list.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('.') ? name === e.slice(1) || name.endsWith(e) : name === e;
  });
}

/** Why the request's Host is refused, or null. */
export function refuseHost(req: IncomingMessage, allowedHosts: AccessOptions['allowedHosts']): string | null {
  const name = hostnameOf(req.headers.host ?? '');
  if (isLoopbackHost(name) || allowedHosts === true || hostListed(name, allowedHosts ?? [])) return null;
  return `Host ${JSON.stringify(name.slice(0, 100))} is not allowed (add it to the allowed hosts)`;
}

/** Why the request is refused, or null if it may proceed. */
export function refuseAccess(req: IncomingMessage, o: AccessOptions): string | null {
  const hostHeader = req.headers.host ?? '';
  const badHost = refuseHost(req, o.allowedHosts);
  if (badHost) return badHost;
  const origin = req.headers.origin;
  if (origin === undefined) {
    if (o.allowNoOrigin || isLoopbackHost(req.socket.remoteAddress ?? '')) return null;
    return 'A request without an Origin is only accepted from this machine';
  }
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return 'Malformed Origin';
  }
  if (isLoopbackHost(parsed.hostname)) return null;
  if (parsed.host === hostHeader.toLowerCase()) return null;
  const wanted = origin.replace(/\/+$/, '').toLowerCase();
  if ((o.allowedOrigins ?? []).some((a) => a.replace(/\/+$/, '').toLowerCase() === wanted)) return null;
  return `Origin ${JSON.stringify(origin.slice(0, 100))} is not allowed (add it to the allowed origins)`;
}
