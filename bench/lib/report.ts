import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Which code a result was measured on: the commit checked out, and whether tracked files differed from it. */
export interface CodeVersion {
  /** Full hash of HEAD, or null outside a git checkout. */
  commit: string | null;
  /** Tracked files modified (staged or not) relative to that commit; untracked files do not count. */
  dirty: boolean | null;
  /** The modified tracked files, at most 20 (a shared tree: tells whose edits were in it). */
  dirtyFiles?: string[];
}

/** Reads HEAD and the tracked-file status now. Never throws. */
export function codeVersion(): CodeVersion {
  const git = (...a: string[]) =>
    execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    const changed = git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3));
    return {
      commit,
      dirty: changed.length > 0,
      ...(changed.length ? { dirtyFiles: changed.slice(0, 20) } : {}),
    };
  } catch {
    return { commit: null, dirty: null };
  }
}

/**
 * Taken when the benchmark starts (this module is imported before it runs): the code it loaded. A
 * commit made by someone else while it runs does not change what it measured.
 */
const atStart = codeVersion();
const startedAt = new Date().toISOString();

/**
 * Every benchmark ends here: JSON to bench/results/<name>.json and to stdout, then a readable summary.
 * Each result records when it was produced (`date`, `startedAt`) and on which code (`commit`, `dirty`),
 * so a report can tell a figure of this run from one carried over from an older commit.
 */
export function writeResult(name: string, result: Record<string, unknown>, summary: string[]): void {
  const file = `${resultsDir}${name}.json`;
  mkdirSync(dirname(file), { recursive: true });
  const doc = {
    name,
    date: new Date().toISOString(),
    startedAt,
    commit: atStart.commit,
    dirty: atStart.dirty,
    ...(atStart.dirtyFiles ? { dirtyFiles: atStart.dirtyFiles } : {}),
    node: process.version,
    ...result,
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(JSON.stringify(doc) + '\n\n' + summary.join('\n') + '\n');
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** The middle value; the mean of the two middle ones for an even count (percentile(50) takes the lower). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
