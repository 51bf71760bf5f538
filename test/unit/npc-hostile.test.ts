/**
 * Crafted NPC files (issue 12 items 9 and 10): each used to stall the dev server's event loop for
 * seconds to minutes, or to slip past validation. Every one must now be refused quickly with an
 * error naming the file, line and field. Time limits are generous upper bounds, not benchmarks.
 */
import { describe, expect, it } from 'vitest';
import { compileNpcFile, formatNpcError, type NpcCompileResult } from '../../plugin/npc/index.js';

const HEAD = 'name: X\nagent: { prompt: { text: hi } }\n';

function timed(src: string, file = 'x.npc.yaml'): { res: NpcCompileResult; ms: number } {
  const start = performance.now();
  const res = compileNpcFile(src, file);
  return { res, ms: performance.now() - start };
}

const errorsOf = (res: NpcCompileResult) => (res.ok ? [] : res.errors.map(formatNpcError));

/** 1-based line of the first line containing `needle`. */
const lineOf = (src: string, needle: string) => src.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('NPC compiler limits', () => {
  it('refuses a 200 KB file, and a 50 MB one at once, before parsing it', () => {
    // The small one first: without the limit the 50 MB one takes minutes and gigabytes.
    const big = timed(HEAD + '# a comment line of filler\n'.repeat(8000));
    expect(errorsOf(big.res)).toEqual([
      'x.npc.yaml:1:1 the file is too large (216,040 characters); an NPC file may be at most 128 KB',
    ]);
    const huge = timed(HEAD + '# filler\n'.repeat((50 * 1024 * 1024) / 9));
    expect(huge.ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    expect(errorsOf(huge.res)).toEqual([
      expect.stringMatching(
        /^x\.npc\.yaml:1:1 the file is too large \([\d,]+ characters\); an NPC file may be at most 128 KB$/,
      ),
    ]);
  });

  it('refuses lists nested 40,000 deep with the line, not a stack overflow message', () => {
    const src = HEAD + 'knowledge: ' + '['.repeat(40_000) + ']'.repeat(40_000) + '\n';
    const { res } = timed(src);
    expect(errorsOf(res)).toEqual([
      expect.stringMatching(/^x\.npc\.yaml:3:\d+ YAML syntax error: lists or maps nest too deeply here/),
    ]);
  });

  it('refuses an alias fan-out (a 60 KB file that expands to millions of `when` entries) in under 1 s', () => {
    const words = Array(3000).fill('a').join(', ');
    const src =
      HEAD +
      `local:\n  replies:\n    - { when: &w [${words}], say: hi }\n` +
      '    - { when: *w, say: hi }\n'.repeat(2000);
    expect(src.length).toBeLessThan(70_000);
    const { res, ms } = timed(src);
    expect(ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    const errors = errorsOf(res);
    expect(errors).toHaveLength(1);
    // The alias that crossed the limit: 3,000 values each, so the fourth alias (reply [4], line 9).
    expect(errors[0]).toBe(
      'x.npc.yaml:9:15 local.replies[4].when uses *w, and the aliases in this file repeat more than 10000 values; an NPC file may repeat at most 10000 (write the values out, or use fewer aliases)',
    );
  });

  it('refuses a nested alias bomb in tool parameters, and an alias inside its own anchor, in under 1 s', () => {
    const levels = ['      l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `      l${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const bomb =
      HEAD +
      'local:\n  replies:\n    - when: [a]\n      say: b\n      tool:\n        name: t\n        parameters:\n' +
      levels.map((l) => `    ${l}`).join('\n') +
      '\n';
    const { res, ms } = timed(bomb);
    expect(ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    expect(res.ok).toBe(false);
    expect(!res.ok && res.errors.map((e) => [e.code, e.path])).toEqual([
      // l0-l3 repeat 8,289 values; the first *l3 in l4 crosses 10,000.
      ['limit', 'local.replies[0].tool.parameters.l4[0]'],
    ]);

    const loop =
      HEAD + 'local: { replies: [ { when: [a], say: b, tool: { name: t, parameters: &p { a: *p } } } ] }\n';
    const cyc = timed(loop);
    expect(cyc.ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    expect(errorsOf(cyc.res)).toEqual([
      'x.npc.yaml:3:79 local.replies[0].tool.parameters.a uses *p inside the very group &p names, which would repeat it forever',
    ]);
  });

  it('checks 10,000 keys in one group in linear time: refused past 1,000 with the line of the first extra key', () => {
    // yaml's own uniqueKeys compared each key with every earlier one: this took seconds (62,500: 147 s).
    const keys = Array.from({ length: 10_000 }, (_, i) => `    k${i.toString(36)}: 1`).join('\n');
    const src = `name: X\nagent:\n  prompt: { text: hi }\n  dynamic_variables:\n${keys}\n`;
    const { res, ms } = timed(src);
    expect(ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    expect(errorsOf(res)).toEqual([
      `x.npc.yaml:${lineOf(src, `k${(1000).toString(36)}:`)}:5 agent.dynamic_variables has more than 1000 fields; an NPC file allows at most 1000 in one group`,
    ]);
  });

  it('accepts 1,000 keys in a group, and still finds a duplicate among them with its line', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `    k${i}: ${i}`);
    const src = `name: X\nagent:\n  prompt: { text: hi }\n  dynamic_variables:\n${keys.join('\n')}\n`;
    const ok = timed(src);
    expect(ok.ms).toBeLessThan(5000); // generous on a loaded CI machine; the unbounded code took 7.6-43 s
    expect(ok.res.ok && Object.keys(ok.res.npc.agent.dynamic_variables!)).toHaveLength(1000);
    const dup = src.replace('    k998: 998', '    k12: 998');
    expect(errorsOf(compileNpcFile(dup, 'x.npc.yaml'))).toEqual([
      `x.npc.yaml:${lineOf(dup, 'k12: 998')}:5 k12 appears twice in the same group; keep only one`,
    ]);
  });
});

describe('NPC field names that reach JavaScript internals', () => {
  it('refuses __proto__, constructor and prototype anywhere, with file, line and field', () => {
    const src = [
      'name: X',
      'constructor: 1',
      'agent:',
      '  prompt: { text: hi }',
      '  dynamic_variables: { __proto__: 3, prototype: 4 }',
      'local:',
      '  replies:',
      '    - when: [a]',
      '      say: b',
      '      tool: { name: t, parameters: { __proto__: { polluted: 1 } } }',
      '',
    ].join('\n');
    const res = compileNpcFile(src, 'x.npc.yaml');
    expect(res.ok).toBe(false);
    expect(!res.ok && res.errors.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual([
      '2:1 constructor',
      '5:24 agent.dynamic_variables.__proto__',
      '5:38 agent.dynamic_variables.prototype',
      '10:38 local.replies[0].tool.parameters.__proto__',
    ]);
    expect(errorsOf(res)[0]).toBe(
      'x.npc.yaml:2:1 constructor cannot be used: "constructor" is reserved in JavaScript and is never a field name; rename it',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('{{variables}} that nothing provides', () => {
  it('warns at the text that uses them; names the game or the local agent provides pass', () => {
    const src = [
      'name: X',
      'agent:',
      '  prompt: { text: "You run {{shop}} for {{owner}}." }',
      '  first_message: "It is {{system__time_utc}}."',
      '  dynamic_variables: { shop: Wares }',
      '  tools: [{ name: open_gate, description: Opens the gate. }]',
      'local:',
      '  replies:',
      '    - when: [gate]',
      '      say: "{{user_text}}? {{context.weather}} {{tool.open_gate}} {{tool.close_gate}} {{player}}"',
      '      tool: { name: open_gate }',
      '',
    ].join('\n');
    const res = compileNpcFile(src, 'x.npc.yaml');
    expect(res.ok).toBe(true);
    expect(res.warnings.map(formatNpcError)).toEqual([
      'x.npc.yaml:3:19 agent.prompt.text uses {{owner}}, which agent.dynamic_variables does not define; the conversation is refused for a missing dynamic variable (add owner under agent.dynamic_variables)',
      'x.npc.yaml:10:12 local.replies[0].say uses {{tool.close_gate}}, but no reply in this file calls the tool close_gate, so it never gets a value',
      'x.npc.yaml:10:12 local.replies[0].say uses {{player}}, which agent.dynamic_variables does not define; the local agent would say it as written (add player under agent.dynamic_variables)',
    ]);
  });
});
