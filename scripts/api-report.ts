/**
 * The public surface of each package entry point, one name per line (`value name` or `type name`),
 * from the TypeScript compiler's view of the entry modules. Committed as test/api/*.api.txt and
 * compared by test/unit/api-report.test.ts, so every change to what users can import shows in
 * review. Write the files again with: npx tsx scripts/api-report.ts --write
 */
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

export const ENTRIES: Record<string, string> = {
  browser: 'plugin/index.ts',
  vite: 'plugin/vite/index.ts',
  server: 'plugin/server/index.ts',
  tiled: 'plugin/npc/tiled.ts',
  audio: 'plugin/audio/index.ts',
};

export function apiReport(): Record<string, string> {
  const files = Object.values(ENTRIES).map((f) => root + f);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(root + file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`cannot read the exports of ${file}`);
    const lines = checker.getExportsOfModule(module).map((sym) => {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
      return `${isValue ? 'value' : 'type'} ${sym.getName()}`;
    });
    out[name] = `${lines.sort().join('\n')}\n`;
  }
  return out;
}

export const reportPath = (entry: string) => `${root}test/api/${entry}.api.txt`;

if (process.argv.includes('--write')) {
  for (const [entry, text] of Object.entries(apiReport())) {
    const path = reportPath(entry);
    let before = '';
    try {
      before = readFileSync(path, 'utf8');
    } catch {
      before = '';
    }
    if (before !== text) writeFileSync(path, text);
    process.stdout.write(
      `${entry}: ${text.split('\n').filter(Boolean).length} names${before === text ? '' : ' (written)'}\n`,
    );
  }
}
