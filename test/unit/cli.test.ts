import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as sdk from '@elevenlabs/elevenlabs-js/serialization/index.js';
import { TtsConversationalModel } from '@elevenlabs/elevenlabs-js/api/types/TtsConversationalModel.js';
import { ElevenLabsEnvironment } from '@elevenlabs/elevenlabs-js/environments.js';
import { repoRoot } from '../../harness/repo.js';
import { cli, removeTemps, tempCopyOfNpcs, tempDir } from '../helpers/run-cli.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../helpers/fake-elevenlabs.js';
import { formatNpcError } from '../../plugin/npc/index.js';
import { AGENT_TTS_MODELS } from '../../plugin/npc/schema-def.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';
import { REGION_API } from '../../plugin/server/push/api.js';

const KEY = 'sk_CLI_SENTINEL_0c4f2e';

afterAll(removeTemps);

// Each test spawns tsx a few times; on a loaded 2-core machine a spawn can take seconds.
describe('voice-agents validate', { timeout: 60_000 }, () => {
  it('passes the sample NPCs', async () => {
    const r = await cli(['validate', 'assets/npcs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('5 NPC files OK: aldric, brenna, meiling, mira, pip\n');
  });

  it('lists every error of the broken corpus as file:line:column message and exits 1', async () => {
    const r = await cli(['validate', 'test/fixtures/npc-broken']);
    expect(r.code).toBe(1);
    const expected = (
      await loadNpcDir(join(repoRoot, 'test/fixtures/npc-broken'), { cwd: repoRoot })
    ).errors.map(formatNpcError);
    expect(expected.length).toBeGreaterThan(30);
    const lines = r.stdout.trim().split('\n');
    for (const line of expected) expect(lines).toContain(line);
    expect(lines).toContain(
      'test/fixtures/npc-broken/out-of-range.npc.yaml:5:34 agent.voice.voice_settings.stability must be between 0 and 1, got 1.5',
    );
    expect(lines.at(-1)).toBe(`${expected.length} errors in 14 of 14 files`);
  });

  it('fails on a missing folder, an empty folder and a bad option', async () => {
    const missing = await cli(['validate', 'no/such/dir']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no/such/dir:1:1 folder not found');
    const empty = await tempDir('npc-empty-');
    const none = await cli(['validate', empty]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no NPC files');
    expect((await cli(['validate', '--frobnicate'])).code).toBe(2);
  });

  it('checks the NPC layer of Tiled maps with --map', async () => {
    const ok = await cli(['validate', 'assets/npcs', '--map', 'assets/maps/village.json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('5 NPC files and 1 map OK: aldric, brenna, meiling, mira, pip\n');
    const dir = await tempDir('npc-map-');
    const text = await readFile(join(repoRoot, 'assets/maps/village.json'), 'utf8');
    await writeFile(join(dir, 'village.json'), text.replace('"name": "pip"', '"name": "pipp"'));
    const bad = await cli(['validate', 'assets/npcs', '--map', join(dir, 'village.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /village\.json:\d+:\d+ Tiled layer "npcs", object 2 names NPC "pipp", which has no NPC file \(pipp\.npc\.yaml\); did you mean pip\?/,
    );
  });

  it('prints machine-readable JSON with --json', async () => {
    const r = await cli(['validate', 'test/fixtures/npc-broken/dupes', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors.map((e: { code: string }) => e.code)).toEqual(['duplicate-id', 'duplicate-id']);
  });
});

describe(
  'voice-agents push (against a stateful fake of the ElevenLabs REST API)',
  { timeout: 90_000 },
  () => {
    let fake: FakeElevenLabs;
    const push = (dir: string, ...more: string[]) =>
      cli(['push', dir, '--base-url', fake.url, ...more], { ELEVENLABS_API_KEY: KEY });
    const dryRun = (dir: string) => cli(['push', dir, '--dry-run', '--base-url', fake.url]);
    /** The agent id push wrote into the file. */
    const idIn = async (file: string) => /agent_id: '(agent_\d+)'/.exec(await readFile(file, 'utf8'))?.[1];
    const toolId = (name: string) => [...fake.tools].find(([, t]) => t.tool_config.name === name)?.[0];

    beforeEach(async () => {
      fake = await startFakeElevenLabs();
    });
    afterEach(async () => {
      try {
        // Every body push sent must be one the official SDK's schemas accept.
        expect(fake.invalid, 'request bodies the SDK schemas refuse').toEqual([]);
      } finally {
        await fake.close();
      }
    });

    it('creates each NPC’s tools, then its agent with their ids, writes the ids back, then sends nothing when unchanged', async () => {
      const dir = await tempCopyOfNpcs();
      const before = await readFile(join(dir, 'mira.npc.yaml'), 'utf8');
      const r = await push(dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // Per NPC in file order: its client tools, the agent, then a read of what the service now holds.
      const withTool = ['POST /v1/convai/tools', 'POST /v1/convai/agents/create', 'GET /v1/convai/agents/ID'];
      expect(fake.calls().map((c) => c.replace(/agent_\d+$/, 'ID'))).toEqual([
        ...withTool, // aldric: give_item
        ...withTool, // brenna: open_gate
        'POST /v1/convai/agents/create', // meiling declares no tools
        'GET /v1/convai/agents/ID',
        ...withTool, // mira: open_shop
        ...withTool, // pip: add_reminder
      ]);
      expect(fake.requests.every((q) => q.key === KEY)).toBe(true);

      // The tool as the agents API defines a client tool.
      const shopTool = toolId('open_shop')!;
      expect(fake.tools.get(shopTool)).toEqual({
        tool_config: {
          type: 'client',
          name: 'open_shop',
          description:
            'Opens the shop window so the player can see and buy the goods. Call it when the player wants to buy or browse, not when they only ask about prices.',
          parameters: {
            type: 'object',
            properties: { shop: { type: 'string', description: 'Which shop to open; always miras_wares.' } },
            required: ['shop'],
          },
          expects_response: false,
        },
      });
      const mira = fake.requests.find((q) => q.body?.name === 'Mira the Merchant')!;
      expect(mira.body.conversation_config).toMatchObject({
        agent: {
          first_message: "Welcome to Mira's Wares, traveller! Looking for potions, or perhaps a lantern?",
          language: 'en',
          prompt: { temperature: 0.6, max_tokens: 120, tool_ids: [shopTool] },
          dynamic_variables: { dynamic_variable_placeholders: { shop_name: "Mira's Wares" } },
        },
        tts: {
          voice_id: '21m00Tcm4TlvDq8ikWAM',
          model_id: 'eleven_turbo_v2_5',
          stability: 0.55,
          similarity_boost: 0.75,
        },
        asr: { keywords: ['Mira', 'potion', 'lantern', 'rope', 'Aldric', 'Thornbury'] },
      });
      expect(mira.body.conversation_config.agent.prompt.prompt).toMatch(/^You are Mira, the shopkeeper/);
      const meiling = fake.requests.find((q) => q.body?.name === 'Meiling 美玲')!;
      expect(meiling.body.conversation_config.agent.prompt).not.toHaveProperty('tool_ids');

      const after = await readFile(join(dir, 'mira.npc.yaml'), 'utf8');
      const miraId = await idIn(join(dir, 'mira.npc.yaml'));
      expect(fake.agent(miraId!).conversation_config.agent.prompt.tool_ids).toEqual([shopTool]);
      // Only the agent_id line changed; comments and the schema line are kept.
      const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
      expect(changed).toEqual([`  agent_id: '${miraId}'`]);
      expect(r.stdout).toContain(`created   mira         Mira the Merchant → ${miraId}`);
      expect(r.stdout).toContain(`    + tool open_shop → ${shopTool}`);
      expect(r.stdout).toContain('5 sent, 0 unchanged, 0 failed');
      expect(r.stdout).not.toContain(KEY);

      const again = await push(dir);
      expect(again.code).toBe(0);
      expect(fake.requests).toHaveLength(14);
      expect(again.stdout.match(/^unchanged /gm)).toHaveLength(5);

      // Game-only edits (proximity, bubble, local replies) do not touch the agent.
      await writeFile(join(dir, 'mira.npc.yaml'), after.replace('radius: 96', 'radius: 90'));
      expect((await push(dir)).code).toBe(0);
      expect(fake.requests).toHaveLength(14);

      // A prompt edit: --dry-run shows the field diff and sends nothing; push sends one PATCH (after
      // checking nobody edited the agent on the dashboard meanwhile).
      await writeFile(join(dir, 'mira.npc.yaml'), after.replace('temperature: 0.6', 'temperature: 0.9'));
      const dry = await dryRun(dir);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`would update mira         Mira the Merchant (${miraId})`);
      expect(dry.stdout).toContain('    ~ agent.prompt.temperature: 0.6 → 0.9');
      expect(dry.stdout.match(/^ {4}[~+-] /gm)).toHaveLength(1);
      expect(fake.requests).toHaveLength(14);
      const upd = await push(dir);
      expect(upd.code).toBe(0);
      expect(upd.stdout).toContain(
        `updated   mira         Mira the Merchant (1 change)\n    ~ agent.prompt.temperature: 0.6 → 0.9\n`,
      );
      expect(fake.calls(14)).toEqual([
        `GET /v1/convai/agents/${miraId}`,
        `PATCH /v1/convai/agents/${miraId}`,
        `GET /v1/convai/agents/${miraId}`,
      ]);
      expect(fake.agent(miraId!).conversation_config.agent.prompt.temperature).toBe(0.9);
    });

    it('an edited tool description PATCHes only that tool; a removed tool is deleted after the agent stops using it', async () => {
      const dir = await tempCopyOfNpcs('mira');
      const file = join(dir, 'mira.npc.yaml');
      expect((await push(dir)).code).toBe(0);
      const pushed = await readFile(file, 'utf8');
      const miraId = await idIn(file);
      const shopTool = toolId('open_shop')!;

      const edited = pushed.replace('Opens the shop window so', 'Opens the shop so');
      await writeFile(file, edited);
      const dry = await dryRun(dir);
      expect(dry.stdout).toContain(
        `would update mira         Mira the Merchant (${miraId})\n    ~ tool open_shop\n`,
      );
      expect(dry.stdout.match(/^ {4}[~+-] /gm)).toHaveLength(1);
      let n = fake.requests.length;
      const upd = await push(dir);
      expect(upd.code).toBe(0);
      expect(upd.stdout).toContain(
        `updated   mira         Mira the Merchant (1 change)\n    ~ tool open_shop (${shopTool})\n`,
      );
      expect(fake.calls(n)).toEqual([`PATCH /v1/convai/tools/${shopTool}`]);
      expect(fake.tool(shopTool).tool_config.description).toMatch(/^Opens the shop so the player/);
      n = fake.requests.length;
      const again = await push(dir);
      expect(again.stdout).toContain('unchanged mira');
      expect(fake.calls(n)).toEqual([]);

      // The tool, and the offline reply that calls it, removed from the file.
      const noTool = edited.replace(/^ {2}tools:\n(?: {4}.*\n)+/m, '').replace(/^ {6}tool: .*\n/m, '');
      expect(noTool).not.toContain('open_shop');
      await writeFile(file, noTool);
      const dryDrop = await dryRun(dir);
      expect(dryDrop.stdout).toContain(
        `    - conversation_config.agent.prompt.tool_ids: ["${shopTool}"] → null\n`,
      );
      expect(dryDrop.stdout).toContain('    - tool open_shop (deleted)\n');
      n = fake.requests.length;
      const drop = await push(dir);
      expect(drop.code).toBe(0);
      expect(drop.stdout).toContain(`    - tool open_shop (${shopTool}) deleted\n`);
      expect(fake.calls(n)).toEqual([
        `GET /v1/convai/agents/${miraId}`,
        `PATCH /v1/convai/agents/${miraId}`,
        `DELETE /v1/convai/tools/${shopTool}`,
        `GET /v1/convai/agents/${miraId}`,
      ]);
      expect(fake.requests[n + 1]!.body.conversation_config.agent.prompt.tool_ids).toBeNull();
      expect(fake.tools.has(shopTool)).toBe(false);
      expect(fake.agent(miraId!).conversation_config.agent.prompt).not.toHaveProperty('tool_ids');
      n = fake.requests.length;
      expect((await push(dir)).stdout).toContain('unchanged mira');
      expect(fake.calls(n)).toEqual([]);
    });

    it('sends a field deleted from the file as null, and the dry run says so', async () => {
      const dir = await tempCopyOfNpcs('mira');
      const file = join(dir, 'mira.npc.yaml');
      expect((await push(dir)).code).toBe(0);
      const miraId = await idIn(file);
      await writeFile(file, (await readFile(file, 'utf8')).replace('    temperature: 0.6\n', ''));
      const dry = await dryRun(dir);
      expect(dry.stdout).toContain(
        `would update mira         Mira the Merchant (${miraId})\n    - agent.prompt.temperature: 0.6 → null\n`,
      );
      expect(dry.stdout.match(/^ {4}[~+-] /gm)).toHaveLength(1);
      const n = fake.requests.length;
      const r = await push(dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('    - agent.prompt.temperature: 0.6 → null\n');
      const patch = fake.requests.slice(n).find((q) => q.method === 'PATCH')!;
      expect(patch.body.conversation_config.agent.prompt).toMatchObject({
        temperature: null,
        max_tokens: 120,
      });
      expect(fake.agents.get(miraId!)!.conversation_config.agent.prompt).not.toHaveProperty('temperature');
    });

    it('never renames an agent it did not make, sends nothing for a file that only names one, and says when one is gone', async () => {
      const dir = await tempDir();
      fake.agents.set('agent_theirs', {
        name: 'Shared Guide',
        conversation_config: { agent: { prompt: { prompt: 'You guide.' } } },
      });
      fake.agents.set('agent_inn', {
        name: 'Their Innkeeper',
        conversation_config: { agent: { prompt: { prompt: 'Old.' } } },
      });
      await writeFile(join(dir, 'guide.npc.yaml'), 'name: Guide\nagent:\n  agent_id: agent_theirs\n');
      await writeFile(
        join(dir, 'inn.npc.yaml'),
        'name: Innkeeper\nagent:\n  agent_id: agent_inn\n  prompt:\n    text: You run the inn.\n',
      );
      await writeFile(
        join(dir, 'lost.npc.yaml'),
        'name: Lost\nagent:\n  agent_id: agent_gone\n  prompt:\n    text: You are lost.\n',
      );
      const r = await push(dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        'linked    guide        Guide (agent_theirs): the file only names the agent; nothing to push',
      );
      expect(r.stderr).toBe(
        'failed    lost         Lost: agent agent_gone was not found in this workspace; check agent.agent_id or --region\n',
      );
      expect(fake.calls()).toEqual([
        'PATCH /v1/convai/agents/agent_inn',
        'GET /v1/convai/agents/agent_inn',
        'PATCH /v1/convai/agents/agent_gone',
      ]);
      expect(fake.requests[0]!.body).not.toHaveProperty('name');
      expect(fake.agent('agent_inn')).toMatchObject({
        name: 'Their Innkeeper',
        conversation_config: { agent: { prompt: { prompt: 'You run the inn.' } } },
      });
      expect(fake.agent('agent_theirs').name).toBe('Shared Guide');
      expect(r.stdout).toContain('1 sent, 1 unchanged, 1 failed');
    });

    it('keeps a CRLF file CRLF when it writes the agent id back', async () => {
      const dir = await tempCopyOfNpcs('mira');
      const file = join(dir, 'mira.npc.yaml');
      const crlf = (await readFile(file, 'utf8')).replace(/\n/g, '\r\n');
      await writeFile(file, crlf);
      expect((await push(dir)).code).toBe(0);
      const after = await readFile(file, 'utf8');
      const id = /agent_id: '(agent_\d+)'/.exec(after)?.[1];
      expect(after).toBe(crlf.replace("agent_id: ''", `agent_id: '${id}'`));
      expect(after).not.toMatch(/[^\r]\n/);
    });

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

describe('the ElevenLabs API as the official server SDK describes it', () => {
  const STRICT = { unrecognizedObjectKeys: 'fail', allowUnrecognizedEnumValues: false } as const;

  it('the voice models an NPC file may name are exactly the SDK’s conversational TTS models', () => {
    expect([...AGENT_TTS_MODELS].sort()).toEqual(Object.values(TtsConversationalModel).sort());
  });

  it('the regions are the SDK’s environments', () => {
    expect(Object.values(REGION_API).sort()).toEqual(Object.values(ElevenLabsEnvironment).sort());
  });

  it('the fake refuses a body the SDK refuses, with the SDK’s message, and answers in the SDK’s shapes', async () => {
    const fake = await startFakeElevenLabs();
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${fake.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      const bad = await post('/v1/convai/agents/create', {
        conversation_config: { tts: { model_id: 'eleven_v9' } },
        colour: 'red',
      });
      expect(bad.status).toBe(422);
      expect(fake.invalid.join('\n')).toContain('Unexpected key "colour"');
      expect(fake.invalid.join('\n')).toContain('eleven_v9');

      const created = (await (
        await post('/v1/convai/agents/create', { conversation_config: {} })
      ).json()) as {
        agent_id: string;
      };
      expect(sdk.CreateAgentResponseModel.parse(created, STRICT).ok).toBe(true);
      const agent = await (await fetch(`${fake.url}/v1/convai/agents/${created.agent_id}`)).json();
      expect(sdk.GetAgentResponseModel.parse(agent, STRICT)).toMatchObject({ ok: true });
      const tool = await (
        await post('/v1/convai/tools', { tool_config: { type: 'client', name: 't', description: 'd' } })
      ).json();
      expect(sdk.ToolResponseModel.parse(tool, STRICT)).toMatchObject({ ok: true });
    } finally {
      await fake.close();
    }
  });
});

describe('writing agent ids back into NPC files', () => {
  it('changes only the agent_id text, adds the line when missing, and copes with flow style', async () => {
    const { withAgentId } = await import('../../plugin/server/commands/push.js');
    const quoted = '# c\nname: A\nagent:\n  agent_id: ""  # filled by push\n  prompt: { text: hi }\n';
    expect(withAgentId(quoted, 'agent_9')).toBe(
      '# c\nname: A\nagent:\n  agent_id: "agent_9"  # filled by push\n  prompt: { text: hi }\n',
    );
    const missing = 'name: A\nagent:\n    # the persona\n    prompt: { text: hi }\n';
    expect(withAgentId(missing, 'agent_9')).toBe(
      'name: A\nagent:\n    agent_id: agent_9\n    # the persona\n    prompt: { text: hi }\n',
    );
    const flow = 'name: A # who\nagent: { prompt: { text: hi } }\n';
    const out = withAgentId(flow, 'agent_9');
    expect(out).toContain('# who');
    expect(out).toContain('agent_id: agent_9');
  });
});
