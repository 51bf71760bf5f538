/**
 * The NPC folder loader (CLI, Vite plugin, local agent) on files a designer or an attacker can
 * leave in assets/npcs (issue 12 items 9 and 10): a name that reads as a path on Windows, symbolic
 * links, a huge file. Real files in a temp folder.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNpcError } from '../../plugin/npc/index.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';

const HEAD = 'name: X\nagent: { prompt: { text: hi } }\n';

describe('NPC folder: file names and symbolic links', () => {
  let dir: string;
  let outside: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npc-hostile-'));
    outside = await mkdtemp(join(tmpdir(), 'npc-outside-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  const npc = (name: string) => `name: ${name}\nagent: { prompt: { text: hi } }\n`;

  it('a file named evil\\guard.npc.yaml is refused by name and does not knock out guard', async () => {
    await writeFile(join(dir, 'guard.npc.yaml'), npc('Guard'));
    await writeFile(join(dir, 'evil\\guard.npc.yaml'), npc('Evil'));
    const res = await loadNpcDir(dir, { cwd: dir });
    expect(res.npcs.map((n) => n.name)).toEqual(['Guard']);
    expect(res.errors.map(formatNpcError)).toEqual([
      'evil\\guard.npc.yaml:1:1 the file name contains "\\", a folder separator on Windows; NPC ids may use letters, digits, - and _ (rename the file, e.g. evil_guard.npc.yaml)',
    ]);
    // Listed as a broken file, so the Vite plugin raises its overlay like any other.
    expect(res.files.map((f) => [f.file, Boolean(f.npc)])).toContainEqual(['evil\\guard.npc.yaml', false]);
  });

  it('follows symbolic links that stay inside the NPC folder and says why it skips the others', async () => {
    await mkdir(join(dir, 'town'));
    await writeFile(join(dir, 'town', 'mira.npc.yaml'), npc('Mira'));
    await symlink(join(dir, 'town', 'mira.npc.yaml'), join(dir, 'shopkeeper.npc.yaml'));
    await symlink(dir, join(dir, 'town', 'loop'));
    await writeFile(join(outside, 'secret.npc.yaml'), npc('Secret'));
    await symlink(join(outside, 'secret.npc.yaml'), join(dir, 'secret.npc.yaml'));
    await symlink(join(dir, 'gone.yaml'), join(dir, 'gone.npc.yaml'));
    const res = await loadNpcDir(dir, { cwd: dir });
    expect(res.npcs.map((n) => n.id).sort()).toEqual(['mira', 'shopkeeper']);
    // town/loop leads back to the folder itself: followed once, not forever.
    expect(res.errors).toEqual([]);
    expect(res.warnings.map(formatNpcError)).toEqual([
      'gone.npc.yaml:1:1 skipped: this symbolic link points to nothing (its target is missing)',
      expect.stringMatching(
        /^secret\.npc\.yaml:1:1 skipped: this symbolic link leads outside the NPC folder \(to .*secret\.npc\.yaml\); NPC files are read only from inside it, so copy the file in instead$/,
      ),
    ]);
  });

  it('does not read a file far over the size limit', async () => {
    await writeFile(join(dir, 'big.npc.yaml'), HEAD + '#'.repeat(1024 * 1024));
    const res = await loadNpcDir(dir, { cwd: dir });
    expect(res.errors.map(formatNpcError)).toEqual([
      'big.npc.yaml:1:1 the file is too large (1,048,616 bytes); an NPC file may be at most 128 KB',
    ]);
  });
});
