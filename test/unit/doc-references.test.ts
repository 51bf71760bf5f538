import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.4: the repository cites only documents it holds. Code comments and the README cite the
// design and the protocol reference by section ("docs/design.md §8"); those live in docs/, and
// nothing points outside the repository (a fresh clone has no ../shared).
const SCANNED = ['plugin', 'bench', 'test', 'harness', 'scripts', 'sample-game', 'docs', '.ci'];
const FILES = ['README.md', 'eslint.config.js', 'vitest.config.ts', 'vite.config.ts', 'package.json'];
const TEXT = /\.(ts|mts|js|json|md|yaml|tsv|sh)$|^run$/;

/** Written while the tests run (results, the README examples' generated/): not the repository's text. */
const SKIPPED = new Set(['node_modules', 'results', 'generated', 'test-results']);

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIPPED.has(name) || (name.startsWith('.') && name !== '.ci')) continue;
    const p = join(dir, name);
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) walk(p, out);
    else if (TEXT.test(name)) out.push(p);
  }
  return out;
}

function sources(): { path: string; text: string }[] {
  const paths = SCANNED.flatMap((d) => (existsSync(repoRoot + d) ? walk(repoRoot + d, []) : []));
  for (const f of FILES) if (existsSync(repoRoot + f)) paths.push(repoRoot + f);
  return paths.map((p) => ({ path: relative(repoRoot, p), text: readFileSync(p, 'utf8') }));
}

/** Section numbers a Markdown file has ("## 8. Performance" -> 8, "### 2.3 Server" -> 2.3). */
function sections(doc: string): Set<string> {
  const out = new Set<string>();
  for (const m of readFileSync(repoRoot + doc, 'utf8').matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm))
    out.add(m[1]!);
  return out;
}

/** Every broken citation in `files`: a docs/ file that is missing, a section it lacks, a path outside. */
function brokenCitations(files: { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  const known = new Map<string, Set<string>>();
  for (const { path, text } of files) {
    if (path === 'test/unit/doc-references.test.ts') continue; // its own examples
    for (const m of text.matchAll(/\.\.\/shared\/|shared\/reference\//g))
      bad.push(`${path}: points outside the repository (${m[0]})`);
    // A bare "design §N" or "convai-protocol.md §N" without docs/ is a citation a reader cannot follow.
    for (const m of text.matchAll(/(?<!docs\/)(?<![\w/])(design|convai-protocol\.md) §/g))
      bad.push(`${path}: "${m[0]}" does not say where the document is (docs/…)`);
    for (const m of text.matchAll(/docs\/([\w-]+\.md)(?: §(\d+(?:\.\d+)*))?/g)) {
      const doc = `docs/${m[1]}`;
      if (!existsSync(repoRoot + doc)) {
        bad.push(`${path}: cites ${doc}, which is not in the repository`);
        continue;
      }
      const section = m[2];
      if (!section) continue;
      let s = known.get(doc);
      if (!s) known.set(doc, (s = sections(doc)));
      if (!s.has(section)) bad.push(`${path}: cites ${doc} §${section}, which has no such section`);
    }
  }
  return bad;
}

/** Relative Markdown links ("[x](docs/a.md)") of the README and docs/ that lead nowhere. */
function brokenLinks(files: { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const { path, text } of files) {
    if (!path.endsWith('.md')) continue;
    for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      if (!existsSync(join(repoRoot, dirname(path), target)))
        bad.push(`${path}: link to ${target} leads nowhere`);
    }
  }
  return bad;
}

describe('documents the code cites', () => {
  it('every citation names a document in docs/ and a section it has; nothing points outside the repository', () => {
    expect(brokenCitations(sources())).toEqual([]);
  });

  it('every relative link of the README and docs/ leads to a file', () => {
    expect(brokenLinks(sources())).toEqual([]);
  });

  it('the checks see a bad citation and a bad link', () => {
    expect(
      brokenCitations([
        { path: 'a.ts', text: '// see ../shared/design.md and design §8' },
        { path: 'b.ts', text: '// docs/design.md §8 holds; docs/design.md §42 does not; docs/nothing.md' },
      ]),
    ).toEqual([
      'a.ts: points outside the repository (../shared/)',
      'a.ts: "design §" does not say where the document is (docs/…)',
      'b.ts: cites docs/design.md §42, which has no such section',
      'b.ts: cites docs/nothing.md, which is not in the repository',
    ]);
    const readme = { path: 'README.md', text: 'see [this](docs/design.md) and [that](docs/gone.md)' };
    expect(brokenLinks([readme])).toEqual(['README.md: link to docs/gone.md leads nowhere']);
  });
});
