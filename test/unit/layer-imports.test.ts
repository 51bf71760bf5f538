import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.1: the layers of plugin/ (docs/design.md §2) and the test tier are held by lint rules, and `npm test` runs
// lint. This proves each folder's rule fires on an import across its line and lets a legal one
// through, so an edit of eslint.config.js cannot quietly switch a layer's rule off.
const CASES: { file: string; forbidden: string[]; allowed: string[]; typesAllowed?: boolean }[] = [
  {
    file: 'plugin/protocol/planted.ts',
    forbidden: ['node:fs', 'phaser', '../session/index.js', '../npc/index.js', '../proximity/index.js'],
    allowed: ['./messages.js'],
  },
  {
    file: 'plugin/proximity/planted.ts',
    forbidden: ['../session/index.js', 'node:path', '../npc/index.js', '../protocol/index.js'],
    allowed: ['./grid.js'],
  },
  {
    file: 'plugin/npc/planted.ts',
    forbidden: ['node:fs', '../server/index.js', '../proximity/index.js', '../common/emitter.js'],
    allowed: ['./defaults.js'],
  },
  {
    file: 'plugin/session/planted.ts',
    forbidden: ['../npc/index.js', '../audio/index.js', 'howler', 'node:net'],
    allowed: ['../protocol/index.js', '../common/emitter.js'],
  },
  {
    file: 'plugin/audio/planted.ts',
    forbidden: ['../session/index.js', '../npc/index.js', '../server/index.js'],
    allowed: ['../protocol/index.js', '../common/emitter.js'],
  },
  {
    file: 'plugin/phaser/planted.ts',
    forbidden: ['../server/index.js', '../vite/index.js', 'node:fs', 'ws'],
    allowed: ['../audio/index.js', '../session/index.js', '../npc/index.js'],
  },
  {
    file: 'plugin/common/planted.ts',
    forbidden: ['../protocol/index.js', 'node:events', 'phaser'],
    allowed: ['./emitter.js'],
  },
  {
    file: 'plugin/server/agent/planted.ts',
    forbidden: ['../../phaser/index.js', '../../audio/index.js', '../../vite/index.js', 'howler'],
    allowed: ['../../npc/index.js', '../../protocol/index.js', 'node:fs', 'ws'],
  },
  {
    file: 'test/unit/planted.test.ts',
    forbidden: ['../../bench/lib/report.js'],
    allowed: ['../../harness/repo.js', '../../plugin/index.js'],
    // Tests may share the types of the bench pages' window APIs, never their code.
    typesAllowed: true,
  },
  {
    file: 'plugin/vite/planted.ts',
    forbidden: ['../phaser/index.js', '../session/index.js'],
    allowed: ['../server/broker/mount.js', '../npc/index.js', 'node:fs', 'vite'],
  },
];

describe('the layers of plugin/ are held by lint', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  // The three ways a module can name another: a declaration, a lazy import(), a type position.
  const FORMS = {
    static: (from: string) => `import * as planted from '${from}';\nexport const p = planted;\n`,
    lazy: (from: string) => `export const p = () => import('${from}');\n`,
    type: (from: string) => `export type P = import('${from}').Planted;\n`,
  };
  const lint = async (filePath: string, text: string) =>
    (await eslint.lintText(text, { filePath })).flatMap((r) => r.messages.map((m) => m.ruleId));

  for (const c of CASES) {
    const name = `${c.file.replace(/\/planted.*$/, '')}: ${c.forbidden.join(', ')} refused; ${c.allowed.join(', ')} allowed`;
    it(name, async () => {
      for (const from of c.forbidden) {
        expect(await lint(c.file, FORMS.static(from)), from).toEqual(['no-restricted-imports']);
        expect(await lint(c.file, FORMS.lazy(from)), `import('${from}')`).toEqual(['no-restricted-syntax']);
        expect(await lint(c.file, FORMS.type(from)), `import('${from}') type`).toEqual(
          c.typesAllowed ? [] : ['no-restricted-syntax'],
        );
      }
      for (const from of c.allowed)
        for (const form of Object.values(FORMS)) expect(await lint(c.file, form(from)), from).toEqual([]);
    });
  }
});

describe('tests and benches wait with the one polling helper', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const lint = async (body: string, filePath = 'test/unit/planted.test.ts') =>
    (await eslint.lintText(`${body}\n`, { filePath })).flatMap((r) => r.messages.map((m) => m.ruleId));

  it("vitest's expect.poll and vi.waitFor are refused; poll() from harness/poll.ts is not", async () => {
    expect(await lint("import { expect } from 'vitest';\nawait expect.poll(() => 1).toBe(1);")).toEqual([
      'no-restricted-properties',
    ]);
    expect(await lint("import { vi } from 'vitest';\nawait vi.waitFor(() => 1);")).toEqual([
      'no-restricted-properties',
    ]);
    expect(
      await lint("import { poll } from '../../harness/poll.js';\nawait poll(() => 1, (v) => v === 1);"),
    ).toEqual([]);
  });

  it("Playwright's page.waitForFunction is refused in test/, bench/ and harness/; pollPage() is not", async () => {
    const planted =
      "import type { Page } from 'playwright-core';\ndeclare const page: Page;\n" +
      'await page.waitForFunction(() => document.title === "ready", null, { timeout: 30_000 });';
    for (const file of [
      'test/browser/planted.test.ts',
      'test/e2e/helpers/planted.ts',
      'bench/planted.bench.ts',
      'bench/pages/planted/main.ts',
      'harness/planted.ts',
    ])
      expect(await lint(planted, file), file).toEqual(['no-restricted-properties']);
    // On a frame, or read through a variable: still refused.
    expect(
      await lint(
        "import type { Frame } from 'playwright-core';\ndeclare const frame: Frame;\nawait frame.waitForFunction(() => true);",
        'test/browser/planted.test.ts',
      ),
    ).toEqual(['no-restricted-properties']);
    expect(
      await lint(
        "import type { Page } from 'playwright-core';\nimport { pollPage } from '../../harness/poll.js';\n" +
          'declare const page: Page;\n' +
          "await pollPage(page, () => document.title, (t) => t === 'ready', { what: 'the title', timeout: 30_000 });",
        'test/browser/planted.test.ts',
      ),
    ).toEqual([]);
  });
});
