/**
 * `voice-agents push [dir] [--dry-run] [--region R | --base-url URL] [--force]`: one ElevenLabs agent
 * per NPC file, with its client tools.
 *
 * - Tools (`agent.tools`) become workspace client tools (POST/PATCH /v1/convai/tools), referenced by
 *   the agent's `prompt.tool_ids`; a tool removed from the file is deleted after the agent stops
 *   using it.
 * - No `agent.agent_id` in the file: POST /v1/convai/agents/create, then the new id is written into
 *   the file (comments, layout and line endings kept).
 * - An id and a change since the last push: PATCH /v1/convai/agents/{id}, with an explicit null for
 *   every setting deleted from the file (the API keeps what a PATCH leaves out).
 * - A file that only names an existing agent (no configuration of its own) is linked, not managed:
 *   nothing is sent, and the agent is never renamed.
 * - Nothing changed: nothing is sent. "Changed" is judged against `<dir>/.voice-agents-push.json`,
 *   which records what the last push sent; game-only parts (proximity, bubble, local) never count.
 */
import { formatNpcError, type NpcDefinition } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { commandArgs } from './front.js';
import { createApi, PushApiError, REGION_API, type Api } from '../push/api.js';
import {
  agentPayload,
  configuresAgent,
  diffPayloads,
  patchBody,
  payloadHash,
  servicePayload,
  toolBody,
} from '../push/payload.js';
import { writeAgentId } from '../push/file-edit.js';
import { readState, writeState, type PushRecord, type ToolRecord } from '../push/state.js';

export { withAgentId } from '../push/file-edit.js';
export { agentPayload, diffPayloads, payloadHash } from '../push/payload.js';

const REGIONS = Object.keys(REGION_API).join('|');

const USAGE = `usage: voice-agents push [dir] [--dry-run] [--region ${REGIONS} | --base-url URL] [--force]

Creates or updates one ElevenLabs agent per NPC file in dir (default: assets/npcs), with the client
tools each file declares, and writes new agent ids into the files (agent.agent_id). Unchanged NPCs are
not sent; a file that only names an existing agent is left alone.
  --dry-run        show what would be created, changed or removed, send nothing, write nothing
  --region R       the data-residency region of your workspace (default: global)
  --base-url URL   API base URL (default: ELEVENLABS_BASE_URL, else the region's)
  --force          send every NPC even when unchanged
Needs ELEVENLABS_API_KEY in the environment or in .env (not for --dry-run). Busy (429) and failing
(5xx) answers are retried with backoff.
`;

export { PUSH_STATE_FILE } from '../push/state.js';

interface Args {
  dir: string;
  dryRun: boolean;
  force: boolean;
  baseUrl?: string;
  region?: string;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { dir: '', dryRun: false, force: false };
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--dry-run') a.dryRun = true;
    else if (x === '--force') a.force = true;
    else if (x === '--base-url') a.baseUrl = argv[++i];
    else if (x.startsWith('--base-url=')) a.baseUrl = x.slice('--base-url='.length);
    else if (x === '--region') a.region = argv[++i];
    else if (x.startsWith('--region=')) a.region = x.slice('--region='.length);
    else if (x.startsWith('-')) return `unknown option ${x}`;
    else if (dir === undefined) dir = x;
    else return `unexpected ${x}`;
  }
  if (a.baseUrl !== undefined && !/^https?:\/\//.test(a.baseUrl)) return '--base-url needs an http(s) URL';
  if (a.region !== undefined && !(a.region in REGION_API)) return `--region must be one of ${REGIONS}`;
  if (a.region !== undefined && a.baseUrl !== undefined) return 'give --region or --base-url, not both';
  a.dir = dir ?? 'assets/npcs';
  return a;
}

type Out = (s: string) => void;

/**
 * The NPC's tools on the service: created or updated where the file changed them. Returns the
 * tool ids (by tool name) and the records to keep; in a dry run only says what it would do.
 */
