/**
 * Import cycles among the modules of plugin/ and harness/ (issue 17.5), type-only imports included:
 * a cycle means two modules can only be understood together, whatever the compiler erases. Dynamic
 * `import()` counts too (a lazily loaded chunk that imports back is still a knot).
 *
 * Run: npx tsx scripts/import-cycles.ts   (prints each cycle as `a -> b -> a`; exit 1 if any)
 */
import ts from 'typescript';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { isFile, root, target, walk } from './module-graph.js';

/** Relative imports of one file's text: every specifier, whatever it imports and however. */
function importsOf(file: string, text: string, exists: (path: string) => boolean): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const add = (spec: string) => {
    const t = target(file, spec, exists);
    if (t) out.push(t);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      add((node.moduleSpecifier as ts.StringLiteral).text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = node.arguments[0];
      if (a && ts.isStringLiteralLike(a)) add(a.text);
    } else if (ts.isImportTypeNode(node)) {
      const a = node.argument;
      if (ts.isLiteralTypeNode(a) && ts.isStringLiteral(a.literal)) add(a.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every cycle's strongly connected set of modules, each as a path that closes on itself. */
export function importCycles(extra: Record<string, string> = {}): string[] {
  const files = [
    ...walk(join(root, 'plugin')),
    ...walk(join(root, 'harness')),
    ...Object.keys(extra).map((f) => join(root, f)),
  ];
  const exists = (file: string) => relative(root, file) in extra || isFile(file);
  const edges = new Map<string, string[]>();
  for (const f of files)
    edges.set(f, importsOf(f, extra[relative(root, f)] ?? ts.sys.readFile(f) ?? '', exists));
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    on = new Set<string>(),
    sccs: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) sccs.push(scc);
    }
  };
  for (const f of files) if (!index.has(f)) connect(f);
  // Each component as one cycle through it: from its first file, follow edges inside it home.
  return sccs
    .map((scc) => {
      const inside = new Set(scc);
      const start = [...scc].sort()[0]!;
      const path = [start];
      const seen = new Set([start]);
      for (;;) {
        const from = path[path.length - 1]!;
        const to = (edges.get(from) ?? []).filter((w) => inside.has(w));
        const home = to.find((w) => w === start);
        if (home && path.length > 1) break;
        const step = to.find((w) => !seen.has(w)) ?? start;
        if (step === start) break;
        path.push(step);
        seen.add(step);
      }
      return (
        [...path, start].map((f) => relative(root, f)).join(' -> ') +
        (scc.length > path.length ? ` (+${scc.length - path.length} more in the knot)` : '')
      );
    })
    .sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const found = importCycles();
  for (const l of found) console.log(l);
  process.exitCode = found.length ? 1 : 0;
}
