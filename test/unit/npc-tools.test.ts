import { describe, expect, it } from 'vitest';
import { compileNpcFile, formatNpcError } from '../../plugin/npc/index.js';

// Client tools declared once in the NPC file (issue 14.1), and the reply rules that refer to other
// parts of the file (issue 15.3): what a level designer sees when they get them wrong.
const HEAD = `name: Mira
agent:
  prompt: { text: You sell lanterns. }
  tools:
    - name: open_shop
      description: Opens the shop window.
      parameters:
        type: object
        properties:
          shop: { type: string }
          discount: { type: number }
        required: [shop]
`;

const compile = (src: string) => compileNpcFile(src, 'mira.npc.yaml');
const errors = (src: string) => {
  const r = compile(src);
  return r.ok ? [] : r.errors.map(formatNpcError);
};
const lineOf = (src: string, text: string) => src.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('client tools in the NPC file', () => {
  it('compiles a declared tool, with expects_response false unless said', () => {
    const r = compile(
      `${HEAD}local:\n  replies:\n    - when: [buy]\n      say: Here you go.\n      tool: { name: open_shop, parameters: { shop: miras_wares } }\n`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.npc.agent.tools).toEqual([
      {
        name: 'open_shop',
        description: 'Opens the shop window.',
        parameters: {
          type: 'object',
          properties: { shop: { type: 'string' }, discount: { type: 'number' } },
          required: ['shop'],
        },
        expects_response: false,
      },
    ]);
  });

  it('an offline reply may call only a declared tool, named with file and line', () => {
    const src = `${HEAD}local:\n  replies:\n    - when: [gate]\n      say: Open!\n      tool: { name: open_gate }\n`;
    const [e, ...rest] = errors(src);
    expect(rest).toEqual([]);
    expect(e).toMatch(new RegExp(`^mira\\.npc\\.yaml:${lineOf(src, 'open_gate')}:\\d+ `));
    expect(e).toContain(
      'local.replies[0].tool.name "open_gate" is not declared in agent.tools (declared: open_shop)',
    );
  });

  it('checks the parameters a reply gives against the declaration', () => {
    const missing = `${HEAD}local:\n  replies:\n    - when: [buy]\n      say: Here.\n      tool: { name: open_shop, parameters: { discount: 5 } }\n`;
    expect(errors(missing).join('\n')).toContain(
      'local.replies[0].tool.parameters needs shop: open_shop requires it',
    );
    const wrong = `${HEAD}local:\n  replies:\n    - when: [buy]\n      say: Here.\n      tool: { name: open_shop, parameters: { shop: s, discount: cheap } }\n`;
    expect(errors(wrong).join('\n')).toContain(
      'local.replies[0].tool.parameters.discount must be number (declared in agent.tools), got string',
    );
  });

  it('refuses a tool declared twice and parameters that are not a JSON Schema object', () => {
    const twice = `${HEAD}    - name: open_shop\n      description: Again.\n`;
    expect(errors(twice)).toEqual([
      `mira.npc.yaml:${lineOf(twice, 'description: Again') - 1}:13 agent.tools[1].name "open_shop" is declared twice; each tool needs its own name`,
    ]);
    const notObject = HEAD.replace('type: object', 'type: string');
    expect(errors(notObject).join('\n')).toContain('agent.tools[0].parameters needs type: object');
    const badRequired = HEAD.replace('required: [shop]', 'required: [shelf]');
    expect(errors(badRequired).join('\n')).toContain('required names "shelf", which is not in properties');
  });

  it('the sample game declares every tool its replies call', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { repoRoot } = await import('../../harness/repo.js');
    for (const f of readdirSync(`${repoRoot}assets/npcs`).filter((n) => n.endsWith('.npc.yaml'))) {
      const r = compileNpcFile(readFileSync(`${repoRoot}assets/npcs/${f}`, 'utf8'), f);
      expect(r.ok, f).toBe(true);
      if (!r.ok) continue;
      const called = new Set(r.npc.local.replies.flatMap((x) => (x.tool ? [x.tool.name] : [])));
      const declared = new Set((r.npc.agent.tools ?? []).map((t) => t.name));
      expect(
        [...called].filter((n) => !declared.has(n)),
        f,
      ).toEqual([]);
      if (called.size) expect(declared.size, f).toBeGreaterThan(0);
    }
  });
});

