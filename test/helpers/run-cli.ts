/** The real `voice-agents` CLI in a child process (tsx over the sources), as a level designer runs it. */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../harness/repo.js';

const TSX = join(repoRoot, 'node_modules/.bin/tsx');
const CLI = join(repoRoot, 'plugin/server/cli.ts');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs with no ElevenLabs variables from the outside, only those given. */
export function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = repoRoot,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd,
      env: { ...process.env, ELEVENLABS_API_KEY: undefined, ELEVENLABS_BASE_URL: undefined, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const temps: string[] = [];

/** A temporary folder to remove with `removeTemps`. */
export async function tempDir(prefix = 'npc-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/**
 * A temporary copy of the sample NPC files (all of them, or the named ones); only the NPC files, so a
 * push state or .env left in assets/npcs by someone's own run never leaks into a test.
 */
export async function tempCopyOfNpcs(...ids: string[]): Promise<string> {
  const dir = await tempDir();
  const src = join(repoRoot, 'assets/npcs');
  const files =
    ids.length > 0
      ? ids.map((id) => `${id}.npc.yaml`)
      : (await readdir(src)).filter((f) => f.endsWith('.npc.yaml'));
  for (const f of files) await cp(join(src, f), join(dir, f));
  return dir;
}

export async function removeTemps(): Promise<void> {
  for (const d of temps.splice(0)) await rm(d, { recursive: true, force: true });
}
