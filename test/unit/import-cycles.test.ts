import { describe, expect, it } from 'vitest';
import { importCycles } from '../../scripts/import-cycles.js';

// Issue 17.5: no import cycles among plugin/ modules, type-only imports included.
// `npx tsx scripts/import-cycles.ts` lists them.
describe('the module graph of plugin/', () => {
  it('has no import cycle, type-only or dynamic imports included', () => {
    expect(importCycles()).toEqual([]);
  });

  it('the check sees a cycle, even one made only of type imports', () => {
    expect(
      importCycles({
        'plugin/common/knot-a.ts': "import type { B } from './knot-b.js';\nexport type A = { b?: B };\n",
        'plugin/common/knot-b.ts': "import type { A } from './knot-a.js';\nexport type B = { a?: A };\n",
      }),
    ).toEqual(['plugin/common/knot-a.ts -> plugin/common/knot-b.ts -> plugin/common/knot-a.ts']);
  });
});
