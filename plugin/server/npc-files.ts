/**
 * Loads every NPC prompt file (`*.npc.yaml`, recursively) from a folder through the pure compiler,
 * and adds the cross-file check (duplicate ids). Used by the CLI, the Vite plugin and `serve`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compileNpcFile, findDuplicateNpcIds } from '../npc/index.js';
import type { NpcDefinition, NpcFileError } from '../npc/index.js';

export const NPC_FILE_RE = /\.npc\.ya?ml$/i;

export interface LoadedNpcFile {
  /** Absolute path. */
  path: string;
  /** The name used in errors: relative to the working directory when inside it. */
  file: string;
  npc?: NpcDefinition;
}

export interface NpcDirResult {
  npcs: NpcDefinition[];
  errors: NpcFileError[];
  warnings: NpcFileError[];
  files: LoadedNpcFile[];
}

/** How a file is named in messages: relative to cwd (clickable in terminals and editors). */
export function displayName(absPath: string, cwd = process.cwd()): string {
  const rel = relative(cwd, absPath);
  return rel.startsWith('..') ? absPath : rel.split(sep).join('/');
}

async function listNpcFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listNpcFiles(full)));
    else if (e.isFile() && NPC_FILE_RE.test(e.name)) out.push(full);
  }
  return out;
}

/**
 * Compiles every NPC file under `dir`. Never throws for bad files (they become errors); a missing
 * folder is an error too, so `voice-agents validate wrong/path` does not silently pass.
 */
export async function loadNpcDir(dir: string, opts: { cwd?: string } = {}): Promise<NpcDirResult> {
  const result: NpcDirResult = { npcs: [], errors: [], warnings: [], files: [] };
  let paths: string[];
  try {
    paths = await listNpcFiles(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    result.errors.push({
      file: displayName(dir, opts.cwd),
      line: 1,
      column: 1,
      path: '',
      code: 'syntax',
      message: code === 'ENOENT' ? 'folder not found' : `cannot read this folder (${code ?? String(err)})`,
    });
    return result;
  }
  const good: { file: string; npc: NpcDefinition }[] = [];
  for (const path of paths) {
    const file = displayName(path, opts.cwd);
    const entry: LoadedNpcFile = { path, file };
    result.files.push(entry);
    const res = compileNpcFile(await readFile(path, 'utf8'), file);
    result.warnings.push(...res.warnings);
    if (res.ok) {
      entry.npc = res.npc;
      good.push({ file, npc: res.npc });
    } else result.errors.push(...res.errors);
  }
  const dups = findDuplicateNpcIds(good);
  result.errors.push(...dups);
  const dupFiles = new Set(dups.map((d) => d.file));
  result.npcs = good.filter((g) => !dupFiles.has(g.file)).map((g) => g.npc);
  return result;
}
