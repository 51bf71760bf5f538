import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// The decoder's field specs are checked against the message types (issue 17.4): renaming a field
// in messages.ts or changing its type, misspelling one in a spec, or checking it with a code that
// does not fit its type, fails to compile and the error names the field.
// Proven on a copy of plugin/protocol with the edits, compiled by tsc as the repo compiles it.
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

async function compile(edit: (dir: string) => void): Promise<{ ok: boolean; errors: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'protocol-shapes-'));
  try {
    cpSync(`${root}plugin/protocol`, dir, { recursive: true });
    edit(dir);
    const r = await run(
      process.execPath,
      [
        `${root}node_modules/typescript/bin/tsc`,
        '--noEmit',
        '--strict',
        '--noUncheckedIndexedAccess',
        '--target',
        'es2022',
        '--module',
        'esnext',
        '--moduleResolution',
        'bundler',
        '--lib',
        'es2022,dom',
        '--skipLibCheck',
        join(dir, 'decode.ts'),
      ],
      { cwd: root },
    ).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout: string }) => ({ ok: false, out: e.stdout }),
    );
    return { ok: r.ok, errors: r.out.split('\n').filter((l) => l.includes('error TS')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const replaceIn = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe.concurrent('decoder specs tied to the message types', () => {
  it('the protocol folder compiles as it is', async () => {
    expect(await compile(() => {})).toEqual({ ok: true, errors: [] });
  }, 60_000);

  it('a field renamed in messages.ts fails to compile, naming the field the decoder still checks', async () => {
    const r = await compile((dir) =>
      replaceIn(join(dir, 'messages.ts'), '    agent_response: string;', '    agent_reply: string;'),
    );
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toContain('no field \\"agent_response\\"');
  }, 60_000);

  it('a misspelt nested field or check code in a spec fails to compile', async () => {
    const r = await compile((dir) => {
      replaceIn(join(dir, 'decode.ts'), 'alignment.chars:S', 'alignment.characters:S');
      replaceIn(join(dir, 'decode.ts'), "'event_id:n ping_ms:n?'", "'event_id:n ping_ms:x?'");
    });
    expect(r.ok).toBe(false);
    const all = r.errors.join('\n');
    expect(all).toContain('no field \\"alignment.characters\\"');
    expect(all).toContain('unknown check \\"x?\\" on ping_ms');
  }, 60_000);

  it('a check code that does not fit its field, in a spec or after a type change, fails to compile', async () => {
    const r = await compile((dir) => {
      // A number field checked as a string, on both sides.
      replaceIn(join(dir, 'decode.ts'), "'agent_response:s event_id:n'", "'agent_response:s event_id:s'");
      replaceIn(join(dir, 'decode.ts'), "'tool_call_id:s is_approved:b'", "'tool_call_id:s is_approved:n'");
      // Looser than the type: any string where the type allows four.
      replaceIn(join(dir, 'decode.ts'), 'state:mcp', 'state:s');
      // The spec is unchanged, the field's type is not.
      replaceIn(join(dir, 'messages.ts'), '{ vad_score: number }', '{ vad_score: string }');
    });
    expect(r.ok).toBe(false);
    const all = r.errors.join('\n');
    expect(all).toContain('check \\"s\\" does not fit the type of event_id');
    expect(all).toContain('check \\"n\\" does not fit the type of is_approved');
    expect(all).toContain('check \\"s\\" does not fit the type of state');
    expect(all).toContain('check \\"n\\" does not fit the type of vad_score');
    expect(r.errors).toHaveLength(4);
  }, 60_000);
});
