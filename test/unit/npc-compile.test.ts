import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { compileNpcFile, findDuplicateNpcIds, formatNpcError, NPC_DEFAULTS } from '../../plugin/npc/index.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';

const brokenDir = fileURLToPath(new URL('../fixtures/npc-broken/', import.meta.url));
const npcsDir = fileURLToPath(new URL('../../assets/npcs/', import.meta.url));

/**
 * The broken-file corpus: every file and the exact `line:column message` a level designer sees,
 * all problems of a file at once. Files are named relative to the corpus folder.
 */
const EXPECTED: Record<string, string[]> = {
  'bad-formats.npc.yaml': [
    '4:13 agent.language must be a lowercase language code like "en" or "pt-br", got "English"',
    '6:15 bubble.text_color must be a hex colour like "#ffcc00", got "blue"',
    '7:9 bubble.tags must be one of emote, drop, got "emoji"; did you mean emote?',
    '9:26 local.voice.engine_voice must be an espeak-ng voice name like "en-us+f3", got "en us"',
    '13:21 local.replies[0].tool.name must be letters, digits and _ (like open_gate), got "open-gate"',
  ],
  'duplicate-key.npc.yaml': ['5:3 first_message appears twice in the same group; keep only one'],
  'empty.npc.yaml': ['1:1 the file is empty; an NPC needs at least a name and an agent'],
  'inconsistent-radii.npc.yaml': [
    '6:3 proximity.exit_radius (100) must be at least proximity.radius (120), or the conversation would end while the player is still in range',
    '7:3 proximity.prewarm_radius (90) must be at least proximity.radius (120)',
  ],
  'missing-required.npc.yaml': [
    '1:1 name is required',
    '5:7 local.replies[0].say is required',
    '6:7 local.replies[1].when is required',
    '9:13 local.replies[2].tool.name is required',
  ],
  'no-prompt.npc.yaml': [
    '2:1 agent.prompt.text is required (the persona prompt), unless agent.agent_id names an existing ElevenLabs agent',
  ],
  'Old Man.npc.yaml': [
    '1:1 the file name gives the NPC id "Old Man"; ids may use letters, digits, - and _ (rename the file, e.g. Old_Man.npc.yaml)',
  ],
  'out-of-range.npc.yaml': [
    '3:51 agent.prompt.temperature must be between 0 and 1, got 1.7',
    '3:68 agent.prompt.max_tokens must be a whole number, got 2.5',
    '5:34 agent.voice.voice_settings.stability must be between 0 and 1, got 1.5',
    '5:57 agent.voice.voice_settings.similarity_boost must be between 0 and 1, got -0.1',
    '5:70 agent.voice.voice_settings.speed must be between 0.7 and 1.2, got 2',
    '6:22 proximity.radius must be greater than 0, got 0',
    '6:35 proximity.dwell_ms must be between 0 and 10000, got -5',
    '7:22 bubble.max_width must be between 40 and 2000, got 10',
    '7:37 bubble.font_size must be between 6 and 96, got 200',
    '9:18 local.voice.rate must be between 80 and 450, got 500',
    '9:30 local.voice.pitch must be between 0 and 99, got -1',
  ],
  'syntax-tab-indent.npc.yaml': [
    '3:1 YAML syntax error: Tabs are not allowed as indentation; indent with spaces, not tabs',
  ],
  'syntax-unclosed-quote.npc.yaml': [
    '1:7 YAML syntax error: this quoted text is never closed; add the closing "',
  ],
  'unknown-keys.npc.yaml': [
    '3:3 agent.promt is not a known field in agent; did you mean prompt?',
    '4:3 agent.first_mesage is not a known field in agent; did you mean first_message?',
    '6:5 agent.voice.voice_setings is not a known field in agent.voice; did you mean voice_settings?',
    '7:1 bubbles is not a known field; did you mean bubble?',
    '10:7 local.replies[0].whenn is not a known field in local.replies[0]; did you mean when?',
    '12:7 local.replies[0].colour is not a known field in local.replies[0]; known fields are id, after, if, remember, when, say, tool',
  ],
  'wrong-types.npc.yaml': [
    '1:7 name must be text, got 42 (put it in quotes to use it as text)',
    '5:18 agent.prompt.temperature must be a number, got "hot"',
    '6:17 agent.prompt.max_tokens must be a whole number, got "150" (remove the quotes)',
    '7:20 agent.asr.keywords must be a list, got "troll" (write [troll] for a list)',
    '8:30 agent.dynamic_variables.mood must be text, a number or true/false, got a list',
    '9:12 proximity must be a group of fields (key: value lines indented below it), got "near"',
    '12:13 local.replies[0].when must be a list, got "potion" (write [potion] for a list)',
    '16:50 local.replies[1].tool.expects_response must be true or false, got "maybe"',
  ],
  'dupes/castle/guard.npc.yaml': [
    '1:1 NPC id "guard" is also used by dupes/town/guard.npc.yaml; every NPC file needs a unique name',
  ],
  'dupes/town/guard.npc.yaml': [
    '1:1 NPC id "guard" is also used by dupes/castle/guard.npc.yaml; every NPC file needs a unique name',
  ],
};

