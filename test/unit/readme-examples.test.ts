import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileNpcFile } from '../../plugin/npc/index.js';

// The README's TypeScript examples are the first code a game developer copies: they must compile
// against the real API, so a rename in the plugin fails here instead of in a user's editor. The
// blocks are read from README.md when the test runs; the prelude declares only the reader's own
// game objects (sprites, HUD), typed with the package's real classes where the README uses them.
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}test/types/readme/`;
const FENCE = /^```(ts|typescript)\s*$/;

/** Every ```ts block of README.md, with the `## ` section heading it is under. */
function examples(): { section: string; code: string }[] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const out: { section: string; code: string }[] = [];
  let section = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3);
    if (!FENCE.test(line.trim())) continue;
    const body: string[] = [];
    while (++i < lines.length && lines[i]!.trim() !== '```') body.push(lines[i]!);
    out.push({ section, code: body.join('\n') });
  }
  return out;
}

/** Every ```yaml block of README.md that is a whole NPC file (it has `name:` and `agent:`). */
function npcFileExamples(): string[] {
  const blocks = readFileSync(`${root}README.md`, 'utf8')
    .split(/^```yaml\s*$/m)
    .slice(1);
  return blocks.map((b) => b.split(/^```\s*$/m)[0]!).filter((b) => /^name:/m.test(b) && /^agent:/m.test(b));
}

/** Runs tsc on the README project: its exit status and everything it printed. */
function tsc(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', `${dir}tsconfig.json`, '--pretty', 'false'],
      { cwd: root },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}${err && code === -1 ? err.message : ''}` });
      },
    );
  });
}

describe('README examples', () => {
  it('has TypeScript examples for the plugin, the session, the audio classes and the local agent', () => {
    const sections = examples().map((e) => e.section);
    for (const s of ['Talking NPCs', 'AgentSession', 'Voice audio', 'local agent'])
      expect(sections.some((x) => x.includes(s))).toBe(true);
  });

  // A level designer starts from this example: it must pass `voice-agents validate` as printed.
  it('its NPC file example compiles with no error and no warning', () => {
    const files = npcFileExamples();
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const text of files) {
      const r = compileNpcFile(text, 'readme.npc.yaml');
      const said = [...(r.ok ? [] : r.errors), ...r.warnings].map((e) => `${e.line}: ${e.message}`);
      expect(said).toEqual([]);
    }
  });

  it('compile against the package as it is (tsc exits 0)', async () => {
    const blocks = examples();
    // Every TypeScript fence of the README is compiled, none skipped.
    const fences = readFileSync(`${root}README.md`, 'utf8')
      .split('\n')
      .filter((l) => FENCE.test(l.trim())).length;
    expect(blocks.length).toBe(fences);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    rmSync(`${dir}generated`, { recursive: true, force: true });
    mkdirSync(`${dir}generated`, { recursive: true });
    blocks.forEach((b, i) => {
      // Each example is its own module.
      // The package's own reference resolves through node_modules in a game; here it is the source.
      const code = b.code.replace(
        '/// <reference types="phaser-voice-agents/vite/client" />',
        `/// <reference path="${root}plugin/vite/client.d.ts" />`,
      );
      writeFileSync(`${dir}generated/example-${i}.ts`, `// README: ${b.section}\n${code}\nexport {};\n`);
    });
    expect(readdirSync(`${dir}generated`)).toHaveLength(blocks.length);
    const r = await tsc();
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  }, 90_000);
});
