/**
 * `voice-agents validate [dir] [--map file.json]... [--json]`: checks every NPC file under dir
 * (default assets/npcs) and, optionally, the NPC layer of Tiled maps; prints every problem as
 * `file:line:column message`; exits 1 when there is any error.
 */
import { readFile } from 'node:fs/promises';
import { formatNpcError, npcPlacementsFromTiled, type NpcFileError } from '../../npc/index.js';
import { displayName, loadNpcDir } from '../npc-files.js';
import { commandArgs } from './front.js';

const USAGE = `usage: voice-agents validate [dir] [--map file.json]... [--layer name] [--json]

Checks every *.npc.yaml file under dir (default: assets/npcs) and lists every problem as
file:line:column message. Exit code 0 when all files are valid, 1 when any has an error.
  --map FILE    also check a Tiled JSON map: every object in its NPC layer must name an NPC file
  --layer NAME  the maps' NPC object layer (default: npcs)
  --json        print {"files", "npcs", "errors", "warnings"} as JSON instead
`;

interface Args {
  dir: string;
  maps: string[];
  layer: string;
  json: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { dir: 'assets/npcs', maps: [], layer: 'npcs', json: false };
  let dirSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') a.json = true;
    else if (arg === '--map' && argv[i + 1]) a.maps.push(argv[++i]!);
    else if (arg === '--layer' && argv[i + 1]) a.layer = argv[++i]!;
    else if (arg.startsWith('-')) return `unexpected ${arg}`;
    else if (!dirSet) {
      a.dir = arg;
      dirSet = true;
    } else return `unexpected ${arg}`;
  }
  return a;
}

async function checkMap(path: string, layer: string, npcs: Parameters<typeof npcPlacementsFromTiled>[1]) {
  const file = displayName(path);
  let source: string;
  let map: unknown;
  try {
    source = await readFile(path, 'utf8');
  } catch {
    return [
      { file, line: 1, column: 1, path: '', code: 'required', message: 'map file not found' } as NpcFileError,
    ];
  }
  try {
    map = JSON.parse(source);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return [
      {
        file,
        line: 1,
        column: 1,
        path: '',
        code: 'syntax',
        message: `not valid JSON: ${msg}`,
      } as NpcFileError,
    ];
  }
  return npcPlacementsFromTiled(map, npcs, { layer, mapFile: file, source }).errors;
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('validate', argv, USAGE, parseArgs);
  if ('exit' in front) return front.exit;
  const { args } = front;
  const res = await loadNpcDir(args.dir);
  for (const m of args.maps) res.errors.push(...(await checkMap(m, args.layer, res.npcs)));
  if (args.json) {
    const out = {
      files: res.files.map((f) => f.file),
      npcs: res.npcs.map((n) => n.id),
      errors: res.errors,
      warnings: res.warnings,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return res.errors.length > 0 ? 1 : 0;
  }
  for (const e of res.errors) process.stdout.write(`${formatNpcError(e)}\n`);
  for (const w of res.warnings)
    process.stdout.write(`${formatNpcError({ ...w, message: `warning: ${w.message}` })}\n`);
  const total = res.files.length + args.maps.length;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (res.errors.length > 0) {
    const bad = new Set(res.errors.map((e) => e.file)).size;
    process.stdout.write(
      `\n${plural(res.errors.length, 'error', 'errors')} in ${bad} of ${plural(total, 'file', 'files')}\n`,
    );
    return 1;
  }
  if (res.files.length === 0) {
    process.stdout.write(`no NPC files (*.npc.yaml) found in ${args.dir}\n`);
    return 1;
  }
  const maps = args.maps.length > 0 ? ` and ${plural(args.maps.length, 'map', 'maps')}` : '';
  process.stdout.write(
    `${plural(res.files.length, 'NPC file', 'NPC files')}${maps} OK: ${res.npcs.map((n) => n.id).join(', ')}\n`,
  );
  return 0;
}
