/**
 * `voice-agents serve [dir]`: serves a production build of a game (default dist-game/) as static
 * files, with the same voice endpoints as the dev server: the local agent, and the signed-URL broker
 * when ELEVENLABS_API_KEY is set. One mounting code path (broker/mount.ts) for both.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { formatNpcError } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { createVoiceAgentsMiddleware, describeMount } from '../broker/mount.js';
import { refuseHost } from '../agent/access.js';
import { commandArgs } from './front.js';

const USAGE = `usage: voice-agents serve [dir] [--port N] [--host H] [--npcs DIR] [--allow-host NAME]...
                          [--allow-origin URL]... [--local-agent] [--trust-proxy]

Serves the built game in dir (default: dist-game) with, when ELEVENLABS_API_KEY is set (environment
or .env), the signed-URL broker, and with --local-agent the offline local agent.
  --port N            default 4173 (0 picks a free port)
  --host H            default 127.0.0.1
  --npcs DIR          NPC files (default: assets/npcs)
  --allow-host NAME   a host name the server answers to besides localhost (e.g. mygame.example;
                      .mygame.example for it and its subdomains); others get 403 (DNS rebinding)
  --allow-origin URL  another page origin allowed to use the voice endpoints (the served page always is)
  --local-agent       also mount the offline local agent (off by default in production)
  --trust-proxy       behind your reverse proxy: rate limits and per-client caps go by the address
                      it appended to X-Forwarded-For (without it every player shares the proxy's)
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface ServeArgs {
  dir: string;
  port: number;
  host: string;
  npcs: string;
  origins: string[];
  hosts: string[];
  localAgent: boolean;
  trustProxy: boolean;
}

function parseArgs(argv: string[]): ServeArgs | string {
  const a: ServeArgs = {
    dir: 'dist-game',
    port: 4173,
    host: '127.0.0.1',
    npcs: 'assets/npcs',
    origins: [],
    hosts: [],
    localAgent: false,
    trustProxy: false,
  };
  let dirSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => argv[++i] ?? '';
    if (arg === '--port') a.port = Number(value());
    else if (arg === '--host') a.host = value();
    else if (arg === '--npcs') a.npcs = value();
    else if (arg === '--allow-origin') a.origins.push(value());
    else if (arg === '--allow-host') a.hosts.push(value());
    else if (arg === '--local-agent') a.localAgent = true;
    else if (arg === '--no-local-agent') a.localAgent = false;
    else if (arg === '--trust-proxy') a.trustProxy = true;
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else if (!dirSet) {
      a.dir = arg;
      dirSet = true;
    } else return `unexpected ${arg}`;
  }
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535)
    return '--port needs a number from 0 to 65535';
  return a;
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400);
    res.end('bad path');
    return;
  }
  let file = normalize(join(root, pathname));
  // Never outside the build folder, whatever the path says.
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403);
    res.end('forbidden');
    return;
  }
  try {
    let s = await stat(file);
    if (s.isDirectory()) {
      file = join(file, 'index.html');
      s = await stat(file);
    }
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const immutable = pathname.startsWith('/assets/') && /-[A-Za-z0-9_-]{8,}\./.test(pathname);
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(s.size),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found');
  }
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('serve', argv, USAGE, parseArgs);
  if ('exit' in front) return front.exit;
  const { args } = front;
  const root = resolve(args.dir);
  try {
    await stat(join(root, 'index.html'));
  } catch {
    process.stderr.write(
      `voice-agents serve: no index.html in ${args.dir}; build the game first (npm run build)\n`,
    );
    return 1;
  }
  const loaded = await loadNpcDir(args.npcs);
  for (const e of loaded.errors) process.stderr.write(`${formatNpcError(e)}\n`);
  if (loaded.errors.length > 0) process.stderr.write('(NPCs with errors are left out)\n');

  const log = (line: string) => process.stdout.write(`${line}\n`);
  const apiKey = envValue('ELEVENLABS_API_KEY');
  const origins = [...args.origins, ...(envValue('VOICE_AGENTS_ALLOWED_ORIGINS')?.split(',') ?? [])]
    .map((o) => o.trim())
    .filter(Boolean);
  const mount = await createVoiceAgentsMiddleware({
    npcs: loaded.npcs,
    apiKey,
    broker: {
      allowedOrigins: origins,
      baseUrl: envValue('ELEVENLABS_BASE_URL'),
      trustProxy: args.trustProxy,
      log,
    },
    localAgent: args.localAgent,
    localAgentOptions: {
      trustProxy: args.trustProxy,
      access: { allowedHosts: args.hosts, allowedOrigins: origins },
    },
    log,
  });
  // Every route checks Host, the broker and the static files too: a DNS-rebinding name that
  // resolves to this server must not get signed URLs or the game.
  const server = createServer((req, res) => {
    const badHost = refuseHost(req, args.hosts);
    if (badHost) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${badHost}: start serve with --allow-host <name>\n`);
      return;
    }
    if (mount.handleHttp(req, res)) return;
    void serveStatic(root, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (refuseHost(req, args.hosts) || !mount.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(args.port, args.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  log(`serving ${args.dir} at http://${args.host}:${port}/`);
  log(`  NPCs: ${loaded.npcs.map((n) => n.id).join(', ') || 'none'}`);
  for (const line of await describeMount(mount, `http://${args.host}:${port}`, {
    baseUrl: envValue('ELEVENLABS_BASE_URL'),
  }))
    log(`  ${line}`);

  return new Promise<number>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // The conversations first: server.close() waits for upgraded sockets, which closeAllConnections
      // does not end, so with a game tab open it would wait for the conversations' idle timeout.
      void mount.close().then(() => {
        server.closeAllConnections();
        server.close(() => done(0));
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
