/** A plain line diff (longest common subsequence): what `pull` shows and how it edits a file. */

export interface Hunk {
  /** 1-based line in the old text where the hunk starts. */
  line: number;
  removed: string[];
  added: string[];
}

export function lineDiff(a: string[], b: string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]. NPC files are a few
  // hundred lines at most, so the full table is small.
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const hunks: Hunk[] = [];
  let cur: Hunk | null = null;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      cur = null;
      i++;
      j++;
      continue;
    }
    if (!cur) hunks.push((cur = { line: i + 1, removed: [], added: [] }));
    if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) cur.added.push(b[j++]!);
    else cur.removed.push(a[i++]!);
  }
  return hunks;
}

/** `lines` with the hunks (computed against them) applied. */
export function applyHunks(lines: string[], hunks: Hunk[]): string[] {
  const out = [...lines];
  for (const h of [...hunks].reverse()) out.splice(h.line - 1, h.removed.length, ...h.added);
  return out;
}
