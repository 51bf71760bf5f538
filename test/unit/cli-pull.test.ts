import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../harness/repo.js';
import { cli, removeTemps, tempCopyOfNpcs } from '../helpers/run-cli.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../helpers/fake-elevenlabs.js';

// `voice-agents pull` run for real in a child process, after a real `push`, against a stateful fake
// of the ElevenLabs REST API on which the tests make "dashboard" edits.
const KEY = 'sk_PULL_SENTINEL_77ab01';

afterAll(removeTemps);

describe('voice-agents pull', { timeout: 90_000 }, () => {
  let fake: FakeElevenLabs;
  const run = (cmd: 'push' | 'pull', dir: string, ...more: string[]) =>
    cli([cmd, dir, '--base-url', fake.url, ...more], { ELEVENLABS_API_KEY: KEY });
  /** A pushed copy of mira (and any other named NPCs): the folder, mira's file, text and agent id. */
  async function pushed(...others: string[]) {
    const dir = await tempCopyOfNpcs('mira', ...others);
    const file = join(dir, 'mira.npc.yaml');
    const r = await run('push', dir);
    expect(r.code).toBe(0);
    const text = await readFile(file, 'utf8');
    return { dir, file, text, id: /agent_id: '(agent_\d+)'/.exec(text)![1]! };
  }
  /** Someone rewords one line of mira's prompt on the dashboard. */
  function editPromptOnDashboard(id: string) {
    const prompt = fake.agent(id).conversation_config.agent.prompt.prompt as string;
    expect(prompt).toContain('You are warm, polite and efficient');
    fake.dashboardEdit(id, {
      conversation_config: { agent: { prompt: { prompt: prompt.replace('warm, polite', 'brisk, polite') } } },
    });
  }
  const OLD_LINE = '      You are warm, polite and efficient, like the best customer-service staff.';
  const NEW_LINE = '      You are brisk, polite and efficient, like the best customer-service staff.';

  beforeEach(async () => {
    fake = await startFakeElevenLabs();
  });
  afterEach(async () => {
    try {
      expect(fake.invalid, 'request bodies the SDK schemas refuse').toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('shows a dashboard prompt edit as a diff with --dry-run, writes it keeping the block and the comments, and push then sends nothing', async () => {
    const { dir, file, text, id } = await pushed();
    editPromptOnDashboard(id);

    const dry = await run('pull', dir, '--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      `dry run: reading ${fake.url}, writing nothing\n` +
        `would pull mira         Mira the Merchant (${id})\n` +
        '    ~ agent.prompt.text\n' +
        `    ${file} line 9:\n` +
        `    - ${OLD_LINE}\n` +
        `    + ${NEW_LINE}\n`,
    );
    expect(await readFile(file, 'utf8')).toBe(text);

    const r = await run('pull', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pulled    mira         Mira the Merchant (${id})\n`);
    expect(r.stdout).toContain('1 pulled, 0 failed');
    // Exactly that line changed: the `text: |` block, comments, quotes and flow maps are as they were.
    const after = await readFile(file, 'utf8');
    expect(after).toBe(text.replace(OLD_LINE, NEW_LINE));
    expect(after).toContain('    text: |\n');
    expect(after).toContain('  font_size: 9 # world pixels: the sample game draws its world at 2x\n');

    const n = fake.requests.length;
    const push = await run('push', dir);
    expect(push.stdout).toContain('unchanged mira');
    expect(fake.calls(n)).toEqual([]);
    expect((await run('pull', dir)).stdout).toContain('up to date mira         Mira the Merchant');
  });

  it('refuses a file with edits not yet pushed, unless --force, which keeps those edits for the next push', async () => {
    const { dir, file, text, id } = await pushed();
    editPromptOnDashboard(id);
    const local = text.replace('temperature: 0.6', 'temperature: 0.9');
    await writeFile(file, local);

    const r = await run('pull', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `refused   mira         Mira the Merchant: ${file} has edits that were never pushed; push them first, or pull --force to overwrite them\n`,
    );
    expect(await readFile(file, 'utf8')).toBe(local);

    const forced = await run('pull', dir, '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(local.replace(OLD_LINE, NEW_LINE));
    // The local temperature edit is still news to the service: the next push sends it.
    const n = fake.requests.length;
    const push = await run('push', dir);
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('    ~ agent.prompt.temperature: 0.6 → 0.9\n');
    expect(fake.calls(n)).toEqual([
      `GET /v1/convai/agents/${id}`,
      `PATCH /v1/convai/agents/${id}`,
      `GET /v1/convai/agents/${id}`,
    ]);
    expect(fake.agent(id).conversation_config.agent.prompt).toMatchObject({
      temperature: 0.9,
      prompt: expect.stringContaining('You are brisk, polite'),
    });
  });

  it('keeps a CRLF file CRLF and a flow map on its line', async () => {
    const dir = await tempCopyOfNpcs('mira');
    const file = join(dir, 'mira.npc.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
    expect((await run('push', dir)).code).toBe(0);
    const text = await readFile(file, 'utf8');
    const id = /agent_id: '(agent_\d+)'/.exec(text)![1]!;
    editPromptOnDashboard(id);
    fake.dashboardEdit(id, { conversation_config: { tts: { stability: 0.4 } } });
    const r = await run('pull', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('    ~ agent.voice.voice_settings.stability\n');
    expect(await readFile(file, 'utf8')).toBe(
      text
        .replace(OLD_LINE, NEW_LINE)
        .replace(
          'voice_settings: { stability: 0.55, similarity_boost: 0.75 }',
          'voice_settings: { stability: 0.4, similarity_boost: 0.75 }',
        ),
    );
  });

  it('says clearly when the agent is gone, and skips files never pushed from here', async () => {
    const { dir, id } = await pushed();
    await cp(join(repoRoot, 'assets/npcs/meiling.npc.yaml'), join(dir, 'meiling.npc.yaml'));
    fake.agents.delete(id);
    const r = await run('pull', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('skipped   meiling      Meiling 美玲: never pushed from here\n');
    expect(r.stderr).toBe(
      `failed    mira         Mira the Merchant: agent ${id} was not found in this workspace; it may have been deleted on the dashboard, or check agent.agent_id and --region\n`,
    );
    expect(r.stdout).toContain('0 pulled, 1 failed');
  });

  it('a refused key is said once, without the key', async () => {
    const { dir } = await pushed('meiling');
    fake.fail({ method: 'GET', path: '/v1/convai/agents/', status: 401, times: 99 });
    const n = fake.requests.length;
    const r = await run('pull', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'failed    meiling      Meiling 美玲: the API key was refused (HTTP 401): Invalid API key; check ELEVENLABS_API_KEY\n' +
        'stopped: every other NPC would be refused the same way\n',
    );
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(fake.calls(n)).toHaveLength(1);
  });

  it('needs a key, and takes --region like push', async () => {
    const dir = await tempCopyOfNpcs('mira');
    const noKey = await cli(['pull', dir, '--base-url', fake.url]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('voice-agents pull: ELEVENLABS_API_KEY is not set');
    // Nothing in this folder was pushed, so nothing is read: the line only shows the host chosen.
    const eu = await cli(['pull', dir, '--dry-run', '--region=eu'], { ELEVENLABS_API_KEY: KEY });
    expect(eu.stdout.split('\n')[0]).toBe(
      'dry run: reading https://api.eu.residency.elevenlabs.io, writing nothing',
    );
    expect(eu.stdout).toContain('skipped   mira         Mira the Merchant: never pushed from here');
    const bad = await cli(['pull', dir, '--region', 'mars'], { ELEVENLABS_API_KEY: KEY });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('voice-agents pull: --region must be one of global|us|eu|in|sg');
  });
});
