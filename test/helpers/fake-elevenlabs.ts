/**
 * A stateful stand-in for the ElevenLabs agents and tools REST API on a real port: it keeps the
 * agents and tools it is sent, answers in the service's shapes, and records every request. Request
 * bodies are checked with the official server SDK's own serialization schemas (unknown keys, wrong
 * types and unknown enum values are refused): a body the SDK would not describe is answered 422 and
 * listed in `invalid`, which each test expects to be empty.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sdk from '@elevenlabs/elevenlabs-js/serialization/index.js';

type Obj = Record<string, any>;

export interface RecordedRequest {
  method: string;
  url: string;
  key: string | undefined;
  body: any;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Fault {
  method: string;
  /** The request path must start with this. */
  path: string;
  status: number;
  /** How many matching requests get this answer (default 1). */
  times?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** The body's `detail` (default: one like the service's for that status). */
  detail?: unknown;
  /** Only requests whose body this accepts. */
  when?: (body: any) => boolean;
}

const STRICT = { unrecognizedObjectKeys: 'fail', allowUnrecognizedEnumValues: false } as const;
const SCHEMAS: Record<string, { parse: (raw: unknown, o: typeof STRICT) => any }> = {
  'POST /v1/convai/agents/create': sdk.conversationalAi.BodyCreateAgentV1ConvaiAgentsCreatePost,
  'PATCH agent': sdk.conversationalAi.UpdateAgentRequest,
  'POST /v1/convai/tools': sdk.ToolRequestModel,
  'PATCH tool': sdk.ToolRequestModel,
};

const DEFAULT_DETAIL: Record<number, unknown> = {
  401: { status: 'invalid_api_key', message: 'Invalid API key' },
  404: 'Not found',
  429: { status: 'too_many_concurrent_requests', message: 'Too many requests' },
  500: 'Internal server error',
};

/** Deep merge for PATCH: a null removes the field, lists are replaced whole. */
function merge(into: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete into[k];
    else if (v && typeof v === 'object' && !Array.isArray(v))
      into[k] = merge(into[k] && typeof into[k] === 'object' ? into[k] : {}, v);
    else into[k] = v;
  }
  return into;
}

// What the service reports for settings nobody set, so readers cannot assume "absent" means unset.
const SERVICE_DEFAULTS = () => ({
  agent: { first_message: '', language: 'en', prompt: { llm: 'gemini-2.0-flash', temperature: 0 } },
  tts: { model_id: 'eleven_flash_v2', stability: 0.5, similarity_boost: 0.8, speed: 1 },
});

export async function startFakeElevenLabs() {
  const agents = new Map<string, Obj>();
  const tools = new Map<string, Obj>();
  const requests: RecordedRequest[] = [];
  const invalid: string[] = [];
  const faults: Fault[] = [];
  let next = 0;
  const now = Math.floor(Date.now() / 1000);

  const agentView = (id: string, a: Obj) => ({
    agent_id: id,
    name: a.name ?? '',
    conversation_config: merge(SERVICE_DEFAULTS(), structuredClone(a.conversation_config ?? {})),
    metadata: { created_at_unix_secs: now, updated_at_unix_secs: now },
    platform_settings: a.platform_settings ?? {},
    tags: [],
  });
  const toolView = (id: string, t: Obj) => ({
    id,
    tool_config: t.tool_config,
    access_info: { is_creator: true, creator_name: 'Test', creator_email: 'test@example.com', role: 'admin' },
    usage_stats: { total_calls: 0, avg_latency_secs: 0 },
  });

  function answer(req: IncomingMessage, res: ServerResponse, body: any): [number, unknown] {
    const method = req.method!;
    const path = new URL(req.url!, 'http://x').pathname;
    const fault = faults.find(
      (f) => f.method === method && path.startsWith(f.path) && (f.times ?? 1) > 0 && (f.when?.(body) ?? true),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      return [fault.status, { detail: fault.detail ?? DEFAULT_DETAIL[fault.status] ?? 'refused' }];
    }
    const m = /^\/v1\/convai\/(agents|tools)(?:\/([^/]+))?$/.exec(path);
    if (!m) return [404, { detail: 'Not found' }];
    const [, kind, rawId] = m;
    const id = rawId && decodeURIComponent(rawId);
    const schema =
      SCHEMAS[`${method} ${path}`] ??
      (method === 'PATCH' ? SCHEMAS[`PATCH ${kind!.slice(0, -1)}`] : undefined);
    if (schema) {
      const r = schema.parse(body, STRICT);
      if (!r.ok) {
        const errors = r.errors as { path: string[]; message: string }[];
        invalid.push(...errors.map((e) => `${method} ${path}: ${e.path.join('.')}: ${e.message}`));
        return [422, { detail: errors.map((e) => ({ loc: ['body', ...e.path], msg: e.message })) }];
      }
    }
    if (kind === 'agents') {
      if (method === 'POST' && id === 'create') {
        const agentId = `agent_${++next}`;
        agents.set(agentId, merge({}, body));
        return [200, { agent_id: agentId }];
      }
      const a = id !== undefined ? agents.get(id) : undefined;
      if (!a || id === undefined) return [404, { detail: `Agent ${id} not found` }];
      if (method === 'PATCH') merge(a, body);
      return [200, agentView(id, a)];
    }
    if (method === 'POST' && id === undefined) {
      const toolId = `tool_${++next}`;
      tools.set(toolId, body);
      return [200, toolView(toolId, body)];
    }
    const t = id !== undefined ? tools.get(id) : undefined;
    if (!t || id === undefined) return [404, { detail: `Tool ${id} not found` }];
    if (method === 'PATCH') tools.set(id, body);
    if (method === 'DELETE') {
      tools.delete(id);
      return [204, undefined];
    }
    return [200, toolView(id, tools.get(id)!)];
  }

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        invalid.push(`${req.method} ${req.url}: the body is not JSON`);
      }
      const key = req.headers['xi-api-key'] as string | undefined;
      requests.push({ method: req.method!, url: req.url!, key, body, at: Date.now() });
      const [status, out] = answer(req, res, body);
      res.writeHead(status, out === undefined ? {} : { 'content-type': 'application/json' });
      res.end(out === undefined ? undefined : JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agents,
    tools,
    requests,
    /** Request bodies the SDK's schemas refused, as `METHOD path: field: message`. */
    invalid,
    /** `METHOD path` of every request so far (or from `from` on). */
    calls: (from = 0) => requests.slice(from).map((r) => `${r.method} ${r.url}`),
    /** Answers the next matching request(s) with an error instead. */
    fail: (f: Fault) => void faults.push(f),
    /** What the service answers to GET /v1/convai/agents/{id}. */
    agent: (id: string) => agentView(id, agents.get(id) ?? {}),
    tool: (id: string) => toolView(id, tools.get(id) ?? {}),
    /** Someone edits the agent on the dashboard (merged like a PATCH). */
    dashboardEdit: (id: string, patch: Obj) => void merge(agents.get(id)!, patch),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type FakeElevenLabs = Awaited<ReturnType<typeof startFakeElevenLabs>>;
