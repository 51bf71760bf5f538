/**
 * `voice-agents push [dir] [--dry-run] [--base-url URL] [--force]`: one ElevenLabs agent per NPC file.
 *
 * - No `agent.agent_id` in the file: POST /v1/convai/agents/create, then the new id is written into
 *   the file (agent.agent_id, comments and layout kept) where the game and the broker find it.
 * - An id and a change since the last push: PATCH /v1/convai/agents/{id}.
 * - Nothing changed: nothing is sent. "Changed" means the agent payload's hash differs from the one
 *   recorded in `<dir>/.voice-agents-push.json`; edits to game-only parts (proximity, bubble, local)
 *   do not count. The record also holds the last payload, which is what `--dry-run` diffs against.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { compileNpcFile, formatNpcError, type NpcDefinition } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { DEFAULT_BASE_URL } from '../broker/broker.js';
import { commandArgs } from './front.js';

const USAGE = `usage: voice-agents push [dir] [--dry-run] [--base-url URL] [--force]

Creates or updates one ElevenLabs agent per NPC file in dir (default: assets/npcs) and writes new
agent ids into the files (agent.agent_id). Unchanged NPCs are not sent.
  --dry-run        show what would be created or changed, send nothing, write nothing
  --base-url URL   API base URL (default: ELEVENLABS_BASE_URL or ${DEFAULT_BASE_URL})
  --force          send every NPC even when unchanged
Needs ELEVENLABS_API_KEY in the environment or in .env (not for --dry-run).
`;

export const PUSH_STATE_FILE = '.voice-agents-push.json';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
interface PushRecord {
  agent_id: string;
  hash: string;
  payload: Json;
}
type PushState = Record<string, PushRecord>;

/** Drops undefined fields and empty groups so the payload only says what the file says. */
function prune(v: unknown): Json | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => prune(x) ?? null);
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return v as Json;
}

/**
 * NPC file → ElevenLabs agent create/update body. Only the fields the seed's agent configuration
 * names; `voice_settings.style` has no place in an agent's TTS config, so it is left out (reported).
 */
export function agentPayload(npc: NpcDefinition): Json {
  const a = npc.agent;
  const vs = a.voice?.voice_settings;
  const dyn =
    a.dynamic_variables && Object.keys(a.dynamic_variables).length > 0 ? a.dynamic_variables : undefined;
  return (
    prune({
      name: npc.name,
      conversation_config: {
        agent: {
          first_message: a.first_message,
          language: a.language,
          prompt: {
            prompt: a.prompt?.text,
            temperature: a.prompt?.temperature,
            max_tokens: a.prompt?.max_tokens,
          },
          dynamic_variables: dyn ? { dynamic_variable_placeholders: dyn } : undefined,
        },
        tts: {
          voice_id: a.voice?.voice_id,
          model_id: a.voice?.model_id,
          stability: vs?.stability,
          similarity_boost: vs?.similarity_boost,
          speed: vs?.speed,
        },
        asr: a.asr?.keywords?.length ? { keywords: a.asr.keywords } : undefined,
      },
    }) ?? {}
  );
}

function stableStringify(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k]!)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function payloadHash(p: Json): string {
  return createHash('sha256').update(stableStringify(p)).digest('hex');
}

function flatten(v: Json | undefined, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix, JSON.stringify(v));
  return out;
}

const short = (s: string) => (s.length > 72 ? `${s.slice(0, 69)}...` : s);

/** Field-level diff lines: `+ added`, `- removed`, `~ changed: old → new`. */
export function diffPayloads(before: Json | undefined, after: Json): string[] {
  const a = flatten(before);
  const b = flatten(after);
  const lines: string[] = [];
  for (const [k, v] of b) {
    if (!a.has(k)) lines.push(`+ ${k}: ${short(v)}`);
    else if (a.get(k) !== v) lines.push(`~ ${k}: ${short(a.get(k)!)} → ${short(v)}`);
  }
  for (const [k, v] of a) if (!b.has(k)) lines.push(`- ${k}: ${short(v)}`);
  return lines;
}

function parseArgs(
  argv: string[],
): { dir: string; dryRun: boolean; force: boolean; baseUrl?: string } | string {
  let dir: string | undefined;
  let dryRun = false;
  let force = false;
  let baseUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--force') force = true;
    else if (a === '--base-url') baseUrl = argv[++i];
    else if (a.startsWith('--base-url=')) baseUrl = a.slice('--base-url='.length);
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (dir === undefined) dir = a;
    else return `unexpected ${a}`;
  }
  if (baseUrl !== undefined && !/^https?:\/\//.test(baseUrl)) return '--base-url needs an http(s) URL';
  return { dir: dir ?? 'assets/npcs', dryRun, force, baseUrl };
}

async function readState(dir: string): Promise<PushState> {
  try {
    return JSON.parse(await readFile(join(dir, PUSH_STATE_FILE), 'utf8')) as PushState;
  } catch {
    return {};
  }
}

/**
 * The file with agent.agent_id set, changing only that value's text (or adding one line) so the
 * designer's comments, quoting and layout stay exactly as they were. Falls back to re-printing the
 * document through the yaml Document API (comments kept, spacing normalised) for unusual layouts.
 */
