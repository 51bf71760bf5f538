/**
 * What the dev server says about odd files in the NPC folder, in the designer's terms:
 * - a symbolic link leading outside the folder (issue 12 item 10) used to vanish without a word;
 * - a file whose name is not a valid id ("old guard.npc.yaml") is an error naming the file, and a
 *   module importing it directly gets a silent stand-in, which used to be compiled under the same
 *   bad name: that failed, and the import was an internal error instead.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { voiceAgents } from '../../plugin/vite/index.js';

let dir: string | undefined;
let server: ViteDevServer | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A dev server over `root` with the plugin on its `npcs` folder; what it logs is collected. */
async function devServer(
  root: string,
): Promise<{ server: ViteDevServer; warned: string[]; errors: string[] }> {
  const warned: string[] = [];
  const errors: string[] = [];
  const s = await createServer({
    root,
    configFile: false,
    customLogger: {
      info: () => undefined,
      warn: (msg: string) => void warned.push(msg),
      warnOnce: () => undefined,
      error: (msg: string) => void errors.push(msg),
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    plugins: [voiceAgents({ npcDir: 'npcs', apiKey: '', localAgentOptions: { recognizer: 'none' } })],
    server: { host: '127.0.0.1', port: 0, strictPort: false, ws: false },
  });
  return { server: s, warned, errors };
}

it('logs a warning naming a symbolic link that leads outside the NPC folder', async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-vite-link-'));
  await mkdir(join(dir, 'npcs'));
  await mkdir(join(dir, 'elsewhere'));
  const npc = 'name: X\nagent: { prompt: { text: hi } }\n';
  await writeFile(join(dir, 'npcs', 'guard.npc.yaml'), npc);
  await writeFile(join(dir, 'elsewhere', 'secret.npc.yaml'), npc);
  await symlink(join(dir, 'elsewhere', 'secret.npc.yaml'), join(dir, 'npcs', 'secret.npc.yaml'));
  const dev = await devServer(dir);
  server = dev.server;
  const { warned, errors } = dev;
  expect(errors).toEqual([]);
  expect(warned).toEqual([
    expect.stringMatching(
      /^npcs\/secret\.npc\.yaml:1:1 skipped: this symbolic link leads outside the NPC folder/,
    ),
  ]);
});

it('a file name that is not a valid id is reported, and a game importing it gets a silent stand-in', async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-vite-name-'));
  await mkdir(join(dir, 'npcs'));
  const npc = (name: string) => `name: ${name}\nagent: { prompt: { text: hi } }\n`;
  await writeFile(join(dir, 'npcs', 'guard.npc.yaml'), npc('Guard'));
  await writeFile(join(dir, 'npcs', 'old guard.npc.yaml'), npc('Old Guard'));
  const dev = await devServer(dir);
  server = dev.server;
  const { errors } = dev;
  const container = server.environments.client.pluginContainer;
  const load = async (id: string) => {
    const loaded = await container.load(id);
    return typeof loaded === 'string' ? loaded : loaded!.code;
  };
  // The list: the good NPC, and the bad name among the file errors, said in the designer's terms.
  const list = await load((await container.resolveId('virtual:voice-agents/npcs'))!.id);
  expect(list).toMatch(/"guard": n\d/);
  expect(list).toMatch(/old guard\.npc\.yaml.*ids may use letters, digits/);
  // A game importing the file itself gets a stand-in: attached like the others, silent, saying why.
  const direct = await load(join(dir, 'npcs', 'old guard.npc.yaml'));
  expect(direct).toContain('"old guard"');
  expect(direct).toMatch(/"unavailable":\s*"[^"]*old guard\.npc\.yaml:\d+:\d+ .*ids may use letters, digits/);
  expect(errors.join('\n')).toContain('old guard.npc.yaml');
});
