/**
 * An NPC file whose name is not a valid id ("old guard.npc.yaml") is an error that names the file,
 * like any other. A module importing that file directly gets a silent stand-in, which used to be
 * compiled under the same bad name: that failed, and the import was an internal error instead.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

it('a file name that is not a valid id is reported, and a game importing it gets a silent stand-in', async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-vite-name-'));
  await mkdir(join(dir, 'npcs'));
  const npc = (name: string) => `name: ${name}\nagent: { prompt: { text: hi } }\n`;
  await writeFile(join(dir, 'npcs', 'guard.npc.yaml'), npc('Guard'));
  await writeFile(join(dir, 'npcs', 'old guard.npc.yaml'), npc('Old Guard'));
  const errors: string[] = [];
  server = await createServer({
    root: dir,
    configFile: false,
    customLogger: {
      info: () => undefined,
      warn: () => undefined,
      warnOnce: () => undefined,
      error: (msg: string) => void errors.push(msg),
      clearScreen: () => undefined,
      hasErrorLogged: () => false,
      hasWarned: false,
    },
    plugins: [voiceAgents({ npcDir: 'npcs', apiKey: '', localAgentOptions: { recognizer: 'none' } })],
    server: { host: '127.0.0.1', port: 0, strictPort: false, ws: false },
  });
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
