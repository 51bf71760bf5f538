/**
 * NPC file → the bodies of the agents and tools API, and what changed since the last push.
 * Field names follow the API's snake_case JSON (the official SDK's serialization schemas, which
 * the tests validate every body with).
 */
import { createHash } from 'node:crypto';
import type { NpcClientTool, NpcDefinition } from '../../npc/index.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

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

/** The file says something about the agent itself (not only which existing agent to use). */
export function configuresAgent(npc: NpcDefinition): boolean {
  const { agent_id: _id, ...rest } = npc.agent;
  return prune(rest) !== undefined;
}

/**
 * The agent's configuration from the file. `name` only when the push manages the agent (it created
 * it): an NPC file that names someone else's agent must never rename it. `toolIds`: the workspace
 * tools made from the file's `agent.tools`, sorted by tool name so the payload is stable.
 * `voice_settings.style` has no place in an agent's TTS config and is left out (reported).
 */
export function agentPayload(npc: NpcDefinition, opts: { name: boolean; toolIds?: string[] }): Json {
  const a = npc.agent;
  const vs = a.voice?.voice_settings;
  const dyn =
    a.dynamic_variables && Object.keys(a.dynamic_variables).length > 0 ? a.dynamic_variables : undefined;
  return (
    prune({
      name: opts.name ? npc.name : undefined,
      conversation_config: {
        agent: {
          first_message: a.first_message,
          language: a.language,
          prompt: {
            prompt: a.prompt?.text,
            llm: a.prompt?.llm,
            temperature: a.prompt?.temperature,
            max_tokens: a.prompt?.max_tokens,
            tool_ids: opts.toolIds?.length ? opts.toolIds : undefined,
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

/** A client tool as the tools API takes it (`POST /v1/convai/tools`, `PATCH /v1/convai/tools/{id}`). */
export function toolBody(tool: NpcClientTool): Json {
  return (
    prune({
      tool_config: {
        type: 'client',
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        expects_response: tool.expects_response,
        response_timeout_secs: tool.response_timeout_secs,
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

const isGroup = (v: Json | undefined): v is { [k: string]: Json } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The PATCH body: the new payload, plus an explicit `null` for every setting the last push sent that
 * the file no longer has (the API keeps a field a PATCH leaves out). Lists are replaced whole. A group
 * the file dropped (all of `agent.voice`) clears the settings in it that were sent, not the whole
 * group: `tts: null` would wipe what the file never managed (the output format, the model), or be refused.
 */
export function patchBody(before: Json | undefined, after: Json): Json {
  if (!isGroup(before) || !isGroup(after)) return after;
  const out: { [k: string]: Json } = { ...after };
  for (const [k, was] of Object.entries(before)) {
    if (!(k in after)) out[k] = cleared(was);
    else if (isGroup(was) && isGroup(after[k])) out[k] = patchBody(was, after[k]);
  }
  return out;
}

/** `was` with every setting in it null and its groups kept. */
function cleared(was: Json): Json {
  if (!isGroup(was)) return null;
  return Object.fromEntries(Object.entries(was).map(([k, v]) => [k, cleared(v)]));
}

function flatten(v: Json | undefined, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (isGroup(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix, JSON.stringify(v));
  return out;
}

const short = (s: string) => (s.length > 72 ? `${s.slice(0, 69)}...` : s);

/**
 * Field-level diff lines: `+ added`, `- removed: old → null`, `~ changed: old → new`; `name` says a
 * field the way the reader knows it.
 */
export function diffPayloads(before: Json | undefined, after: Json, name = (k: string) => k): string[] {
  const a = flatten(before);
  const b = flatten(after);
  const lines: string[] = [];
  for (const [k, v] of b) {
    if (!a.has(k)) lines.push(`+ ${name(k)}: ${short(v)}`);
    else if (a.get(k) !== v) lines.push(`~ ${name(k)}: ${short(a.get(k)!)} → ${short(v)}`);
  }
  for (const [k, v] of a) if (!b.has(k)) lines.push(`- ${name(k)}: ${short(v)} → null`);
  return lines;
}

type Loose = Record<string, any>;

/** Drops nulls too: the service reports unset fields as null. */
function pruneNulls(v: unknown): Json | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.length ? (v.map((x) => pruneNulls(x) ?? null) as Json) : undefined;
  if (v !== null && typeof v === 'object')
    return prune(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pruneNulls(x)])));
  return prune(v);
}

/**
 * An agent as `GET /v1/convai/agents/{id}` returns it, cut to the fields `agentPayload` sends, in the
 * same shape: what the service holds of what the NPC file says.
 */
export function servicePayload(agent: unknown, opts: { name: boolean }): Json {
  const g = (agent ?? {}) as Loose;
  const cc = (g.conversation_config ?? {}) as Loose;
  const a = (cc.agent ?? {}) as Loose;
  const p = (a.prompt ?? {}) as Loose;
  const t = (cc.tts ?? {}) as Loose;
  return (
    pruneNulls({
      name: opts.name ? g.name : undefined,
      conversation_config: {
        agent: {
          first_message: a.first_message,
          language: a.language,
          prompt: {
            prompt: p.prompt,
            llm: p.llm,
            temperature: p.temperature,
            max_tokens: p.max_tokens,
            tool_ids: p.tool_ids,
          },
          dynamic_variables: {
            dynamic_variable_placeholders: a.dynamic_variables?.dynamic_variable_placeholders,
          },
        },
        tts: {
          voice_id: t.voice_id,
          model_id: t.model_id,
          stability: t.stability,
          similarity_boost: t.similarity_boost,
          speed: t.speed,
        },
        asr: { keywords: (cc.asr as Loose | undefined)?.keywords },
      },
    }) ?? {}
  );
}

/** Payload leaf (dotted) → where it lives in the NPC file. Tool ids are not file content. */
const FILE_FIELDS: Record<string, string[]> = {
  name: ['name'],
  'conversation_config.agent.first_message': ['agent', 'first_message'],
  'conversation_config.agent.language': ['agent', 'language'],
  'conversation_config.agent.prompt.prompt': ['agent', 'prompt', 'text'],
  'conversation_config.agent.prompt.llm': ['agent', 'prompt', 'llm'],
  'conversation_config.agent.prompt.temperature': ['agent', 'prompt', 'temperature'],
  'conversation_config.agent.prompt.max_tokens': ['agent', 'prompt', 'max_tokens'],
  'conversation_config.tts.voice_id': ['agent', 'voice', 'voice_id'],
  'conversation_config.tts.model_id': ['agent', 'voice', 'model_id'],
  'conversation_config.tts.stability': ['agent', 'voice', 'voice_settings', 'stability'],
  'conversation_config.tts.similarity_boost': ['agent', 'voice', 'voice_settings', 'similarity_boost'],
  'conversation_config.tts.speed': ['agent', 'voice', 'voice_settings', 'speed'],
  'conversation_config.asr.keywords': ['agent', 'asr', 'keywords'],
};
const VARIABLES = 'conversation_config.agent.dynamic_variables.dynamic_variable_placeholders.';

/** Where a payload leaf lives in the NPC file (`['agent', 'prompt', 'text']`), or null. */
export function fileField(leaf: string): string[] | null {
  if (leaf.startsWith(VARIABLES)) return ['agent', 'dynamic_variables', leaf.slice(VARIABLES.length)];
  return Object.hasOwn(FILE_FIELDS, leaf) ? FILE_FIELDS[leaf]! : null;
}

/** An API field path as the NPC file names it (`agent.voice.voice_id`), else unchanged. */
export function fileFieldName(apiPath: string): string {
  return fileField(apiPath)?.join('.') ?? apiPath;
}

/** A payload with some leaves set (undefined: removed), e.g. the dashboard's edits applied. */
export function applyLeaves(p: Json | undefined, leaves: [string, Json | undefined][]): Json {
  const out = structuredClone(isGroup(p) ? p : {});
  for (const [leaf, v] of leaves) {
    const keys = leaf.split('.');
    let at: { [k: string]: Json } = out;
    for (const k of keys.slice(0, -1)) {
      if (!isGroup(at[k])) at[k] = {};
      at = at[k] as { [k: string]: Json };
    }
    if (v === undefined) delete at[keys.at(-1)!];
    else at[keys.at(-1)!] = v;
  }
  return prune(out) ?? {};
}

/** Leaf paths (dotted) whose values differ between two payloads, with the new value (undefined: gone). */
export function changedLeaves(before: Json | undefined, after: Json): [string, Json | undefined][] {
  const a = flatten(before);
  const b = flatten(after);
  const out: [string, Json | undefined][] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push([k, JSON.parse(v) as Json]);
  for (const k of a.keys()) if (!b.has(k)) out.push([k, undefined]);
  return out;
}
