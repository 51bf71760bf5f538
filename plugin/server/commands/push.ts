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
 * - An agent edited on the dashboard since the last push is not overwritten (push says which fields;
 *   `pull` brings them in) unless --force.
 * - Nothing changed: nothing is sent. "Changed" is judged against `<dir>/.voice-agents-push.json`,
 *   which records what the last push sent; game-only parts (proximity, bubble, local) never count.
 */
import { formatNpcError } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { commandArgs } from './front.js';
import { createApi, PushApiError, type Api } from '../push/api.js';
import { baseUrlFor, parseTargetArgs, REGIONS } from '../push/args.js';
import {
  agentPayload,
  changedLeaves,
  configuresAgent,
  diffPayloads,
  fileField,
  fileFieldName,
  patchBody,
  payloadHash,
  servicePayload,
} from '../push/payload.js';
import { droppedTools, planTools, sendTools } from '../push/tools.js';
import { writeAgentId } from '../push/file-edit.js';
import { readState, writeState, type PushRecord, type ToolRecord } from '../push/state.js';

export { withAgentId } from '../push/file-edit.js';
export { agentPayload, diffPayloads, payloadHash } from '../push/payload.js';

const USAGE = `usage: voice-agents push [dir] [--dry-run] [--region ${REGIONS} | --base-url URL] [--force]

Creates or updates one ElevenLabs agent per NPC file in dir (default: assets/npcs), with the client
tools each file declares, and writes new agent ids into the files (agent.agent_id). Unchanged NPCs are
not sent; a file that only names an existing agent is left alone.
  --dry-run        show what would be created, changed or removed, send nothing, write nothing
  --region R       the data-residency region of your workspace (default: global)
  --base-url URL   API base URL (default: ELEVENLABS_BASE_URL, else the region's)
  --force          send every NPC even when unchanged, overwriting edits made on the dashboard
Needs ELEVENLABS_API_KEY in the environment or in .env (not for --dry-run). Busy (429) and failing
(5xx) answers are retried, waiting as Retry-After says.
`;

export { PUSH_STATE_FILE } from '../push/state.js';

type Out = (s: string) => void;

/** Thrown when sending would overwrite someone's work; said as `refused`, not `failed`. */
class Refused extends Error {}

/**
 * Fields of the file that were edited on the dashboard since the last push: a PATCH now would
 * overwrite them without anyone having seen them, so push refuses (pull brings them in first).
 */
