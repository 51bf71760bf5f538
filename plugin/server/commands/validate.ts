/**
 * `voice-agents validate [dir] [--json]`: checks every NPC file under dir (default assets/npcs),
 * prints every problem as `file:line:column message`, exits 1 when there is any error.
 */
import { formatNpcError } from '../../npc/index.js';
import { loadNpcDir } from '../npc-files.js';

const USAGE = `usage: voice-agents validate [dir] [--json]

Checks every *.npc.yaml file under dir (default: assets/npcs) and lists every problem as
file:line:column message. Exit code 0 when all files are valid, 1 when any has an error.
  --json   print {"files", "npcs", "errors", "warnings"} as JSON instead
`;

export async function run(argv: string[]): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('-'));
  const positional = argv.filter((a) => !a.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = flags.filter((f) => f !== '--json');
  if (unknown.length > 0 || positional.length > 1) {
    process.stderr.write(
      `voice-agents validate: unexpected ${[...unknown, ...positional.slice(1)].join(' ')}\n\n${USAGE}`,
    );
    return 2;
  }
  const dir = positional[0] ?? 'assets/npcs';
  const res = await loadNpcDir(dir);
  if (flags.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ files: res.files.map((f) => f.file), npcs: res.npcs.map((n) => n.id), errors: res.errors, warnings: res.warnings }, null, 2)}\n`,
    );
    return res.errors.length > 0 ? 1 : 0;
  }
  for (const e of res.errors) process.stdout.write(`${formatNpcError(e)}\n`);
  for (const w of res.warnings)
    process.stdout.write(`${formatNpcError({ ...w, message: `warning: ${w.message}` })}\n`);
  const badFiles = new Set(res.errors.map((e) => e.file)).size;
  if (res.errors.length > 0) {
    const n = res.errors.length;
    process.stdout.write(
      `\n${n} ${n === 1 ? 'error' : 'errors'} in ${badFiles} of ${res.files.length} NPC ${res.files.length === 1 ? 'file' : 'files'}\n`,
    );
    return 1;
  }
  if (res.files.length === 0) {
    process.stdout.write(`no NPC files (*.npc.yaml) found in ${dir}\n`);
    return 1;
  }
  process.stdout.write(
    `${res.files.length} NPC ${res.files.length === 1 ? 'file' : 'files'} OK: ${res.npcs.map((n) => n.id).join(', ')}\n`,
  );
  return 0;
}
