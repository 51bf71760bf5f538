/**
 * Exports of plugin/ and harness/ that nothing imports (issue 17.4): dead code a reader must still
 * understand.
 * Every .ts file of the project (plugin, tests, benches, scripts, the sample game) counts as a user;
 * the package's entry points are the public surface and are never reported. A name imported only by
 * tests still counts as used: tests may reach internals.
 *
 * Run: npx tsx scripts/unused-exports.ts   (prints one `file: name` per line; exit 1 if any)
 */
import ts from 'typescript';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRIES } from './api-report.js';
import { FOLDERS, isFile, root, target, walk } from './module-graph.js';

/** `extra`: more files (path relative to the root -> text), as if they were in the project. */
export function unusedExports(extra: Record<string, string> = {}): string[] {
  const files = [
    ...FOLDERS.flatMap((f) => walk(join(root, f))),
    ...Object.keys(extra).map((f) => join(root, f)),
  ];
  const read = (file: string) => extra[relative(root, file)] ?? ts.sys.readFile(file) ?? '';
  const exists = (file: string) => relative(root, file) in extra || isFile(file);
  const used = new Map<string, Set<string>>(); // file -> names imported from it ('*' = all)
  const use = (file: string | null, name: string) => {
    if (!file) return;
    let s = used.get(file);
    if (!s) used.set(file, (s = new Set()));
    s.add(name);
  };
  const exported = new Map<string, string[]>();
  for (const file of files) {
    const sf = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, true);
    const names: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
        const spec = node.moduleSpecifier;
        if (spec && ts.isStringLiteral(spec)) {
          const to = target(file, spec.text, exists);
          const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
          if (ts.isImportDeclaration(node)) {
            if (!clause)
              use(to, '*'); // side-effect import
            else {
              if (clause.name) use(to, 'default');
              const b = clause.namedBindings;
              if (b && ts.isNamespaceImport(b)) use(to, '*');
              else if (b) for (const e of b.elements) use(to, (e.propertyName ?? e.name).text);
            }
          } else {
            const clauseE = node.exportClause;
            if (!clauseE || ts.isNamespaceExport(clauseE)) use(to, '*');
            else for (const e of clauseE.elements) use(to, (e.propertyName ?? e.name).text);
          }
        }
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const a = node.arguments[0];
        if (a && ts.isStringLiteralLike(a)) use(target(file, a.text, exists), '*');
      } else if (ts.isImportTypeNode(node)) {
        const a = node.argument;
        if (ts.isLiteralTypeNode(a) && ts.isStringLiteral(a.literal))
          use(target(file, a.literal.text, exists), '*');
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    // The file's own exported declarations.
    for (const st of sf.statements) {
      const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      if (!mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) names.push('default');
      else if (ts.isVariableStatement(st))
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) names.push(d.name.text);
        }
      else if ('name' in st && st.name && ts.isIdentifier(st.name as ts.Node))
        names.push((st.name as ts.Identifier).text);
    }
    exported.set(file, names);
  }
  const entries = new Set(Object.values(ENTRIES).map((f) => join(root, f)));
  const out: string[] = [];
  for (const [file, names] of exported) {
    const checked = file.startsWith(join(root, 'plugin')) || file.startsWith(join(root, 'harness'));
    if (!checked || entries.has(file)) continue;
    const u = used.get(file);
    if (u?.has('*')) continue;
    for (const n of names) if (!u?.has(n)) out.push(`${relative(root, file)}: ${n}`);
  }
  return out.sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const found = unusedExports();
  for (const l of found) console.log(l);
  process.exitCode = found.length ? 1 : 0;
}
