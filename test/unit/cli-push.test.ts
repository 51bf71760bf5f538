/** `voice-agents push`: creating agents and tools, updating them, and writing the ids back. */
import { afterAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTemps, tempCopyOfNpcs, tempDir } from '../helpers/run-cli.js';
import { fakeApiPerTest, KEY } from './cli-push-setup.js';

afterAll(removeTemps);

// Each test spawns tsx a few times; on a loaded 2-core machine a spawn can take seconds.
describe(
  'voice-agents push: creating, updating and writing back (a stateful fake of the ElevenLabs REST API)',
  { timeout: 90_000 },
  () => {
    const { fake, push, dryRun, idIn, toolId } = fakeApiPerTest();

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
  },
);
