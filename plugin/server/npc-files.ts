/**
 * Loads every NPC prompt file (`*.npc.yaml`, recursively) from a folder through the pure compiler,
 * and adds the cross-file check (duplicate ids). Used by the CLI, the Vite plugin and `serve`.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { compileNpcFile, findDuplicateNpcIds } from '../npc/index.js';
import type { NpcDefinition, NpcFileError } from '../npc/index.js';
import { MAX_NPC_FILE_CHARS, oversizeError } from '../npc/limits.js';

export const NPC_FILE_RE = /\.npc\.ya?ml$/i;

interface LoadedNpcFile {
  /** Absolute path. */
  path: string;
  /** The name used in errors: relative to the working directory when inside it. */
  file: string;
  npc?: NpcDefinition;
}

interface NpcDirResult {
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

interface Listing {
  paths: string[];
  /** Files in the folder that are not compiled, with the reason (a bad name, a link leading out). */
  skipped: { path: string; error: NpcFileError }[];
}

/**
 * Every NPC file under `dir`. Symbolic links are followed when they lead to a file or folder
 * inside the NPC folder (a designer sharing one file under two names), and reported otherwise:
 * a link out of the folder would let the dev server read and show any file on the machine.
 */
async function listNpcFiles(root: string, cwd: string | undefined): Promise<Listing> {
  const rootReal = await realpath(root);
  const out: Listing = { paths: [], skipped: [] };
  const seenDirs = new Set<string>([rootReal]);
  const skip = (path: string, code: NpcFileError['code'], message: string) =>
    out.skipped.push({
      path,
      error: { file: displayName(path, cwd), line: 1, column: 1, path: '', code, message },
    });
  const walk = async (dir: string): Promise<void> => {
    // A subfolder that is gone by the time it is read (a branch switch mid-scan) has no NPCs; only
    // the NPC folder itself missing is an error.
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (dir !== root && err.code === 'ENOENT') return [];
      throw err;
    });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        if (!e.isDirectory() && !NPC_FILE_RE.test(e.name) && !(await isDirectory(full))) continue;
        const real = await realpath(full).catch(() => undefined);
        if (real === undefined) {
          skip(full, 'skipped-file', 'skipped: this symbolic link points to nothing (its target is missing)');
          continue;
        }
        const rel = relative(rootReal, real);
        if (rel.startsWith('..') || isAbsolute(rel)) {
          skip(
            full,
            'skipped-file',
            `skipped: this symbolic link leads outside the NPC folder (to ${real}); NPC files are read only from inside it, so copy the file in instead`,
          );
          continue;
        }
        const st = await stat(real).catch(() => undefined);
        if (!st) continue; // removed while the folder was read
        isDir = st.isDirectory();
        isFile = st.isFile();
        // A link to a folder already listed (or to one of its parents) would list it forever.
        if (isDir && seenDirs.has(real)) continue;
        if (isDir) seenDirs.add(real);
      }
      if (isDir) await walk(full);
      else if (isFile && NPC_FILE_RE.test(e.name)) {
        // The id is the file name, and ids are split on either slash (Windows paths); on Linux and
        // macOS "evil\guard.npc.yaml" is one name, which would pass as the NPC "guard".
        if (e.name.includes('\\')) {
          const fixed = e.name.replace(/\\/g, '_');
          skip(
            full,
            'invalid-id',
            `the file name contains "\\", a folder separator on Windows; NPC ids may use letters, digits, - and _ (rename the file, e.g. ${fixed})`,
          );
        } else out.paths.push(full);
      }
    }
  };
  await walk(root);
  return out;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The text of one NPC file, or an error without reading it when it is far over the size limit. */
async function readNpcFile(path: string, file: string): Promise<string | NpcFileError> {
  const { size } = await stat(path);
  // The compiler counts characters; a UTF-8 character is at most 4 bytes, so beyond this it cannot fit.
  if (size > MAX_NPC_FILE_CHARS * 4) return oversizeError(file, size, 'bytes');
  return readFile(path, 'utf8');
}

/**
 * Compiles every NPC file under `dir`. Never throws for bad files (they become errors); a missing
 * folder is an error too, so `voice-agents validate wrong/path` does not silently pass.
 */
export async function loadNpcDir(dir: string, opts: { cwd?: string } = {}): Promise<NpcDirResult> {
  const result: NpcDirResult = { npcs: [], errors: [], warnings: [], files: [] };
  let listing: Listing;
  try {
    listing = await listNpcFiles(dir, opts.cwd);
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
  for (const { path, error } of listing.skipped) {
    // Listed (without an NPC) so the Vite plugin shows the error like any broken file's.
    if (error.code !== 'skipped-file') result.files.push({ path, file: error.file });
    result[error.code === 'skipped-file' ? 'warnings' : 'errors'].push(error);
  }
  for (const path of listing.paths) {
    const file = displayName(path, opts.cwd);
    const entry: LoadedNpcFile = { path, file };
    // Listed a moment ago and gone now (a branch switch, several files deleted at once): not an NPC.
    const text = await readNpcFile(path, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text === null) continue;
    result.files.push(entry);
    if (typeof text !== 'string') {
      result.errors.push(text);
      continue;
    }
    const res = compileNpcFile(text, file);
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
