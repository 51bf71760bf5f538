/** `voice-agents push` when the API pushes back: rate limits, refused keys and bodies, dashboard edits, regions. */
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, removeTemps, tempCopyOfNpcs } from '../helpers/run-cli.js';
import { fakeApiPerTest, KEY } from './cli-push-setup.js';

afterAll(removeTemps);

// Each test spawns tsx a few times; on a loaded 2-core machine a spawn can take seconds.
describe(
  'voice-agents push: retries, refusals and keys (a stateful fake of the ElevenLabs REST API)',
  { timeout: 90_000 },
  () => {
    const { fake, push, idIn, toolId } = fakeApiPerTest();

    it('waits as Retry-After says on 429, retries a 500, and gives up in plain words', async () => {
      const dir = await tempCopyOfNpcs('meiling');
      fake.fail({ method: 'POST', path: '/v1/convai/agents/create', status: 429, retryAfter: 1 });
      fake.fail({ method: 'POST', path: '/v1/convai/agents/create', status: 500 });
      const r = await push(dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(fake.calls().map((c) => c.replace(/agent_\d+$/, 'ID'))).toEqual([
        'POST /v1/convai/agents/create',
        'POST /v1/convai/agents/create',
        'POST /v1/convai/agents/create',
        'GET /v1/convai/agents/ID',
      ]);
      // Retry-After: 1 (second) was honoured; the backoff alone would have waited 0.5 s.
      expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
      expect(await idIn(join(dir, 'meiling.npc.yaml'))).toMatch(/^agent_/);

      const busy = await tempCopyOfNpcs('meiling');
      fake.fail({ method: 'POST', path: '/v1/convai/agents/create', status: 429, retryAfter: 0, times: 9 });
      const gaveUp = await push(busy);
      expect(gaveUp.code).toBe(1);
      expect(gaveUp.stderr).toBe(
        'failed    meiling      Meiling 美玲: rate limited (HTTP 429) after 4 attempts: Too many requests\n',
      );
      expect(await readFile(join(busy, 'meiling.npc.yaml'), 'utf8')).toContain("agent_id: ''");
    });

    it('a refused key (401) is said once, in plain words, without the key, and nothing else is tried', async () => {
      const dir = await tempCopyOfNpcs();
      fake.fail({ method: 'POST', path: '/v1/convai/', status: 401, times: 99 });
      const r = await push(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'failed    aldric       Aldric the Wise: the API key was refused (HTTP 401): Invalid API key; check ELEVENLABS_API_KEY\n' +
          'stopped: every other NPC would be refused the same way\n',
      );
      expect(r.stdout + r.stderr).not.toContain(KEY);
      expect(fake.calls()).toEqual(['POST /v1/convai/tools']);
    });

    it('shows a 422 as field: message in the file’s terms, carries on, and next time sends only what failed', async () => {
      const dir = await tempCopyOfNpcs();
      fake.fail({
        method: 'POST',
        path: '/v1/convai/agents/create',
        status: 422,
        when: (body) => body?.name === 'Pip the Assistant',
        detail: [
          {
            loc: ['body', 'conversation_config', 'tts', 'voice_id'],
            msg: `Voice not found for key ${KEY}`,
            type: 'value_error',
          },
          {
            loc: ['body', 'conversation_config', 'agent', 'prompt', 'max_tokens'],
            msg: 'Input should be less than or equal to 64',
            type: 'less_than_equal',
          },
        ],
      });
      const r = await push(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'failed    pip          Pip the Assistant: the service rejected it (HTTP 422): agent.voice.voice_id: Voice not found for key [redacted]; agent.prompt.max_tokens: Input should be less than or equal to 64\n',
      );
      expect(r.stdout + r.stderr).not.toContain(KEY);
      expect(r.stdout).toContain('4 sent, 0 unchanged, 1 failed');
      expect(await readFile(join(dir, 'pip.npc.yaml'), 'utf8')).toContain("agent_id: ''");
      // The next run sends only Pip's agent: its tool was made the first time and is not made again.
      const n = fake.requests.length;
      const retry = await push(dir);
      expect(retry.code).toBe(0);
      expect(fake.calls(n).map((c) => c.replace(/agent_\d+$/, 'ID'))).toEqual([
        'POST /v1/convai/agents/create',
        'GET /v1/convai/agents/ID',
      ]);
      expect(fake.requests[n]!.body.conversation_config.agent.prompt.tool_ids).toEqual([
        toolId('add_reminder'),
      ]);
      expect(fake.tools.size).toBe(4);
    });

    it('refuses to overwrite a dashboard edit unless --force', async () => {
      const dir = await tempCopyOfNpcs('mira');
      const file = join(dir, 'mira.npc.yaml');
      expect((await push(dir)).code).toBe(0);
      const miraId = (await idIn(file))!;
      fake.dashboardEdit(miraId, {
        conversation_config: { agent: { first_message: 'Hello from the dashboard' } },
      });
      await writeFile(file, (await readFile(file, 'utf8')).replace('temperature: 0.6', 'temperature: 0.9'));
      const n = fake.requests.length;
      const r = await push(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'refused   mira         Mira the Merchant: the agent was edited on the dashboard since the last push (agent.first_message); pull first to keep those edits, or push --force to overwrite them\n',
      );
      expect(fake.calls(n)).toEqual([`GET /v1/convai/agents/${miraId}`]);
      const forced = await push(dir, '--force');
      expect(forced.code).toBe(0);
      expect(fake.agent(miraId).conversation_config.agent).toMatchObject({
        first_message: "Welcome to Mira's Wares, traveller! Looking for potions, or perhaps a lantern?",
        prompt: { temperature: 0.9 },
      });
    });

    it('--region picks that region’s API host; a bad region or both options are refused', async () => {
      const dir = await tempCopyOfNpcs('mira');
      const eu = await cli(['push', dir, '--dry-run', '--region', 'eu']);
      expect(eu.code).toBe(0);
      expect(eu.stdout.split('\n')[0]).toBe(
        'dry run: nothing is sent to https://api.eu.residency.elevenlabs.io, nothing is written',
      );
      const us = await cli(['push', dir, '--dry-run', '--region=us']);
      expect(us.stdout.split('\n')[0]).toBe(
        'dry run: nothing is sent to https://api.us.elevenlabs.io, nothing is written',
      );
      const global = await cli(['push', dir, '--dry-run']);
      expect(global.stdout.split('\n')[0]).toBe(
        'dry run: nothing is sent to https://api.elevenlabs.io, nothing is written',
      );
      const bad = await cli(['push', dir, '--dry-run', '--region', 'toString']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('voice-agents push: --region must be one of global|us|eu|in|sg');
      const both = await cli(['push', dir, '--region', 'eu', '--base-url', fake.url]);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --region or --base-url, not both');
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses to push without a key or with broken files, sending nothing', async () => {
      const dir = await tempCopyOfNpcs();
      const noKey = await cli(['push', dir, '--base-url', fake.url], { ELEVENLABS_API_KEY: '' });
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toContain('ELEVENLABS_API_KEY is not set');
      const broken = await push('test/fixtures/npc-broken');
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain('nothing pushed');
      expect(fake.requests).toHaveLength(0);
    });

    it('reads the key from .env in the working directory', async () => {
      const dir = await tempCopyOfNpcs('meiling');
      await writeFile(join(dir, '.env'), `# secrets\nELEVENLABS_API_KEY="${KEY}"\n`);
      const r = await cli(['push', '.', '--base-url', fake.url], {}, dir);
      expect(r.code).toBe(0);
      expect(fake.requests.length).toBeGreaterThan(0);
      expect(fake.requests.every((q) => q.key === KEY)).toBe(true);
    });
  },
);
