/**
 * The local agent as a mountable handler: any Node http server (ours, Vite's dev server,
 * `voice-agents serve`) passes its upgrades and requests here and gets back whether they were ours.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { NpcDefinition } from '../../npc/types.js';
import { AUDIO_FORMATS, DEFAULT_AUDIO_FORMAT, parseAudioFormat } from '../../protocol/index.js';
import { loadNpcDir } from '../npc-files.js';
import { createSpeech, type Speech } from '../speech/index.js';
import { FairSpeech } from '../speech/fair-queue.js';
import type { Recognizer } from '../speech/recognizer.js';
import { createPocketsphinxRecognizer } from '../speech/pocketsphinx.js';
import { createTurnDetector, loadFvad } from '../speech/vad.js';
import { cappedBrain, createLocalBrain, type Brain } from './brain.js';
import { PlayerMemory } from './memory.js';
import { refuseAccess } from './access.js';
import { Admission, clientAddress, defaultPerClient } from './admission.js';
import { closeSocket } from './channel.js';
import { Conversation } from './conversation.js';
import { createLlmBrain, llmConfigFromEnv } from './llm.js';
import { DEFAULT_PERSONA, findNpc } from './persona.js';
import {
  DEFAULT_LIMITS,
  Samples,
  type AgentLimits,
  type AgentMetrics,
  type AgentRuntime,
} from './runtime.js';
import type { LocalAgentEndpoint, LocalAgentHealth, LocalAgentOptions } from './options.js';

export const CONVERSATION_PATH = '/v1/convai/conversation';
const SIGNED_URL_PATHS = ['/v1/convai/conversation/get-signed-url', '/v1/convai/conversation/get_signed_url'];
export const HEALTH_PATH = '/voice-agents/health';

function conversationId(): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const bytes = randomBytes(26);
  let id = 'conv_';
  for (const b of bytes) id += alphabet[b & 31];
  return id;
}

/** The request's URL, or null when it does not parse (`new URL` throws on `//x:99999`, `//[`, …). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://local');
  } catch {
    return null;
  }
}

function resolveRecognizer(option: LocalAgentOptions['recognizer']): Recognizer | null {
  // VOICE_AGENTS_ASR=none: try the game as a player without a recognizer gets it (typing only).
  if (option === 'none' || ((option ?? 'auto') === 'auto' && process.env.VOICE_AGENTS_ASR === 'none'))
    return null;
  if (option && option !== 'auto') return option;
  return createPocketsphinxRecognizer();
}

export function createLocalAgentHandler(options: LocalAgentOptions = {}): LocalAgentEndpoint {
  const log = options.log ?? (() => {});
  const limits: AgentLimits = {
    ...DEFAULT_LIMITS,
    ...options.limits,
    maxSessionsPerClient:
      options.limits?.maxSessionsPerClient ??
      defaultPerClient(options.limits?.maxSessions ?? DEFAULT_LIMITS.maxSessions),
  };
  const admission = new Admission(limits);
  const memory = new PlayerMemory();
  let npcs: NpcDefinition[] = options.npcs ?? [];
  const llm = options.llm === false ? undefined : (options.llm ?? llmConfigFromEnv());
  const recognizer = resolveRecognizer(options.recognizer);
  const defaultFormat = parseAudioFormat(options.outputFormat ?? DEFAULT_AUDIO_FORMAT)!;
  const conversations = new Set<Conversation>();
  const metrics: AgentMetrics = {
    turnToFirstAudioMs: new Samples(),
    asrMs: new Samples(),
    spokenTurns: { decoded: 0, declined: 0 },
  };
  let speech: Speech | null = null;
  let fair: FairSpeech | null = null;
  let warm = false;
  let closed = false;
  const localBrain = createLocalBrain();
  const llmBrain: Brain | null = llm ? createLlmBrain(llm) : null;

  const wss = new WebSocketServer({
    noServer: true,
    // Frames past our limit get a typed error; this hard cap (ws closes 1009) only stops giant buffers.
    maxPayload: limits.maxFrameBytes * 4,
    perMessageDeflate: options.perMessageDeflate ?? false,
    // Select `convai` when offered (the official client fails without it); ignore `bearer.*`;
    // accept clients that offer none (Python).
    handleProtocols: (protocols) => (protocols.has('convai') ? 'convai' : false),
  });

  const ready = (async () => {
    if (!options.npcs && options.npcDir) {
      const loaded = await loadNpcDir(options.npcDir);
      npcs = loaded.npcs;
      for (const e of loaded.errors) log(`${e.file}:${e.line}:${e.column} ${e.message}`);
    }
    const [s] = await Promise.all([
      createSpeech(options.speechEngine ?? 'auto', { worker: options.speechWorker ?? true, log }),
      loadFvad(),
    ]);
    speech = s;
    fair = new FairSpeech(s, limits.maxPendingSpeech);
    void s.warm.then(() => (warm = true));
    if (closed) s.close();
    else await warmVoices(npcs);
  })();
  // A failed start surfaces through `ready`; avoid an unhandled rejection when nobody awaits it.
  ready.catch(() => {});

  // Each voice's first synthesis is slow (JIT, voice tables): pay it at boot and on reload, not in a greeting.
  const warmed = new Set<string>();
  async function warmVoices(list: readonly NpcDefinition[]): Promise<void> {
    for (const n of [DEFAULT_PERSONA, ...list]) {
      const v = n.local.voice;
      const key = `${v.engine_voice}|${v.rate}|${v.pitch}`;
      if (!speech || warmed.has(key)) continue;
      warmed.add(key);
      const voice = { engineVoice: v.engine_voice, rate: v.rate, pitch: v.pitch };
      await speech.synthesize('Hello there, traveller.', voice, defaultFormat.sampleRate);
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  const runtime = (onClosed: (c: Conversation) => void): AgentRuntime<Conversation> => {
    const own = fair!.owner();
    return {
      speech: own,
      recognizer,
      brainFor: () => cappedBrain(llmBrain ?? localBrain, limits.maxReplyChars),
      memoryFor: (userId, npcId) => memory.of(userId, npcId),
      createDetector: (events) => createTurnDetector(events, options.vad),
      limits,
      metadataGapMs: options.metadataGapMs ?? 50,
      pingIntervalMs: options.pingIntervalMs ?? 5000,
      frameMs: options.frameMs ?? 80,
      leadMs: options.leadMs ?? 200,
      metrics,
      log,
      onClosed: (c) => {
        // Its waiting sentences go, and the one in the engine stops: nobody will hear them.
        own.cancel();
        conversations.delete(c);
        onClosed(c);
      },
    };
  };

  const access = options.access ?? {};
  /** Only an allowed page's origin is echoed: never a wildcard. */
  const cors = (req: IncomingMessage, res: ServerResponse): void => {
    const origin = req.headers.origin;
    if (origin && !refuseAccess(req, access)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', 'xi-api-key, content-type');
      res.setHeader('vary', 'Origin');
    }
  };
  const json = (res: ServerResponse, status: number, body: unknown, req?: IncomingMessage): void => {
    if (req) cors(req, res);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const health = (): LocalAgentHealth => ({
    ok: speech !== null,
    service: 'phaser-voice-agents local agent',
    protocol: 'convai',
    conversationPath: CONVERSATION_PATH,
    speech: speech
      ? {
          engine: speech.engine.name,
          thread: speech.thread,
          warm,
          licence: speech.engine.licence,
          ...(speech.fallbackReason ? { fallbackReason: speech.fallbackReason } : {}),
          voices: speech.engine.voices(),
        }
      : null,
    outputFormats: AUDIO_FORMATS,
    defaultOutputFormat: defaultFormat.format,
    inputFormat: 'pcm_16000',
    recognizer: recognizer
      ? { available: true, name: recognizer.name, ...(recognizer.stats ? { load: recognizer.stats() } : {}) }
      : {
          available: false,
          name: null,
          notice: 'asr_unavailable',
          hint: 'Spoken input needs a recognizer: apt-get install pocketsphinx pocketsphinx-en-us. Typed messages always work.',
        },
    brain: llmBrain ? llmBrain.name : localBrain.name,
    npcs: npcs.map((n) => ({ id: n.id, name: n.name, agent_id: n.agent.agent_id || null })),
    sessions: { active: conversations.size, max: limits.maxSessions, queued: admission.queued },
    limits,
  });

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closed) return closeSocket(ws, 1001, 'Local agent shutting down');
      const agentId = url.searchParams.get('agent_id') ?? '';
      const format = parseAudioFormat(url.searchParams.get('output_format')) ?? defaultFormat;
      const npc = findNpc(npcs, agentId) ?? DEFAULT_PERSONA;
      const address = clientAddress(req, options.trustProxy ?? false);
      const refusal = admission.admit(address);
      // At capacity: wait in line (queue_status) instead of being refused, while the line has room.
      const ticket = refusal?.reason === 'capacity' ? admission.enqueue(address) : null;
      let holdsSlot = refusal === null;
      const pending: { initTimer?: ReturnType<typeof setTimeout> } = {};
      const c: Conversation = new Conversation(
        ws,
        runtime(() => {
          clearTimeout(pending.initTimer);
          if (holdsSlot) admission.release(address);
          else ticket?.cancel();
        }),
        conversationId(),
        agentId,
        npc,
        format,
        ticket ? () => ticket.admitted : undefined,
        url.searchParams.get('client_asr') === '1',
      );
      // The slot is this socket's from the moment it is handed over, whether or not the client has
      // sent its initiation yet: a socket that leaves (or times out) in between gives it back.
      void ticket?.admitted.then((ok) => {
        if (!ok) return;
        if (c.closed) admission.release(address);
        else holdsSlot = true;
      });
      if (refusal && !ticket) return c.fail(refusal.code, refusal.errorType, refusal.message);
      conversations.add(c);
      pending.initTimer = setTimeout(() => {
        if (c.awaitingInit)
          c.fail(
            1002,
            'transport_receive_timeout',
            `No conversation_initiation_client_data within ${limits.initTimeoutMs} ms of connecting.`,
          );
      }, limits.initTimeoutMs);
      pending.initTimer.unref?.();
    });
  };

  return {
    ready,
    metrics,
    get sessions() {
      return conversations.size;
    },
    health,
    handleUpgrade(req, socket, head) {
      const url = requestUrl(req);
      if (!url) {
        // `//x:99999` and the like: a request no route can match, refused without touching the process.
        socket.on('error', () => {});
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () =>
          socket.destroy(),
        );
        return true;
      }
      if (url.pathname !== CONVERSATION_PATH) return false;
      const why = refuseAccess(req, access);
      if (why) {
        log(`local agent: refused a connection: ${why}`);
        socket.on('error', () => {});
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () =>
          socket.destroy(),
        );
        return true;
      }
      // Until `ws` takes the socket over (after the agent is ready, which takes seconds at boot), an
      // upgrade socket has no error listener of Node's either: a client reset would crash the process.
      socket.on('error', () => socket.destroy());
      ready.then(
        () => accept(req, socket, head, url),
        () => socket.destroy(),
      );
      return true;
    },
    handleHttp(req, res) {
      const url = requestUrl(req);
      if (!url) {
        json(res, 400, { detail: 'Malformed request URL' });
        return true;
      }
      const ours =
        url.pathname === HEALTH_PATH ||
        SIGNED_URL_PATHS.includes(url.pathname) ||
        url.pathname === CONVERSATION_PATH;
      if (!ours) return false;
      const why = refuseAccess(req, access);
      if (why) {
        json(res, 403, { detail: why });
        return true;
      }
      if (req.method === 'OPTIONS') {
        cors(req, res);
        res.writeHead(204).end();
        return true;
      }
      if (url.pathname === CONVERSATION_PATH) {
        json(res, 426, { detail: 'This endpoint is a WebSocket: connect with ws://' }, req);
      } else if (url.pathname === HEALTH_PATH) {
        json(res, 200, health(), req);
      } else {
        const agentId = url.searchParams.get('agent_id');
        if (!agentId) {
          const detail = [{ loc: ['query', 'agent_id'], msg: 'field required', type: 'value_error.missing' }];
          json(res, 422, { detail }, req);
          return true;
        }
        const proto =
          req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted
            ? 'wss'
            : 'ws';
        const host = req.headers.host ?? 'localhost';
        const signature = randomBytes(18).toString('base64url');
        json(
          res,
          200,
          {
            signed_url: `${proto}://${host}${CONVERSATION_PATH}?agent_id=${encodeURIComponent(agentId)}&conversation_signature=${signature}`,
          },
          req,
        );
      }
      return true;
    },
    setNpcs(next) {
      npcs = next.slice();
      void ready.then(() => warmVoices(npcs)).catch(() => {});
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const c of [...conversations]) c.close(1001, 'Local agent shutting down');
      conversations.clear();
      await new Promise<void>((r) => wss.close(() => r()));
      await ready.catch(() => {});
      speech?.close();
      await recognizer?.close?.();
    },
  };
}
