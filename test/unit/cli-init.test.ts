import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addVitePlugin, init } from '../../plugin/server/commands/init.js';
import { compileNpcFile } from '../../plugin/npc/index.js';

// `voice-agents init` in the projects `npm create vite` makes (issue 13.3): what it writes, and that
// a second run changes nothing.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'va-init-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel = ''): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = await readFile(join(d, e.name), 'utf8');
    }
  };
  await walk(dir);
  return out;
}

describe('voice-agents init', () => {
  it('in the vanilla TypeScript template: creates vite.config.ts, an example NPC, and references the types', async () => {
    const dir = await project({
      'package.json': '{"name":"game","type":"module"}',
      'src/vite-env.d.ts': '/// <reference types="vite/client" />\n',
    });
    const outcomes = await init(dir);
    expect(outcomes.map((o) => [o.file, o.did])).toEqual([
      ['vite.config.ts', 'created'],
      ['assets/npcs/guide.npc.yaml', 'created'],
      ['src/vite-env.d.ts', 'edited'],
    ]);
    const files = await snapshot(dir);
    expect(files['vite.config.ts']).toContain("import { voiceAgents } from 'phaser-voice-agents/vite';");
    expect(files['vite.config.ts']).toContain('plugins: [voiceAgents()]');
    expect(files['src/vite-env.d.ts']).toBe(
      '/// <reference types="vite/client" />\n/// <reference types="phaser-voice-agents/vite/client" />\n',
    );
    const npc = files['assets/npcs/guide.npc.yaml']!;
    expect(npc.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../node_modules/phaser-voice-agents/schema/npc.schema.json',
    );
    expect(compileNpcFile(npc, 'guide.npc.yaml').ok).toBe(true);
    // Again: nothing changes.
    const again = await init(dir);
    expect(again.every((o) => o.did === 'kept')).toBe(true);
    expect(await snapshot(dir)).toEqual(files);
  });

  it('adds the plugin to an existing config, beside the plugins it has', () => {
    const react =
      "import { defineConfig } from 'vite'\nimport react from '@vitejs/plugin-react'\n\nexport default defineConfig({\n  plugins: [react()],\n})\n";
    expect(addVitePlugin(react)).toBe(
      "import { defineConfig } from 'vite'\nimport react from '@vitejs/plugin-react'\nimport { voiceAgents } from 'phaser-voice-agents/vite';\n\nexport default defineConfig({\n  plugins: [voiceAgents(), react()],\n})\n",
    );
    const bare = "import { defineConfig } from 'vite';\nexport default defineConfig({ base: './' });\n";
    expect(addVitePlugin(bare)).toContain('defineConfig({\n  plugins: [voiceAgents()], base: ');
    expect(addVitePlugin(addVitePlugin(bare)!)).toBe(addVitePlugin(bare));
    // Prettier wraps a long import over lines: ours goes after the whole statement, not inside it.
    const wrapped =
      "import { defineConfig } from 'vite';\nimport {\n  somePlugin,\n  anotherPlugin,\n} from 'some-long-package-name';\n\nexport default defineConfig({ plugins: [somePlugin()] });\n";
    expect(addVitePlugin(wrapped)).toBe(
      "import { defineConfig } from 'vite';\nimport {\n  somePlugin,\n  anotherPlugin,\n} from 'some-long-package-name';\nimport { voiceAgents } from 'phaser-voice-agents/vite';\n\nexport default defineConfig({ plugins: [voiceAgents(), somePlugin()] });\n",
    );
  });

  it('leaves a config it cannot edit safely alone and says exactly what to add', async () => {
    const dir = await project({
      'package.json': '{"name":"game"}',
      'vite.config.js': 'export default ({ mode }) => makeConfig(mode);\n',
    });
    const [vite] = await init(dir);
    expect(vite).toMatchObject({ file: 'vite.config.js', did: 'manual' });
    expect(vite!.note).toContain("import { voiceAgents } from 'phaser-voice-agents/vite';");
    expect(await readFile(join(dir, 'vite.config.js'), 'utf8')).toBe(
      'export default ({ mode }) => makeConfig(mode);\n',
    );
  });
});
