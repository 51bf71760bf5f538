import { describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import { voiceAgents } from '../../plugin/vite/index.js';
import { schemaToType, toolTypesCode } from '../../plugin/vite/tool-types.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';
import { repoRoot } from '../../harness/repo.js';
import { until } from '../../harness/poll.js';

// Typed onTool parameters (issue 14.1): the Vite plugin writes declarations from agent.tools.
// test/types/tool-params.ts checks with tsc that such a file types the handler's parameters.

describe('tool parameter types from the NPC files', () => {
  it('the sample game holds the declarations its NPC files give (no drift)', async () => {
    const { npcs } = await loadNpcDir(join(repoRoot, 'assets/npcs'));
    const committed = await readFile(join(repoRoot, 'sample-game/voice-agents-tools.d.ts'), 'utf8');
    expect(committed).toBe(toolTypesCode(npcs));
    expect(committed).toContain('give_item: {');
  });

  it('maps the JSON Schema the agents API takes to TypeScript', () => {
    const schema = {
      type: 'object',
      properties: {
        item: { type: 'string', description: 'What to give' },
        count: { type: 'integer' },
        mode: { type: 'string', enum: ['gift', 'sale'] },
        tags: { type: 'array', items: { type: 'string' } },
        'odd-name': { type: 'boolean' },
        where: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] },
      },
      required: ['item', 'mode'],
    };
    expect(schemaToType(schema)).toBe(
      [
        '{',
        '  /** What to give */',
        '  item: string;',
        '  count?: number;',
        '  mode: "gift" | "sale";',
        '  tags?: string[];',
        '  "odd-name"?: boolean;',
        '  where?: {',
        '    x: number;',
        '  };',
        '}',
      ].join('\n'),
    );
    expect(schemaToType({ type: 'object' })).toBe('Record<string, never>');
    expect(schemaToType({ type: 'array', items: { enum: [1, 2] } })).toBe('Array<1 | 2>');
    // A description cannot end the doc comment early.
    expect(
      schemaToType({ type: 'object', properties: { a: { type: 'string', description: 'x */ y' } } }),
    ).toContain('/** x * / y */');
  });

  it('a tool two NPCs declare differently takes either shape', () => {
    const npc = (id: string, parameters: object) =>
      ({
        id,
        agent: { tools: [{ name: 'greet', description: 'd', expects_response: false, parameters }] },
      }) as never;
    const code = toolTypesCode([
      npc('b', { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }),
      npc('a', { type: 'object', properties: { id: { type: 'number' } }, required: ['id'] }),
    ]);
    expect(code).toContain('greet: {\n      id: number;\n    } | {\n      name: string;\n    };');
  });

  it('the dev server writes them into src/ of a Vite project and rewrites them when an NPC file changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'npc-tool-types-'));
    try {
      await cp(join(repoRoot, 'assets/npcs'), join(dir, 'assets/npcs'), { recursive: true });
      await mkdir(join(dir, 'src'));
      const server = await createServer({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        plugins: [voiceAgents({ localAgent: false, apiKey: '' })],
        server: { host: '127.0.0.1', port: 0 },
      });
      try {
        await server.listen();
        const out = join(dir, 'src/voice-agents-tools.d.ts');
        await until(() => existsSync(out), { timeout: 10_000 });
        expect(await readFile(out, 'utf8')).toContain('open_shop: {');
        const file = join(dir, 'assets/npcs/mira.npc.yaml');
        await writeFile(file, (await readFile(file, 'utf8')).replaceAll('open_shop', 'open_stall'));
        // The watcher's hot update recompiles the file; the declarations follow.
        let text = '';
        await until(
          () => {
            void readFile(out, 'utf8').then((t) => (text = t));
            return text.includes('open_stall: {');
          },
          { timeout: 15_000, interval: 100 },
        );
        expect(text).not.toContain('open_shop');
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
