/**
 * `voice-agents init [--npc-dir assets/npcs]`: sets up an existing Vite project for talking NPCs.
 *
 * - vite.config.(ts|mts|js|mjs): adds `import { voiceAgents } from 'phaser-voice-agents/vite'` and
 *   `voiceAgents()` to `plugins` (creates vite.config.ts when there is none). A config it cannot
 *   edit safely is left as it is, and the exact lines to add are printed.
 * - `<npc-dir>/guide.npc.yaml`: an example NPC whose `$schema` points into node_modules, so editors
 *   autocomplete it.
 * - The client types (`*.npc.yaml` imports): a reference line in src/vite-env.d.ts, or a new
 *   src/voice-agents.d.ts.
 * Running it again changes nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { commandArgs } from './front.js';

const USAGE = `usage: voice-agents init [--npc-dir DIR]

Sets up the Vite project in the current folder for phaser-voice-agents: adds the Vite plugin to
vite.config, creates an example NPC file in DIR (default: assets/npcs) and references the types for
*.npc.yaml imports. Safe to run again: what is already there is left alone.
`;

const IMPORT = "import { voiceAgents } from 'phaser-voice-agents/vite';";
const REFERENCE = '/// <reference types="phaser-voice-agents/vite/client" />';

const EXAMPLE = (schema: string) => `# yaml-language-server: $schema=${schema}
# An NPC the player can talk to. Attach it in a scene:
#   import guide from '../assets/npcs/guide.npc.yaml';
#   this.voiceAgents.attach(sprite, guide);
name: The Guide
agent:
  prompt:
    text: |
      You are the guide of this game world. You are friendly and brief: one or two sentences.
  first_message: Hello, traveller! Ask me anything about this place.
  language: en
proximity: { radius: 96 }
local:
  replies:
    - when: [help, what do i do, where]
      say: Walk up to people and talk to them. Everyone here has something to say.
    - when: [bye, goodbye]
      say: Safe travels!
  fallback: I'm only the guide. Ask me for help!
`;

type Outcome = { file: string; did: 'created' | 'edited' | 'kept' | 'manual'; note?: string };

/** vite.config text with the plugin added, or null when it cannot be done safely. */
export function addVitePlugin(source: string): string | null {
  if (source.includes('phaser-voice-agents/vite')) return source;
  let out: string;
  const plugins = /plugins\s*:\s*\[/.exec(source);
  if (plugins) {
    const at = plugins.index + plugins[0].length;
    const empty = /^\s*\]/.test(source.slice(at));
    out = `${source.slice(0, at)}voiceAgents()${empty ? '' : ', '}${source.slice(at)}`;
  } else {
    const config = /defineConfig\(\s*\{/.exec(source) ?? /export\s+default\s+\{/.exec(source);
    if (!config) return null;
    const at = config.index + config[0].length;
    out = `${source.slice(0, at)}\n  plugins: [voiceAgents()],${source.slice(at)}`;
  }
  // The import goes after the last import statement (or first, when there is none). A statement may
  // span lines (`import {\n  a,\n} from 'x'`, as Prettier wraps it): it ends at its module name.
  const imports = [
    ...out.matchAll(/^import\s[^;]*?from\s*(['"])[^'"\n]*\1[ \t]*;?|^import\s*(['"])[^'"\n]*\2[ \t]*;?/gm),
  ];
  const last = imports.at(-1);
  if (!last) return `${IMPORT}\n${out}`;
  const end = last.index + last[0].length;
  return `${out.slice(0, end)}\n${IMPORT}${out.slice(end)}`;
}

async function viteConfig(root: string): Promise<Outcome> {
  const names = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];
  const found = names.find((n) => existsSync(join(root, n)));
  if (!found) {
    await writeFile(
      join(root, 'vite.config.ts'),
      `import { defineConfig } from 'vite';\n${IMPORT}\n\nexport default defineConfig({\n  plugins: [voiceAgents()],\n});\n`,
    );
    return { file: 'vite.config.ts', did: 'created' };
  }
  const source = await readFile(join(root, found), 'utf8');
  const next = addVitePlugin(source);
  if (next === null)
    return {
      file: found,
      did: 'manual',
      note: `add these two lines yourself:\n    ${IMPORT}\n    plugins: [voiceAgents()],   (inside the exported config)`,
    };
  if (next === source) return { file: found, did: 'kept' };
  await writeFile(join(root, found), next);
  return { file: found, did: 'edited' };
}

async function exampleNpc(root: string, npcDir: string): Promise<Outcome> {
  const dir = join(root, npcDir);
  const file = join(dir, 'guide.npc.yaml');
  const rel = relative(root, file);
  if (existsSync(file)) return { file: rel, did: 'kept' };
  await mkdir(dir, { recursive: true });
  const schema = relative(dir, join(root, 'node_modules/phaser-voice-agents/schema/npc.schema.json'));
  await writeFile(file, EXAMPLE(schema.split('\\').join('/')));
  return { file: rel, did: 'created' };
}

async function clientTypes(root: string): Promise<Outcome> {
  const envFile = ['src/vite-env.d.ts', 'src/env.d.ts'].find((f) => existsSync(join(root, f)));
  if (envFile) {
    const text = await readFile(join(root, envFile), 'utf8');
    if (text.includes('phaser-voice-agents/vite/client')) return { file: envFile, did: 'kept' };
    await writeFile(join(root, envFile), `${text.replace(/\s*$/, '\n')}${REFERENCE}\n`);
    return { file: envFile, did: 'edited' };
  }
  const own = 'src/voice-agents.d.ts';
  if (existsSync(join(root, own))) return { file: own, did: 'kept' };
  await mkdir(dirname(join(root, own)), { recursive: true });
  await writeFile(join(root, own), `${REFERENCE}\n`);
  return { file: own, did: 'created' };
}

export async function init(root: string, npcDir = 'assets/npcs'): Promise<Outcome[]> {
  return [await viteConfig(root), await exampleNpc(root, npcDir), await clientTypes(root)];
}

function parseArgs(argv: string[]): { npcDir: string } | string {
  let npcDir = 'assets/npcs';
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--npc-dir') npcDir = argv[++i] ?? '';
    else return `unexpected ${x}`;
  }
  if (!npcDir) return '--npc-dir needs a folder';
  return { npcDir };
}

export async function run(argv: string[]): Promise<number> {
  const front = commandArgs('init', argv, USAGE, parseArgs);
  if ('exit' in front) return front.exit;
  const root = process.cwd();
  if (!existsSync(join(root, 'package.json'))) {
    process.stderr.write('voice-agents init: run it in your game project (no package.json here)\n');
    return 1;
  }
  const outcomes = await init(root, front.args.npcDir);
  for (const o of outcomes) {
    const word = { created: 'created', edited: 'updated', kept: 'already set up', manual: 'left as is' }[
      o.did
    ];
    process.stdout.write(`${word.padEnd(15)} ${o.file}${o.note ? `: ${o.note}` : ''}\n`);
  }
  process.stdout.write(
    '\nNext: npm run dev (the dev server runs the local agent), then attach the guide in a scene.\n',
  );
  return outcomes.some((o) => o.did === 'manual') ? 1 : 0;
}
