/**
 * `voice-agents pull [dir] [--dry-run] [--force] [--region R | --base-url URL]`: dashboard edits back
 * into the NPC files.
 *
 * For each NPC pushed before, the agent is read from the service and compared with what the service
 * held right after that push: what changed since was edited on the dashboard. Those fields are
 * written into the file (only fields the file format has; comments, layout, block text style and
 * line endings kept), shown first with --dry-run. A file with local edits that were never pushed is
 * left alone unless --force, so neither side's work is lost silently.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isScalar, parseDocument, type Document } from 'yaml';
import { compileNpcFile, formatNpcError } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';
import { envValue } from '../broker/env.js';
import { commandArgs } from './front.js';
import { createApi, PushApiError, REGION_API } from '../push/api.js';
import { agentPayload, changedLeaves, payloadHash, servicePayload, type Json } from '../push/payload.js';
import { readState, writeState } from '../push/state.js';

const REGIONS = Object.keys(REGION_API).join('|');

const USAGE = `usage: voice-agents pull [dir] [--dry-run] [--force] [--region ${REGIONS} | --base-url URL]

Reads each pushed agent from ElevenLabs and writes what was changed on the dashboard since the last
push back into its NPC file in dir (default: assets/npcs), keeping comments and layout.
  --dry-run        show the changes, write nothing
  --force          also overwrite local edits that were never pushed
  --region R       the data-residency region of your workspace (default: global)
  --base-url URL   API base URL (default: ELEVENLABS_BASE_URL, else the region's)
Needs ELEVENLABS_API_KEY in the environment or in .env.
`;

/** Payload leaf (dotted) → where it lives in the NPC file. Tool ids are not file content. */
const FILE_PATHS: Record<string, string[]> = {
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

function filePath(leaf: string): string[] | null {
  if (leaf.startsWith(VARIABLES)) return ['agent', 'dynamic_variables', leaf.slice(VARIABLES.length)];
  return FILE_PATHS[leaf] ?? null;
}

/** Sets a value, keeping an existing scalar's style (a `|` block prompt stays a block). */
function setField(doc: Document, path: string[], value: Json | undefined): void {
  if (value === undefined) {
    doc.deleteIn(path);
    return;
  }
  const node = doc.getIn(path, true);
  if (isScalar(node) && (typeof value !== 'object' || value === null)) node.value = value;
  else doc.setIn(path, value);
}

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
    else if (x === '--region') a.region = argv[++i];
    else if (x.startsWith('-')) return `unknown option ${x}`;
    else if (dir === undefined) dir = x;
    else return `unexpected ${x}`;
  }
  if (a.baseUrl !== undefined && !/^https?:\/\//.test(a.baseUrl)) return '--base-url needs an http(s) URL';
  if (a.region !== undefined && !(a.region in REGION_API)) return `--region must be one of ${REGIONS}`;
  a.dir = dir ?? 'assets/npcs';
  return a;
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('pull', argv, USAGE, parseArgs);
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
  const state = await readState(args.dir);
  const baseUrl =
    args.baseUrl ??
    (args.region ? REGION_API[args.region]! : (envValue('ELEVENLABS_BASE_URL') ?? REGION_API.global!));
  const api = createApi({ baseUrl, apiKey: key });
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
      const mine = agentPayload(npc, { name: managed, toolIds });
      const live = servicePayload(await api.request('GET', `/v1/convai/agents/${encodeURIComponent(id)}`), {
        name: managed,
      });
      const since = record.service ?? record.payload;
      const changes = changedLeaves(since, live).filter(([leaf]) => filePath(leaf) !== null);
      const toolsChanged = changedLeaves(since, live).some(([leaf]) => leaf.endsWith('.tool_ids'));
      if (toolsChanged)
        out(`note: the tools of ${npc.id} were changed on the dashboard; tools are not pulled`);
      if (changes.length === 0) {
        out(`up to date ${label}`);
        continue;
      }
      if (payloadHash(mine) !== record.hash && !args.force) {
        failures++;
        process.stderr.write(
          `refused   ${label}: ${f.file} has edits that were never pushed; push them first, or pull --force to overwrite them\n`,
        );
        continue;
      }
      out(`${args.dryRun ? 'would pull' : 'pulled   '} ${label}`);
      for (const [leaf, v] of changes)
        out(
          `    ${filePath(leaf)!.join('.')}: ${v === undefined ? '(removed)' : JSON.stringify(v).slice(0, 72)}`,
        );
      if (args.dryRun) continue;
      const source = await readFile(f.path, 'utf8');
      const eol = source.includes('\r\n') ? '\r\n' : '\n';
      const doc = parseDocument(source);
      for (const [leaf, v] of changes) setField(doc, filePath(leaf)!, v);
      let next = doc.toString({ lineWidth: 0 });
      if (eol !== '\n') next = next.replace(/\r?\n/g, eol);
      const check = compileNpcFile(next, f.file);
      if (!check.ok)
        throw new Error(`the pulled file would not compile: ${formatNpcError(check.errors[0]!)}`);
      await writeFile(f.path, next);
      const now = agentPayload(check.npc, { name: managed, toolIds });
      state[npc.id] = { ...record, payload: now, hash: payloadHash(now), service: live };
      await writeState(args.dir, state);
      pulled++;
    } catch (err) {
      failures++;
      const msg =
        err instanceof PushApiError && err.kind === 'not_found'
          ? `agent ${id} was not found in this workspace${args.region ? ` (region ${args.region})` : ''}`
          : err instanceof Error
            ? err.message
            : String(err);
      process.stderr.write(`failed    ${label}: ${msg.split(key).join('[redacted]')}\n`);
    }
  }
  if (!args.dryRun) out(`\n${pulled} pulled, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}