describe('broken NPC file corpus', () => {
  it('reports exactly the expected errors for every file, positioned at the offending line and column', async () => {
    const res = await loadNpcDir(brokenDir, { cwd: brokenDir });
    const got: Record<string, string[]> = {};
    for (const e of res.errors) (got[e.file] ??= []).push(`${e.line}:${e.column} ${e.message}`);
    expect(got).toEqual(EXPECTED);
    expect(res.npcs).toEqual([]);
    // Every corpus file is accounted for: a new fixture without expectations fails here.
    expect(res.files.map((f) => f.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('gives each error a code, the field path, and a terminal-friendly line', async () => {
    const res = await loadNpcDir(brokenDir, { cwd: brokenDir });
    const stability = res.errors.find((e) => e.path === 'agent.voice.voice_settings.stability')!;
    expect(stability).toMatchObject({ file: 'out-of-range.npc.yaml', line: 5, column: 34, code: 'range' });
    expect(formatNpcError(stability)).toBe(
      'out-of-range.npc.yaml:5:34 agent.voice.voice_settings.stability must be between 0 and 1, got 1.5',
    );
    expect(new Set(res.errors.map((e) => e.code))).toEqual(
      new Set([
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
      ]),
    );
  });
});

describe('compileNpcFile', () => {
  it('compiles the five sample NPCs with the id from the file name and defaults filled', async () => {
    const res = await loadNpcDir(npcsDir);
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    expect(res.npcs.map((n) => n.id)).toEqual(['aldric', 'brenna', 'meiling', 'mira', 'pip']);
    const pip = res.npcs.find((n) => n.id === 'pip')!;
    // pip sets radius 80 only: exit and prewarm radii scale from it, the rest are defaults.
    expect(pip.proximity).toEqual({
      radius: 80,
      exit_radius: 107,
      priority: 0,
      dwell_ms: 200,
      prewarm_radius: 160,
    });
    expect(new Set(res.npcs.map((n) => n.local.voice.engine_voice)).size).toBe(5);
    expect(res.npcs.some((n) => n.local.replies.some((r) => r.tool))).toBe(true);
  });

  it('fills every default for a minimal file', () => {
    const res = compileNpcFile('name: Tom\nagent:\n  prompt: { text: You are Tom. }\n', 'npcs/tom.npc.yaml');
    expect(res).toEqual({
      ok: true,
      warnings: [],
      npc: {
        id: 'tom',
        name: 'Tom',
        agent: { prompt: { text: 'You are Tom.' } },
        proximity: {
          radius: NPC_DEFAULTS.radius,
          exit_radius: NPC_DEFAULTS.exit_radius,
          priority: 0,
          dwell_ms: NPC_DEFAULTS.dwell_ms,
          prewarm_radius: NPC_DEFAULTS.prewarm_radius,
        },
        bubble: { max_width: NPC_DEFAULTS.max_width },
        local: {
          voice: {
            engine_voice: NPC_DEFAULTS.engine_voice,
            rate: NPC_DEFAULTS.rate,
            pitch: NPC_DEFAULTS.pitch,
          },
          replies: [],
          fallback: NPC_DEFAULTS.fallback,
        },
      },
    });
  });

  it('a radius too large to derive the exit and prewarm radii from is a range error, not an exit radius of Infinity', () => {
    // Found by fuzz-npc.test.ts: radius 1e308 compiled, and exit_radius (radius × 4/3) became Infinity.
    const src = 'name: Tom\nagent:\n  prompt: { text: You are Tom. }\nproximity:\n  radius: 1e308\n';
    const res = compileNpcFile(src, 'tom.npc.yaml');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`)).toEqual([
      '5:11 range proximity.radius must be at most 1000000, got 1e+308',
    ]);
    const big = compileNpcFile(src.replace('1e308', '900000'), 'tom.npc.yaml');
    // The derived radii stop at the limit a file may write.
    expect(big.ok && big.npc.proximity).toMatchObject({
      radius: 900000,
      exit_radius: 1000000,
      prewarm_radius: 1000000,
    });
  });

  it('accepts an agent_id instead of a prompt, anchors and aliases, and warns about empty optional values', () => {
    const src = [
      'name: Ghost',
      'agent:',
      '  agent_id: agent_123',
      '  first_message:',
      '  asr: { keywords: &words [boo, ghost] }',
      'local:',
      '  replies:',
      '    - { when: *words, say: Boo! }',
      '',
    ].join('\n');
    const res = compileNpcFile(src, 'ghost.npc.yaml');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.npc.agent).toEqual({ agent_id: 'agent_123', asr: { keywords: ['boo', 'ghost'] } });
    expect(res.npc.local.replies[0]!.when).toEqual(['boo', 'ghost']);
    expect(res.warnings.map(formatNpcError)).toEqual([
      'ghost.npc.yaml:4:3 agent.first_message has no value and is ignored',
    ]);
  });

  it('suggests the closest key for common typo shapes', () => {
    const msg = (key: string) => {
      const res = compileNpcFile(`name: X\nagent:\n  prompt: { text: hi }\n  ${key}: Hello\n`, 'x.npc.yaml');
      return res.ok ? '' : res.errors[0]!.message;
    };
    expect(msg('first_mesage')).toBe(
      'agent.first_mesage is not a known field in agent; did you mean first_message?',
    );
    expect(msg('firstMessage')).toContain('did you mean first_message?');
    expect(msg('frist_message')).toContain('did you mean first_message?');
    expect(msg('langauge')).toContain('did you mean language?');
    expect(msg('wibble')).toBe(
      'agent.wibble is not a known field in agent; known fields are agent_id, prompt, first_message, language, voice, asr, tools, dynamic_variables',
    );
  });

  it('reports a duplicate NPC id on both files', () => {
    const a = compileNpcFile('name: A\nagent: { prompt: { text: a } }\n', 'town/guard.npc.yaml');
    const b = compileNpcFile('name: B\nagent: { prompt: { text: b } }\n', 'castle/Guard.npc.yaml');
    if (!a.ok || !b.ok) throw new Error('fixtures should compile');
    expect(
      findDuplicateNpcIds([
        { file: 'town/guard.npc.yaml', npc: a.npc },
        { file: 'castle/Guard.npc.yaml', npc: b.npc },
      ]).map(formatNpcError),
    ).toEqual([
      'town/guard.npc.yaml:1:1 NPC id "guard" is also used by castle/Guard.npc.yaml; every NPC file needs a unique name',
      'castle/Guard.npc.yaml:1:1 NPC id "Guard" is also used by town/guard.npc.yaml; every NPC file needs a unique name',
    ]);
  });

  it('never throws, and every error points inside the file (fuzzed text and fuzzed edits of a real file)', () => {
    const sample = readFileSync(`${npcsDir}mira.npc.yaml`, 'utf8');
    const check = (src: string) => {
      const res = compileNpcFile(src, 'fuzz.npc.yaml');
      const lines = src.split('\n').length;
      for (const e of res.ok ? res.warnings : res.errors) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.line).toBeLessThanOrEqual(lines);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.message.length).toBeGreaterThan(5);
        // The catch-all means a rule crashed on input it did not expect.
        expect(e.message).not.toMatch(/^could not read this file/);
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 200 });
    fc.assert(
      fc.property(
        fc.nat(sample.length),
        fc.nat(40),
        fc.string({
          maxLength: 12,
          unit: fc.constantFrom(':', ' ', '\n', '-', '"', "'", '[', '{', '}', '&', '*', 'a', '1', '\t', '#'),
        }),
        (at, del, ins) => check(sample.slice(0, at) + ins + sample.slice(at + del)),
      ),
      { numRuns: 300 },
    );
  });
});