async function dashboardEdits(
  api: Api,
  agentId: string,
  prev: PushRecord,
  managed: boolean,
): Promise<string[]> {
  if (!prev.service) return [];
  const now = servicePayload(await api.request('GET', `/v1/convai/agents/${encodeURIComponent(agentId)}`), {
    name: managed,
  });
  return changedLeaves(prev.service, now).flatMap(([leaf]) => fileField(leaf)?.join('.') ?? []);
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('push', argv, USAGE, parseTargetArgs);
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
  const baseUrl = baseUrlFor(args);
  const api = args.dryRun ? null : createApi({ baseUrl, apiKey: key!, fieldName: fileFieldName });
  const redact = (s: string) => (key ? s.split(key).join('[redacted]') : s);
  const saveState = () => writeState(args.dir, state);
  let failures = 0;
  let sent = 0;
  let unchanged = 0;

  // Which service (region) this goes to is worth seeing before anything is sent.
  out(args.dryRun ? `dry run: nothing is sent to ${baseUrl}, nothing is written` : `pushing to ${baseUrl}`);
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
    const toolRecords: Record<string, ToolRecord> = {};
    const toolLines: string[] = [];
    try {
      const plan = planTools(npc, prev, args.force);
      const dropped = droppedTools(prev, npc);
      // The agent with the tool ids it will have: a new tool gets a new id, so it counts as a change.
      const guess = agentPayload(npc, {
        name: managed,
        toolIds: plan.map((t) => t.known?.id ?? `(new ${t.name})`),
      });
      const agentSame =
        action === 'update' && prev !== undefined && prev.hash === payloadHash(guess) && !args.force;
      if (agentSame && dropped.length === 0 && !plan.some((t) => t.send)) {
        out(`unchanged ${label}`);
        unchanged++;
        continue;
      }
      // Only a PATCH of the agent can overwrite its dashboard edits; its tools are separate objects.
      if (api && action === 'update' && prev && !agentSame && !args.force) {
        const edited = await dashboardEdits(api, fileId, prev, managed);
        if (edited.length > 0)
          throw new Refused(
            `the agent was edited on the dashboard since the last push (${edited.join(', ')}); pull first to keep those edits, or push --force to overwrite them`,
          );
      }
      await sendTools(plan, api, toolRecords, (l) => toolLines.push(l));
      const payload = agentPayload(npc, {
        name: managed,
        toolIds: Object.values(toolRecords).map((t) => t.id),
      });
      const hash = payloadHash(payload);
      // Said in the file's own field names (agent.prompt.temperature), which the designer knows.
      const diff = agentSame ? [] : diffPayloads(prev?.payload, payload, fileFieldName);
      const changes = toolLines.length + diff.length + dropped.length;
      if (!api) {
        out(
          `${action === 'create' ? 'would create' : 'would update'} ${label}${fileId ? ` (${fileId})` : ''}`,
        );
        if (action === 'update' && !prev) out('    (no earlier push recorded: every field is sent)');
        for (const line of [...toolLines, ...diff]) out(`    ${line}`);
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
      } else if (!agentSame) {
        await api.request(
          'PATCH',
          `/v1/convai/agents/${encodeURIComponent(fileId)}`,
          patchBody(prev?.payload, payload),
        );
      }
      const deleted: string[] = [];
      for (const [name, t] of dropped) {
        try {
          await api.request('DELETE', `/v1/convai/tools/${encodeURIComponent(t.id)}`);
          deleted.push(`- tool ${name} (${t.id}) deleted`);
        } catch (err) {
          // Already gone is fine; anything else is said, and the agent no longer uses it anyway.
          if (!(err instanceof PushApiError && err.kind === 'not_found'))
            deleted.push(
              `note: tool ${name} (${t.id}) could not be deleted: ${redact((err as Error).message)}`,
            );
        }
      }
      sent++;
      // What the service now holds, so `pull` can later tell dashboard edits from this push.
      const live = agentSame
        ? prev.service
        : await api
            .request('GET', `/v1/convai/agents/${encodeURIComponent(agentId)}`)
            .then((a) => servicePayload(a, { name: managed }))
            .catch(() => undefined);
      state[npc.id] = {
        agent_id: agentId,
        hash,
        payload,
        managed,
        tools: toolRecords,
        ...(live ? { service: live } : {}),
      };
      // Saved after every NPC, so a failure half-way does not resend what already went through.
      await saveState();
      out(
        action === 'create'
          ? `created   ${label} → ${agentId} (written to ${f.file})`
          : `updated   ${label} (${changes} ${changes === 1 ? 'change' : 'changes'})`,
      );
      // A new agent's every field is news to no one; its tools' ids are worth seeing.
      const said = action === 'create' ? [...toolLines, ...deleted] : [...toolLines, ...diff, ...deleted];
      for (const line of said) out(`    ${line}`);
    } catch (err) {
      failures++;
      // Tools made before the failure are kept, so the next push reuses them instead of making
      // duplicates; the agent itself is still sent again (its hash is not recorded).
      if (Object.keys(toolRecords).length > 0 && api) {
        state[npc.id] = {
          ...(prev ?? { agent_id: fileId, hash: '', payload: {} }),
          tools: { ...prev?.tools, ...toolRecords },
        };
        await saveState();
      }
      const what =
        err instanceof PushApiError && err.kind === 'not_found' && action === 'update'
          ? `agent ${fileId} was not found in this workspace${args.region ? ` (region ${args.region})` : ''}; check agent.agent_id or --region`
          : err instanceof Error
            ? err.message
            : String(err);
      process.stderr.write(
        `${err instanceof Refused ? 'refused  ' : 'failed   '} ${label}: ${redact(what)}\n`,
      );
      // A refused key fails every NPC the same way: say it once and stop.
      if (err instanceof PushApiError && err.kind === 'auth') {
        process.stderr.write('stopped: every other NPC would be refused the same way\n');
        break;
      }
    }
  }
  if (!args.dryRun) out(`\n${sent} sent, ${unchanged} unchanged, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}