async function pushTools(
  npc: NpcDefinition,
  prev: PushRecord | undefined,
  api: Api | null,
  force: boolean,
  say: Out,
): Promise<{ ids: string[]; records: Record<string, ToolRecord> }> {
  const records: Record<string, ToolRecord> = {};
  const tools = [...(npc.agent.tools ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  for (const tool of tools) {
    const body = toolBody(tool);
    const hash = payloadHash(body);
    const known = prev?.tools?.[tool.name];
    if (known && known.hash === hash && !force) {
      records[tool.name] = known;
      continue;
    }
    if (!api) {
      say(`    ${known ? '~' : '+'} tool ${tool.name}`);
      records[tool.name] = known ?? { id: `(new ${tool.name})`, hash };
      continue;
    }
    if (known) {
      await api.request('PATCH', `/v1/convai/tools/${encodeURIComponent(known.id)}`, body);
      records[tool.name] = { id: known.id, hash };
    } else {
      const r = await api.request<{ id?: unknown }>('POST', '/v1/convai/tools', body);
      if (typeof r.id !== 'string' || r.id === '')
        throw new Error(`the service created tool ${tool.name} but sent no id`);
      records[tool.name] = { id: r.id, hash };
    }
  }
  return { ids: Object.values(records).map((r) => r.id), records };
}

/** Tools the last push made that the file no longer declares: deleted once the agent is updated. */
function droppedTools(prev: PushRecord | undefined, npc: NpcDefinition): [string, ToolRecord][] {
  const names = new Set((npc.agent.tools ?? []).map((t) => t.name));
  return Object.entries(prev?.tools ?? {}).filter(([name]) => !names.has(name));
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('push', argv, USAGE, parseArgs);
  if ('exit' in front) return front.exit;
  const { args } = front;
  const out: Out = (s) => process.stdout.write(`${s}\n`);
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
  const baseUrl =
    args.baseUrl ??
    (args.region ? REGION_API[args.region]! : (envValue('ELEVENLABS_BASE_URL') ?? REGION_API.global!));
  const api = args.dryRun ? null : createApi({ baseUrl, apiKey: key! });
  const redact = (s: string) => (key ? s.split(key).join('[redacted]') : s);
  const saveState = () => writeState(args.dir, state);
  let failures = 0;
  let sent = 0;
  let unchanged = 0;

  const styled = res.npcs.filter((n) => n.agent.voice?.voice_settings?.style !== undefined).map((n) => n.id);
  if (styled.length > 0)
    out(
      `note: voice_settings.style (${styled.join(', ')}) is not part of an agent's voice settings; it is not pushed`,
    );

  for (const f of res.files) {
    const npc = f.npc!;
    const fileId = (npc.agent.agent_id ?? '').trim();
    const label = `${npc.id.padEnd(12)} ${npc.name}`;
    if (fileId !== '' && !configuresAgent(npc)) {
      out(`linked    ${label} (${fileId}): the file only names the agent; nothing to push`);
      unchanged++;
      continue;
    }
    const prev = state[npc.id]?.agent_id === fileId || fileId === '' ? state[npc.id] : undefined;
    const action = fileId === '' ? 'create' : 'update';
    const managed = action === 'create' || prev?.managed === true;
    try {
      const lines: string[] = [];
      const tools = await pushTools(npc, prev, api, args.force, (l) => lines.push(l));
      const payload = agentPayload(npc, { name: managed, toolIds: tools.ids });
      const hash = payloadHash(payload);
      const dropped = droppedTools(prev, npc);
      if (action === 'update' && prev && prev.hash === hash && dropped.length === 0 && !args.force) {
        out(`unchanged ${label}`);
        unchanged++;
        continue;
      }
      const diff = diffPayloads(prev?.payload, payload);
      if (!api) {
        out(
          `${action === 'create' ? 'would create' : 'would update'} ${label}${fileId ? ` (${fileId})` : ''}`,
        );
        if (action === 'update' && !prev) out('    (no earlier push recorded: every field is sent)');
        for (const line of [...lines, ...diff]) out(`    ${line.trimStart()}`);
        for (const [name] of dropped) out(`    - tool ${name} (deleted)`);
        continue;
      }
      let agentId = fileId;
      if (action === 'create') {
        const r = await api.request<{ agent_id?: unknown }>('POST', '/v1/convai/agents/create', payload);
        if (typeof r.agent_id !== 'string' || r.agent_id === '')
          throw new Error('the service created the agent but sent no agent_id');
        agentId = r.agent_id;
        await writeAgentId(f.path, f.file, agentId);
      } else {
        await api.request(
          'PATCH',
          `/v1/convai/agents/${encodeURIComponent(fileId)}`,
          patchBody(prev?.payload, payload),
        );
      }
      for (const [name, t] of dropped) {
        try {
          await api.request('DELETE', `/v1/convai/tools/${encodeURIComponent(t.id)}`);
        } catch (err) {
          // Already gone is fine; anything else is said, and the agent no longer uses it anyway.
          if (!(err instanceof PushApiError && err.kind === 'not_found'))
            out(`note: tool ${name} (${t.id}) could not be deleted: ${redact((err as Error).message)}`);
        }
      }
      sent++;
      // What the service now holds, so `pull` can later tell dashboard edits from this push.
      const live = await api
        .request('GET', `/v1/convai/agents/${encodeURIComponent(agentId)}`)
        .then((a) => servicePayload(a, { name: managed }))
        .catch(() => undefined);
      state[npc.id] = {
        agent_id: agentId,
        hash,
        payload,
        managed,
        tools: tools.records,
        ...(live ? { service: live } : {}),
      };
      // Saved after every NPC, so a failure half-way does not resend what already went through.
      await saveState();
      out(
        action === 'create'
          ? `created   ${label} → ${agentId} (written to ${f.file})`
          : `updated   ${label} (${diff.length + dropped.length} ${diff.length + dropped.length === 1 ? 'change' : 'changes'})`,
      );
    } catch (err) {
      failures++;
      const what =
        err instanceof PushApiError && err.kind === 'not_found' && action === 'update'
          ? `agent ${fileId} was not found in this workspace${args.region ? ` (region ${args.region})` : ''}; check agent.agent_id or --region`
          : err instanceof Error
            ? err.message
            : String(err);
      process.stderr.write(`failed    ${label}: ${redact(what)}\n`);
    }
  }
  if (!args.dryRun) out(`\n${sent} sent, ${unchanged} unchanged, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}
