/**
 * The NPC-file compiler under structure-aware fuzzing. npc-compile.test.ts already throws random text
 * and character edits at it; this file generates YAML that is well-formed but wrong in shape (every
 * schema field set to hostile values, real files with fields swapped), plus the classic YAML attacks
 * (alias bombs, deep nesting, huge files, tags, multi-document). The compiler must never throw, must
 * answer with a typed result, and a designer must get a positioned message for every problem.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { compileNpcFile, type NpcCompileResult } from '../../plugin/npc/index.js';

const npcsDir = fileURLToPath(new URL('../../assets/npcs/', import.meta.url));
const SAMPLES = readdirSync(npcsDir)
  .filter((f) => f.endsWith('.npc.yaml'))
  .map((f) => readFileSync(npcsDir + f, 'utf8'));
const CODES = [
  'syntax',
  'type',
  'range',
  'format',
  'unknown-key',
  'required',
  'duplicate-key',
  'duplicate-id',
  'invalid-id',
  'inconsistent',
  'unknown-npc',
  'limit',
  'skipped-file',
];

/** The typed-result contract, checked for every generated file. */
function expectTypedResult(src: string, res: NpcCompileResult): void {
  const lines = src.split(/\r\n|\r|\n/).length;
  const problems = res.ok ? res.warnings : res.errors;
  if (!res.ok) expect(res.errors.length).toBeGreaterThan(0);
  for (const e of problems) {
    expect(CODES).toContain(e.code);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(typeof e.path).toBe('string');
    expect(e.message.length).toBeGreaterThan(5);
    // The compiler's catch-all: a rule crashed on input nobody anticipated.
    expect(e.message).not.toMatch(/^could not read this file/);
  }
  if (res.ok) {
    const n = res.npc;
    expect(typeof n.id).toBe('string');
    expect(typeof n.name).toBe('string');
    for (const v of [n.proximity.radius, n.proximity.exit_radius, n.proximity.dwell_ms, n.bubble.max_width])
      expect(Number.isFinite(v)).toBe(true);
    expect(n.proximity.exit_radius).toBeGreaterThanOrEqual(n.proximity.radius);
    expect(Array.isArray(n.local.replies)).toBe(true);
    for (const r of n.local.replies) {
      expect(Array.isArray(r.when)).toBe(true);
      expect(typeof r.say).toBe('string');
    }
  }
}

function compile(src: string): NpcCompileResult {
  let res: NpcCompileResult | undefined;
  expect(() => (res = compileNpcFile(src, 'fuzz.npc.yaml'))).not.toThrow();
  expectTypedResult(src, res!);
  return res!;
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    NaN,
    Infinity,
    -1,
    1e308,
    -0,
    '',
    ' ',
    '{{unclosed',
    '\u0000',
    '\u202e',
    'x'.repeat(10_000),
    [],
    {},
    null,
    '#zzzzzz',
    'en us',
    '__proto__',
  ),
);

/** Every dotted path of a parsed sample, so mutations reach each field the schema knows. */
function paths(obj: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (obj === null || typeof obj !== 'object') return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(obj))
    out.push(...paths(v, [...prefix, Array.isArray(obj) ? Number(k) : k]));
  return out;
}

/** The object or array at `path` (one of paths()'s, without its last key) in a parsed document. */
function containerAt(doc: object, path: (string | number)[]): object {
  let node: object = doc;
  for (const k of path) {
    const next: unknown = Reflect.get(node, k);
    if (typeof next !== 'object' || next === null) throw new Error(`no object or array at ${path.join('.')}`);
    node = next;
  }
  return node;
}

describe('NPC compiler under structure-aware fuzzing', () => {
  it('a real NPC file with any field replaced, deleted or renamed: a typed answer every time (1,000 files)', () => {
    const parsed = SAMPLES.map((s) => parseDocument(s).toJS() as Record<string, unknown>);
    fc.assert(
      fc.property(
        fc.nat(parsed.length - 1),
        fc.nat(),
        fc.constantFrom('replace', 'delete', 'rename', 'wrap'),
        hostile,
        fc.string({ maxLength: 12 }),
        (which, pick, op, value, newKey) => {
          const doc = structuredClone(parsed[which]!);
          const all = paths(doc);
          const path = all[pick % all.length]!;
          const parent = containerAt(doc, path.slice(0, -1));
          const key = path.at(-1)!;
          if (op === 'replace') Reflect.set(parent, key, value);
          else if (op === 'delete') Reflect.deleteProperty(parent, key);
          else if (op === 'wrap') Reflect.set(parent, key, [Reflect.get(parent, key)]);
          else if (!Array.isArray(parent)) {
            Reflect.set(parent, newKey, Reflect.get(parent, key));
            Reflect.deleteProperty(parent, key);
          }
          let src: string;
          try {
            src = stringify(doc);
          } catch {
            return; // yaml cannot serialize this value (e.g. NaN keys); nothing to compile
          }
          compile(src);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('arbitrary YAML documents built from the schema vocabulary: a typed answer every time (1,000 files)', () => {
    const key = fc.constantFrom(
      'name',
      'agent',
      'prompt',
      'text',
      'temperature',
      'max_tokens',
      'first_message',
      'language',
      'voice',
      'voice_id',
      'voice_settings',
      'stability',
      'asr',
      'keywords',
      'dynamic_variables',
      'proximity',
      'radius',
      'exit_radius',
      'priority',
      'dwell_ms',
      'prewarm_radius',
      'bubble',
      'max_width',
      'tags',
      'local',
      'replies',
      'when',
      'say',
      'tool',
      'fallback',
      'engine_voice',
      'rate',
      'pitch',
      'extra',
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        hostile,
        fc.dictionary(key, tie('tree'), { maxKeys: 6 }),
        fc.array(tie('tree'), { maxLength: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 8 }), (doc) => {
        let src: string;
        try {
          src = stringify(doc);
        } catch {
          return;
        }
        compile(src);
      }),
      { numRuns: 1000 },
    );
  });

  it('an alias bomb (billion laughs) is refused quickly with a positioned error, not expanded', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const src = `name: Bomb\n${levels.join('\n')}\nagent: { prompt: { text: *j } }\n`;
    const start = performance.now();
    const res = compile(src);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(res.ok).toBe(false);
  });

  it('deep nesting, a huge file, tags, multiple documents, a BOM and CRLF line ends all get typed answers', () => {
    const base = SAMPLES[0]!;
    const cases = [
      'name: Deep\nagent: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n',
      'name: Deep\nagent:\n' +
        Array.from({ length: 300 }, (_, i) => ' '.repeat(i + 1) + 'a:').join('\n') +
        ' 1\n',
      base + '\n' + Array.from({ length: 20_000 }, (_, i) => `# filler ${i}`).join('\n'),
      'name: !!binary aGVsbG8=\nagent: !custom { prompt: { text: hi } }\n',
      base + '\n---\nname: Second\n',
      '\uFEFF' + base,
      base.replace(/\n/g, '\r\n'),
      base.replace(/^name:.*$/m, 'name: [unclosed'),
      '%YAML 1.1\n---\n' + base,
      'name: &x Loop\nagent: { prompt: { text: *x }, first_message: *x }\nlocal: { fallback: *x }\n',
      '? [complex, key]\n: value\nname: x\n',
    ];
    for (const src of cases) compile(src);
  });
});
