import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.6: one privacy convention, `#name`. The lint rule holds it everywhere (plugin, sample
// game, tests, benches, whose config block overrides the rule list); this proves it fires there.
describe('the #private convention', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  const rules = async (filePath: string, text: string) =>
    (await eslint.lintText(text, { filePath })).flatMap((r) => r.messages.map((m) => m.message));
  const privateKeyword = [
    'export class A {\n  private a = 1;\n  private b(): number {\n    return this.a;\n  }\n',
    '  constructor(private readonly c: number) {\n    this.b();\n  }\n}\n',
  ].join('');
  const hashPrivate = [
    'export class A {\n  #a = 1;\n  #b(): number {\n    return this.#a;\n  }\n',
    '  private constructor(readonly c: number) {\n    this.#b();\n  }\n}\n',
  ].join('');

  it.each([
    'plugin/server/agent/planted.ts',
    'plugin/audio/planted.ts',
    'sample-game/planted.ts',
    'bench/planted.ts',
  ])(
    '%s: a private field, method or parameter property fails lint; #private and a private constructor pass',
    async (file) => {
      const bad = await rules(file, privateKeyword);
      expect(bad.filter((m) => m.includes('#private member'))).toHaveLength(3);
      expect(await rules(file, hashPrivate)).toEqual([]);
    },
  );
});
