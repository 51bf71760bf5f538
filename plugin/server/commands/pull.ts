/**
 * `voice-agents pull [dir] [--dry-run] [--force] [--region R | --base-url URL]`: dashboard edits back
 * into the NPC files.
 *
 * For each NPC pushed before, the agent is read from the service and compared with what the service
 * held right after that push: what changed since was edited on the dashboard. Those fields are
 * written into the file (only fields the file format has; comments, layout, block text style and
 * line endings kept), shown as a line diff first; --dry-run only shows it. A file with local edits
 * that were never pushed is left alone unless --force, so neither side's work is lost silently.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { compileNpcFile, formatNpcError } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { commandArgs } from './front.js';
import { createApi, PushApiError } from '../push/api.js';
import { baseUrlFor, parseTargetArgs, REGIONS } from '../push/args.js';
import {
  agentPayload,
  applyLeaves,
  changedLeaves,
  fileField,
  fileFieldName,
  payloadHash,
  servicePayload,
  type Json,
} from '../push/payload.js';
import { withFields } from '../push/file-edit.js';
import { readState, writeState } from '../push/state.js';

const USAGE = `usage: voice-agents pull [dir] [--dry-run] [--force] [--region ${REGIONS} | --base-url URL]

Reads each pushed agent from ElevenLabs and writes what was changed on the dashboard since the last
push back into its NPC file in dir (default: assets/npcs), keeping comments and layout.
  --dry-run        show the changes, write nothing
  --force          also overwrite local edits that were never pushed
  --region R       the data-residency region of your workspace (default: global)
  --base-url URL   API base URL (default: ELEVENLABS_BASE_URL, else the region's)
Needs ELEVENLABS_API_KEY in the environment or in .env.
`;

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('pull', argv, USAGE, parseTargetArgs);
  if ('exit' in front) return front.exit;
  const { args } = front;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const key = envValue('ELEVENLABS_API_KEY');
  if (!key) {
    process.stderr.write(
      'voice-agents pull: ELEVENLABS_API_KEY is not set (put it in .env or the environment)\n',
    );
    return 1;
  }
  const res = await loadNpcDir(args.dir);
  for (const e of res.errors) process.stderr.write(`${formatNpcError(e)}\n`);
  if (res.files.length === 0) {
    process.stderr.write(`no NPC files (*.npc.yaml) found in ${args.dir}\n`);
    return 1;
  }
  const state = await readState(args.dir);
  const baseUrl = baseUrlFor(args);
  const api = createApi({ baseUrl, apiKey: key, fieldName: fileFieldName });
  out(args.dryRun ? `dry run: reading ${baseUrl}, writing nothing` : `pulling from ${baseUrl}`);
  let failures = 0;
  let pulled = 0;
  for (const f of res.files) {
    const npc = f.npc;
    if (!npc) continue;
    const label = `${npc.id.padEnd(12)} ${npc.name}`;
    const id = (npc.agent.agent_id ?? '').trim();
    const record = state[npc.id];
    if (!id || !record || record.agent_id !== id) {
      out(`skipped   ${label}: never pushed from here${id ? ` (agent ${id})` : ''}`);
      continue;
    }
    try {
      const managed = record.managed === true;
      const toolIds = Object.values(record.tools ?? {}).map((t) => t.id);
      const live = servicePayload(await api.request('GET', `/v1/convai/agents/${encodeURIComponent(id)}`), {
        name: managed,
      });
      const edited = changedLeaves(record.service ?? record.payload, live);
      if (edited.some(([leaf]) => leaf.endsWith('.tool_ids')))
        out(`note: the tools of ${npc.id} were changed on the dashboard; tools are not pulled`);
      const changes = edited.filter(([leaf]) => fileField(leaf) !== null);
      if (changes.length === 0) {
        out(`up to date ${label}`);
        continue;
      }
      const mine = agentPayload(npc, { name: managed, toolIds });
      if (payloadHash(mine) !== record.hash && !args.force) {
        failures++;
        process.stderr.write(
          `refused   ${label}: ${f.file} has edits that were never pushed; push them first, or pull --force to overwrite them\n`,
        );
        continue;
      }
      const source = await readFile(f.path, 'utf8');
      const edits = changes.map(([leaf, v]): [string[], Json | undefined] => [fileField(leaf)!, v]);
      const { text, hunks } = withFields(source, edits);
      out(`${args.dryRun ? 'would pull' : 'pulled   '} ${label} (${id})`);
      for (const [path] of edits) out(`    ~ ${path.join('.')}`);
      for (const h of hunks) {
        out(`    ${f.file} line ${h.line}:`);
        for (const l of h.removed) out(`    - ${l}`);
        for (const l of h.added) out(`    + ${l}`);
      }
      if (args.dryRun) continue;
      const check = compileNpcFile(text, f.file);
      if (!check.ok)
        throw new Error(`the pulled file would not compile: ${formatNpcError(check.errors[0]!)}`);
      await writeFile(f.path, text);
      // What the service now holds of what push sends: the last push plus the dashboard's edits.
      // Local edits kept by --force are not in it, so the next push still sends them.
      const synced = applyLeaves(record.payload, changes);
      state[npc.id] = { ...record, payload: synced, hash: payloadHash(synced), service: live };
      await writeState(args.dir, state);
      pulled++;
    } catch (err) {
      failures++;
      const msg =
        err instanceof PushApiError && err.kind === 'not_found'
          ? `agent ${id} was not found in this workspace${args.region ? ` (region ${args.region})` : ''}; it may have been deleted on the dashboard, or check agent.agent_id and --region`
          : err instanceof Error
            ? err.message
            : String(err);
      process.stderr.write(`failed    ${label}: ${msg.split(key).join('[redacted]')}\n`);
      // A refused key fails every agent the same way: say it once and stop.
      if (err instanceof PushApiError && err.kind === 'auth') {
        process.stderr.write('stopped: every other NPC would be refused the same way\n');
        break;
      }
    }
  }
  if (!args.dryRun) out(`\n${pulled} pulled, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}
