import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.4: benches share helpers with the tests through harness/, never by importing test/ (a
// tidied test would silently break or skew a bench). The lint rule holds that line; this proves the
// rule fires, so a config edit cannot quietly turn it off.
describe('bench/ and harness/ imports', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const lint = async (filePath: string, text: string) =>
    (await eslint.lintText(text, { filePath })).flatMap((r) => r.messages.map((m) => m.ruleId));

  it('a bench importing test code fails lint, statically or lazily; harness/ is allowed', async () => {
    expect(
      await lint(
        'bench/planted.bench.ts',
        "import { watchPage } from '../test/helpers/browser.js';\nexport const p = watchPage;\n" +
          "export const q = () => import('../test/unit/agent-fixtures.js');\n",
      ),
    ).toEqual(['no-restricted-imports', 'no-restricted-syntax']);
    expect(
      await lint(
        'bench/planted.bench.ts',
        "import { launchBrowser } from '../harness/browser.js';\nexport const l = launchBrowser;\n",
      ),
    ).toEqual([]);
  });

  it('harness/ imports neither test/ nor bench/', async () => {
    expect(
      await lint(
        'harness/planted.ts',
        "import { watchPage } from '../test/helpers/browser.js';\nimport { round } from '../bench/lib/report.js';\n" +
          'export const p = [watchPage, round];\n',
      ),
    ).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });
});