export function withAgentId(source: string, agentId: string): string {
  const doc = parseDocument(source);
  const agent = doc.get('agent', true);
  if (isMap(agent) && !agent.flow) {
    const pair = agent.items.find((p) => isScalar(p.key) && p.key.value === 'agent_id');
    if (pair && isScalar(pair.value) && pair.value.range) {
      const [start, end] = pair.value.range;
      const q = source[start] === "'" || source[start] === '"' ? source[start] : '';
      return source.slice(0, start) + q + agentId + q + source.slice(end);
    }
    // Add the line right under `agent:`, indented like the group's first key.
    const firstKey = agent.items[0]?.key;
    const agentKey = isMap(doc.contents)
      ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'agent')?.key
      : undefined;
    if (!pair && isScalar(firstKey) && firstKey.range && isScalar(agentKey) && agentKey.range) {
      const keyLineStart = source.lastIndexOf('\n', firstKey.range[0] - 1) + 1;
      const indent = source.slice(keyLineStart, firstKey.range[0]);
      const at = source.indexOf('\n', agentKey.range[1]) + 1;
      if (/^ +$/.test(indent) && at > 0 && at <= keyLineStart)
        return `${source.slice(0, at)}${indent}agent_id: ${agentId}\n${source.slice(at)}`;
    }
  }
  doc.setIn(['agent', 'agent_id'], agentId);
  return doc.toString({ lineWidth: 0 });
}

/** Writes agent.agent_id into the NPC file and checks the result still compiles to that id. */
async function writeAgentId(path: string, file: string, agentId: string): Promise<void> {
  const next = withAgentId(await readFile(path, 'utf8'), agentId);
  const check = compileNpcFile(next, file);
  if (!check.ok || check.npc.agent.agent_id !== agentId)
    throw new Error(
      `could not write agent.agent_id into ${file}; add "agent_id: ${agentId}" under agent: by hand`,
    );
  await writeFile(path, next);
}

async function apiError(res: Response, key: string): Promise<string> {
  let detail = '';
  try {
    const body = (await res.json()) as { detail?: unknown };
    const d = body.detail;
    detail = typeof d === 'string' ? d : d && typeof d === 'object' ? JSON.stringify(d) : '';
  } catch {
    detail = '';
  }
  const text = `HTTP ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`;
  return text.split(key).join('[redacted]');
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('push', argv, USAGE, parseArgs);
  if ('exit' in front) return front.exit;
  const { args } = front;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const res = await loadNpcDir(args.dir);
  if (res.errors.length > 0) {
    for (const e of res.errors) process.stderr.write(`${formatNpcError(e)}\n`);
    process.stderr.write(
      `\nnothing pushed: fix the ${res.errors.length} error(s) above first (voice-agents validate)\n`,
    );
    return 1;
  }
  if (res.files.length === 0) {
    process.stderr.write(`no NPC files (*.npc.yaml) found in ${args.dir}\n`);
    return 1;
  }
  const state = await readState(args.dir);
  const key = envValue('ELEVENLABS_API_KEY');
  if (!args.dryRun && !key) {
    process.stderr.write(
      'voice-agents push: ELEVENLABS_API_KEY is not set (put it in .env or the environment)\n',
    );
    return 1;
  }
  const baseUrl = (args.baseUrl ?? envValue('ELEVENLABS_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  let failures = 0;
  let sent = 0;

  const styled = res.npcs.filter((n) => n.agent.voice?.voice_settings?.style !== undefined).map((n) => n.id);
  if (styled.length > 0)
    out(
      `note: voice_settings.style (${styled.join(', ')}) is not part of an agent's voice settings; it is not pushed`,
    );

  for (const f of res.files) {
    const npc = f.npc!;
    const payload = agentPayload(npc);
    const hash = payloadHash(payload);
    const fileId = (npc.agent.agent_id ?? '').trim();
    const prev = state[npc.id];
    const same = prev && prev.agent_id === fileId && prev.hash === hash;
    const label = `${npc.id.padEnd(12)} ${npc.name}`;

    if (fileId !== '' && same && !args.force) {
      out(`unchanged ${label}`);
      continue;
    }
    const action = fileId === '' ? 'create' : 'update';
    const diff = diffPayloads(prev?.agent_id === fileId ? prev.payload : undefined, payload);
    if (args.dryRun) {
      out(`${action === 'create' ? 'would create' : 'would update'} ${label}${fileId ? ` (${fileId})` : ''}`);
      if (action === 'update' && prev?.agent_id !== fileId)
        out('    (no earlier push recorded: every field is sent)');
      for (const line of diff) out(`    ${line}`);
      continue;
    }
    try {
      const url =
        action === 'create'
          ? `${baseUrl}/v1/convai/agents/create`
          : `${baseUrl}/v1/convai/agents/${encodeURIComponent(fileId)}`;
      const r = await fetch(url, {
        method: action === 'create' ? 'POST' : 'PATCH',
        headers: { 'xi-api-key': key!, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(30_000),
      });
      if (!r.ok) throw new Error(await apiError(r, key!));
      sent++;
      let agentId = fileId;
      if (action === 'create') {
        const body = (await r.json().catch(() => ({}))) as { agent_id?: unknown };
        if (typeof body.agent_id !== 'string' || body.agent_id === '')
          throw new Error('the service created the agent but sent no agent_id');
        agentId = body.agent_id;
        await writeAgentId(f.path, f.file, agentId);
      } else {
        await r.body?.cancel().catch(() => undefined);
      }
      state[npc.id] = { agent_id: agentId, hash, payload };
      // Saved after every NPC, so a failure half-way does not resend what already went through.
      await writeFile(join(args.dir, PUSH_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
      out(
        action === 'create'
          ? `created   ${label} → ${agentId} (written to ${f.file})`
          : `updated   ${label} (${diff.length} ${diff.length === 1 ? 'change' : 'changes'})`,
      );
    } catch (err) {
      failures++;
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`failed    ${label}: ${key ? msg.split(key).join('[redacted]') : msg}\n`);
    }
  }
  if (!args.dryRun)
    out(`\n${sent} sent, ${res.files.length - sent - failures} unchanged, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}
