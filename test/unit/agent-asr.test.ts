/**
 * A spoken question, end to end: a WAV synthesized with the espeak-ng CLI and converted with sox is
 * streamed as 20 ms `user_audio_chunk`s; pocketsphinx (with the NPC's grammar) transcribes it and
 * the NPC answers. Needs Debian's pocketsphinx, pocketsphinx-en-us, espeak-ng and sox (`.ci/run`
 * installs them); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence } from './agent-fixtures.js';

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// A PATH lookup, not a spawn: a busy machine must not turn into a silent skip.
const has = (cmd: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
const missing = [
  ...['pocketsphinx_continuous', 'espeak-ng', 'sox'].filter((c) => !has(c)),
  ...(existsSync('/usr/share/pocketsphinx/model/en-us/en-us') ? [] : ['pocketsphinx-en-us']),
];
const reason = missing.length
  ? `needs ${missing.join(', ')} (apt-get install pocketsphinx pocketsphinx-en-us espeak-ng sox)`
  : '';

let dir: string;
/** 16 kHz mono PCM16 of a spoken sentence, made the way a player's microphone would deliver it. */
function spoken(text: string): Int16Array {
  const wav22 = join(dir, 'raw.wav');
  const raw16 = join(dir, 'speech.raw');
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', wav22, text]);
  execFileSync('sox', [
    wav22,
    '-r',
    '16000',
    '-b',
    '16',
    '-c',
    '1',
    '-e',
    'signed-integer',
    '-t',
    'raw',
    raw16,
  ]);
  const bytes = readFileSync(raw16);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

describe.skipIf(missing.length > 0)(`spoken questions with pocketsphinx ${reason}`, () => {
  let agent: LocalAgent;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-asr-'));
    agent = await createLocalAgent({ npcs: [QUIET_NPC], recognizer: 'auto', llm: false });
  }, 60_000);
  afterAll(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the recognizer and sends no offline notice', async () => {
    const h = agent.handler.health() as { recognizer: { available: boolean; name: string } };
    expect(h.recognizer.available).toBe(true);
    expect(h.recognizer.name).toMatch(/pocketsphinx/);
  });

  it('transcribes a spoken question and answers it', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    for (const chunk of chunks20ms(silence(300))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(spoken('do you sell healing potions'))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1000))) c.sendAudio(chunk);
    const transcript = await c.waitType('user_transcript', 15_000);
    expect(transcript.msg.user_transcription_event.user_transcript).toMatch(/healing( a)? potions?/);
    const answer = await c.waitType('agent_response', 15_000);
    expect(answer.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    expect(answer.msg.agent_response_event.event_id).toBeGreaterThan(
      transcript.msg.user_transcription_event.event_id,
    );
    expect(c.frames.indexOf(transcript)).toBeLessThan(c.frames.indexOf(answer));
    expect(c.of('local_agent_notice')).toEqual([]);
    expect(c.shapeErrors()).toEqual([]);
    c.close();
  });

  it('falls back instead of forcing off-topic speech onto a reply', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    for (const chunk of chunks20ms(silence(300))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(spoken('what is the weather like on the moon'))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1000))) c.sendAudio(chunk);
    await c.waitType('user_transcript', 15_000);
    const answer = await c.waitType('agent_response', 15_000);
    expect(answer.msg.agent_response_event.agent_response).toBe(QUIET_NPC.local.fallback);
    c.close();
  });
});
