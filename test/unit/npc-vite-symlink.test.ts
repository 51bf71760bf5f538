/**
 * The dev server says why it skips a symbolic link in the NPC folder (issue 12 item 10): a link
 * leading outside the folder used to vanish from the game without a word.
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

it('logs a warning naming a symbolic link that leads outside the NPC folder', async () => {
  dir = await mkdtemp(join(tmpdir(), 'npc-vite-link-'));
  await mkdir(join(dir, 'npcs'));
  await mkdir(join(dir, 'elsewhere'));
  const npc = 'name: X\nagent: { prompt: { text: hi } }\n';
  await writeFile(join(dir, 'npcs', 'guard.npc.yaml'), npc);
  await writeFile(join(dir, 'elsewhere', 'secret.npc.yaml'), npc);
  await symlink(join(dir, 'elsewhere', 'secret.npc.yaml'), join(dir, 'npcs', 'secret.npc.yaml'));
  const warned: string[] = [];
  const errors: string[] = [];
  server = await createServer({
    root: dir,
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
  expect(errors).toEqual([]);
  expect(warned).toEqual([
    expect.stringMatching(
      /^npcs\/secret\.npc\.yaml:1:1 skipped: this symbolic link leads outside the NPC folder/,
    ),
  ]);
});
