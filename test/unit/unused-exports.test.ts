import { describe, expect, it } from 'vitest';
import { unusedExports } from '../../scripts/unused-exports.js';

// Issue 17.4: no export of plugin/ or harness/ that nothing imports. Dead code costs every reader; a name that
// is only used inside its module is not exported. `npx tsx scripts/unused-exports.ts` lists them.
describe('exports', () => {
  it('every export of plugin/ and harness/ is imported somewhere (the entry points excepted)', () => {
    expect(unusedExports()).toEqual([]);
  });

  it('the check sees a dead export (a planted one is reported, a used one is not)', () => {
    expect(
      unusedExports({
        'plugin/common/planted.ts': 'export const plantedDead = 1;\nexport function plantedUsed(): void {}\n',
        'test/unit/planted-user.ts':
          "import { plantedUsed } from '../../plugin/common/planted.js';\nplantedUsed();\n",
      }),
    ).toEqual(['plugin/common/planted.ts: plantedDead']);
  });
});
