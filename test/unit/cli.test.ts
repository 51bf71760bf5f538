/**
 * `voice-agents validate`, the ElevenLabs API facts push relies on, and agent ids written back into
 * NPC files. Push itself: cli-push.test.ts and cli-push-failures.test.ts.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as sdk from '@elevenlabs/elevenlabs-js/serialization/index.js';
import { TtsConversationalModel } from '@elevenlabs/elevenlabs-js/api/types/TtsConversationalModel.js';
import { ElevenLabsEnvironment } from '@elevenlabs/elevenlabs-js/environments.js';
import { repoRoot } from '../../harness/repo.js';
import { cli, removeTemps, tempDir } from '../helpers/run-cli.js';
import { startFakeElevenLabs } from '../helpers/fake-elevenlabs.js';
import { formatNpcError } from '../../plugin/npc/index.js';
import { AGENT_TTS_MODELS } from '../../plugin/npc/schema-def.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';
import { REGION_API } from '../../plugin/server/push/api.js';

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
    // An empty value with the space trimmed by an editor, in a CRLF file.
    const empty = 'name: A\r\nagent:\r\n  agent_id:\r\n  prompt: { text: hi }\r\n';
    expect(withAgentId(empty, 'agent_9')).toBe(
      'name: A\r\nagent:\r\n  agent_id: agent_9\r\n  prompt: { text: hi }\r\n',
    );
    const flow = 'name: A # who\nagent: { prompt: { text: hi } }\n';
    const out = withAgentId(flow, 'agent_9');
    expect(out).toContain('# who');
    expect(out).toContain('agent_id: agent_9');
  });
});

describe('PATCH bodies', () => {
  it('clears only the settings the last push sent, also when a whole group leaves the file', async () => {
    const { patchBody } = await import('../../plugin/server/push/payload.js');
    const before = {
      conversation_config: {
        agent: { first_message: 'Hi', prompt: { prompt: 'You sell.', temperature: 0.6 } },
        asr: { keywords: ['Mira'] },
        tts: { voice_id: 'v1', stability: 0.5 },
      },
    };
    const after = {
      conversation_config: { agent: { first_message: 'Hi', prompt: { prompt: 'You sell.' } } },
    };
    expect(patchBody(before, after)).toEqual({
      conversation_config: {
        agent: { first_message: 'Hi', prompt: { prompt: 'You sell.', temperature: null } },
        asr: { keywords: null },
        tts: { voice_id: null, stability: null },
      },
    });
    expect(patchBody(undefined, after)).toEqual(after);
  });
});
