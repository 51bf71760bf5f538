import type { IncomingMessage } from 'node:http';

/**
 * The client's address as the trusted proxy in front of this server saw it: the last entry of
 * X-Forwarded-For, the one that proxy appended. The entries before it are whatever the client wrote
 * itself: counting by the first, a client could claim a new address with every request and slip
 * past a per-client limit.
 */
export function forwardedClient(req: IncomingMessage): string | undefined {
  const fwd = req.headers['x-forwarded-for'];
  const last = (Array.isArray(fwd) ? fwd.join(',') : fwd)?.split(',').at(-1)?.trim();
  return last ? last.slice(0, 64) : undefined;
}
