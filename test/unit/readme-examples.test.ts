import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// The README's TypeScript examples are the first code a game developer copies: they must compile
// against the real API, so a rename in the plugin fails here instead of in a user's editor.
const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}test/types/readme/`;
const run = promisify(execFile);

/** The ```ts blocks under each `## ` section heading of README.md. */
function examples(): { section: string; code: string }[] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const out: { section: string; code: string }[] = [];
  let section = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3);
    if (line.trim() !== '```ts') continue;
    const body: string[] = [];
    while (++i < lines.length && lines[i]!.trim() !== '```') body.push(lines[i]!);
    out.push({ section, code: body.join('\n') });
  }
  return out;
}

describe('README examples', () => {
  it('has TypeScript examples for the plugin, the session, the audio classes and the local agent', () => {
    const sections = examples().map((e) => e.section);
    for (const s of ['Talking NPCs', 'AgentSession', 'Voice audio', 'local agent'])
      expect(sections.some((x) => x.includes(s))).toBe(true);
  });

  it('compile against the package as it is', async () => {
    rmSync(`${dir}generated`, { recursive: true, force: true });
    mkdirSync(`${dir}generated`, { recursive: true });
    const blocks = examples().filter((e) => /from 'phaser-voice-agents(\/server|\/tiled)?'/.test(e.code));
    blocks.forEach((b, i) => {
      // Each example is its own module; the prelude declares what the reader's game already has.
      writeFileSync(`${dir}generated/example-${i}.ts`, `// README: ${b.section}\n${b.code}\nexport {};\n`);
    });
    const r = await run(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', `${dir}tsconfig.json`],
      {
        cwd: root,
      },
    ).catch((e: { stdout: string; stderr: string }) => e);
    const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([]);
  }, 90_000);
});