describe('replies that follow other replies', () => {
  const file = (replies: string) =>
    `name: Aldric\nagent:\n  prompt: { text: A wizard. }\nlocal:\n  replies:\n${replies}`;

  it('`after` names a reply id of this file or greeting', () => {
    const ok = file(
      '    - id: asks\n      when: [quest]\n      say: Will you go?\n    - after: [asks, greeting]\n      when: [yes]\n      say: Go then.\n',
    );
    expect(errors(ok)).toEqual([]);
    const bad = file(
      '    - when: [quest]\n      say: Will you go?\n    - after: [asks]\n      when: [yes]\n      say: Go.\n',
    );
    expect(errors(bad)).toEqual([
      `mira.npc.yaml:${lineOf(bad, 'after: [asks]')}:15 local.replies[1].after names "asks", which is no reply id in this file (known: greeting)`,
    ]);
  });

  it('reply ids differ', () => {
    const src = file(
      '    - id: a\n      when: [x]\n      say: X.\n    - id: a\n      when: [y]\n      say: Y.\n',
    );
    expect(errors(src)).toEqual([
      `mira.npc.yaml:${lineOf(src, 'id: a') + 3}:11 local.replies[1].id "a" is also the id of local.replies[0]; reply ids must differ`,
    ]);
  });
});

describe('an invalid list item does not shift the indexes of later errors', () => {
  it('a reply after a malformed one is named by its own place in the file', () => {
    const src =
      'name: Aldric\nagent:\n  prompt: { text: A wizard. }\nlocal:\n  replies:\n' +
      '    - just words\n    - id: a\n      when: [x]\n      say: X.\n    - id: a\n      when: [y]\n      say: Y.\n';
    const all = errors(src);
    expect(all).toContain(
      `mira.npc.yaml:${lineOf(src, 'id: a') + 3}:11 local.replies[2].id "a" is also the id of local.replies[1]; reply ids must differ`,
    );
    expect(all.some((e) => e.includes('local.replies[1].id'))).toBe(false);
  });

  it('a reply calling an undeclared tool after a malformed tool declaration and reply', () => {
    const src =
      `${HEAD}    - 42\n    - name: open_shop\n      description: Twice.\n` +
      'local:\n  replies:\n    - 7\n    - when: [gate]\n      say: Open.\n      tool: { name: open_gate }\n';
    const all = errors(src);
    expect(all).toContain(
      `mira.npc.yaml:${lineOf(src, 'description: Twice.') - 1}:13 agent.tools[2].name "open_shop" is declared twice; each tool needs its own name`,
    );
    const undeclared = new RegExp(
      `^mira\\.npc\\.yaml:${lineOf(src, 'name: open_gate')}:\\d+ local\\.replies\\[1\\]\\.tool\\.name "open_gate" is not declared in agent\\.tools`,
    );
    expect(all.filter((e) => undeclared.test(e))).toHaveLength(1);
  });
});

describe('replies that depend on facts (issue 15.3)', () => {
  const file = (local: string) => `name: Aldric\nagent:\n  prompt: { text: A wizard. }\nlocal:\n${local}`;

  it('a condition tests a fact the game sets (local.facts) or a reply remembers', () => {
    const src = file(
      '  facts: [has_lantern]\n  replies:\n' +
        "    - when: [password]\n      if: [has_lantern, '!told_password']\n      say: Silver moon.\n      remember: [told_password]\n" +
        '    - when: [password]\n      if: [told_password, quest=done, quest!=started]\n      say: I told you.\n' +
        '  fallback: Hmm.\n',
    );
    // quest is neither set by the game nor remembered: the only error, at its place in the list.
    expect(errors(src)).toEqual([
      `mira.npc.yaml:${lineOf(src, 'quest=done')}:27 local.replies[1].if tests "quest", a fact this file never names: declare it under local.facts (the game sets it) or remember it in a reply (known: has_lantern, told_password)`,
      `mira.npc.yaml:${lineOf(src, 'quest=done')}:39 local.replies[1].if tests "quest", a fact this file never names: declare it under local.facts (the game sets it) or remember it in a reply (known: has_lantern, told_password)`,
    ]);
    expect(errors(src.replace('facts: [has_lantern]', 'facts: [has_lantern, quest]'))).toEqual([]);
  });

  it('a misspelt fact or a malformed condition is an error that names the line', () => {
    const typo = file(
      '  facts: [has_lantern]\n  replies:\n    - when: [lantern]\n      if: [has_lanten]\n      say: Ah.\n',
    );
    expect(errors(typo)).toEqual([
      `mira.npc.yaml:${lineOf(typo, 'has_lanten]')}:12 local.replies[0].if tests "has_lanten", a fact this file never names: declare it under local.facts (the game sets it) or remember it in a reply (known: has_lantern)`,
    ]);
    const bad = file("  facts: [a]\n  replies:\n    - when: [x]\n      if: ['!a=b']\n      say: X.\n");
    expect(errors(bad)).toEqual([
      `mira.npc.yaml:${lineOf(bad, '!a=b')}:12 local.replies[0].if[0] "!a=b" is not a condition; write a fact name (has_lantern), !fact, fact=value or fact!=value`,
    ]);
  });
});
