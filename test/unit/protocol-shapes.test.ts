import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// The decoder's field specs are checked against the message types (issue 17.4): renaming a field
// in messages.ts, or misspelling one in a spec, fails to compile and the error names the field.
// Proven on a copy of plugin/protocol with one edit, compiled by tsc as the repo compiles it.
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
});
