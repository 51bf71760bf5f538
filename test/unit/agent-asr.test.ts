/**
 * A spoken question, end to end: a WAV synthesized with the espeak-ng CLI and converted with sox is
 * streamed as 20 ms `user_audio_chunk`s; pocketsphinx (with the NPC's grammar) transcribes it and
 * the NPC answers. Needs Debian's pocketsphinx, pocketsphinx-en-us, espeak-ng and sox (`.ci/run`
 * installs them); skipped with the reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { createPocketsphinxRecognizer } from '../../plugin/server/speech/pocketsphinx.js';
import { liveGroupMembers } from '../../plugin/server/speech/sphinx-process.js';
import { isDeclined, transcriptOf } from '../../plugin/server/speech/recognizer.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence } from './agent-fixtures.js';
import { espeakPcm16k } from '../../harness/speech.js';
import { until as untilTrue } from '../../harness/poll.js';
import { SAY_AGAIN } from '../../plugin/server/agent/brain.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';
import { repoRoot } from '../../harness/repo.js';

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// A PATH lookup, not a spawn: a busy machine must not turn into a silent skip.
const has = (cmd: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));
const missing = [
  ...['pocketsphinx_batch', 'espeak-ng', 'sox'].filter((c) => !has(c)),
  ...(existsSync('/usr/share/pocketsphinx/model/en-us/en-us') ? [] : ['pocketsphinx-en-us']),
];
/** pocketsphinx processes this test process started (decoder <- sh <- us), read from /proc. */
function ourDecoders(): number[] {
  const stat = (pid: string): { comm: string; state: string; ppid: number } | null => {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      const [state, ppid] = s.slice(close + 2).split(' ');
      return { comm: s.slice(s.indexOf('(') + 1, close), state: state!, ppid: Number(ppid) };
    } catch {
      return null; // exited meanwhile
    }
  };
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      const me = stat(pid);
      if (!me?.comm.startsWith('pocketsphinx') || me.state === 'Z') return false;
      return stat(String(me.ppid))?.ppid === process.pid;
    })
    .map(Number);
}

/** Nothing of the decoder's process group runs any more (zombies waiting for init are dead). */
const groupGone = (pgid: number): boolean => liveGroupMembers(pgid) === 0;

const until = (condition: () => boolean) => untilTrue(condition, { timeout: 10_000, interval: 10 });

const reason = missing.length
  ? `needs ${missing.join(', ')} (apt-get install pocketsphinx pocketsphinx-en-us espeak-ng sox)`
  : '';

describe.skipIf(missing.length > 0)(`spoken questions with pocketsphinx ${reason}`, () => {
  let agent: LocalAgent;
  beforeAll(async () => {
    agent = await createLocalAgent({ npcs: [QUIET_NPC], recognizer: 'auto', llm: false });
  }, 60_000);
  afterAll(async () => {
    await agent.close();
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
    for (const chunk of chunks20ms(espeakPcm16k('do you sell healing potions', 'en-us'))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1000))) c.sendAudio(chunk);
    const transcript = await c.waitType('user_transcript', 15_000);
    expect(transcript.msg.user_transcription_event.user_transcript).toMatch(/\bpotions?\b/);
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

  /** Says `text` (eSpeak NG, `voice`) to a new conversation with `npc` and returns the client. */
  async function say(on: LocalAgent, npc: string, text: string, voice = 'en-us'): Promise<ScriptedClient> {
    const c = await ScriptedClient.connect(on.url, npc);
    await c.waitType('conversation_initiation_metadata');
    for (const chunk of chunks20ms(silence(300))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(espeakPcm16k(text, voice))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1000))) c.sendAudio(chunk);
    return c;
  }

  it('asks again, showing no transcript, when what it heard matches nothing; then says what it knows', async () => {
    const c = await say(agent, 'quiet', 'what is the weather like on the moon');
    const first = await c.waitType('agent_response', 15_000);
    expect(first.msg.agent_response_event.agent_response).toBe(SAY_AGAIN);
    // The same words again: asked once already, the NPC says what it does know.
    const from = c.frames.length;
    for (const chunk of chunks20ms(espeakPcm16k('what is the weather like on the moon', 'en-us')))
      c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1000))) c.sendAudio(chunk);
    const second = await c.waitType('agent_response', 15_000, from);
    expect(second.msg.agent_response_event.agent_response).toBe(QUIET_NPC.local.fallback);
    // Whatever the recognizer made of it, the player was never shown it as heard.
    expect(c.of('user_transcript')).toEqual([]);
    expect(c.of('client_tool_call')).toEqual([]);
    expect(c.shapeErrors()).toEqual([]);
    c.close();
  });

  it('understands a question phrased in words the NPC file does not hold', async () => {
    // Mira's file knows "lantern" and "how much" in separate replies; the player asks in a sentence
    // of their own. (The old grammar heard "how much go that a you to to well is": her price list.)
    const { npcs } = await loadNpcDir(`${repoRoot}assets/npcs`);
    const village = await createLocalAgent({ npcs, recognizer: 'auto', llm: false, speechEngine: 'babble' });
    try {
      const c = await say(village, 'mira', 'how much does a lantern cost');
      const heard = await c.waitType('user_transcript', 15_000);
      expect(heard.msg.user_transcription_event.user_transcript).toMatch(/\blantern\b/);
      const answer = await c.waitType('agent_response', 15_000, c.frames.indexOf(heard));
      const mira = npcs.find((n) => n.id === 'mira')!;
      const lanternReply = mira.local.replies.find((r) => r.when.includes('lantern'))!;
      expect(answer.msg.agent_response_event.agent_response).toBe(lanternReply.say);
      expect(c.of('client_tool_call')).toEqual([]);
      c.close();
    } finally {
      await village.close();
    }
  });

  it('keeps decoders bounded under a flood from one client while another client is answered promptly', async () => {
    const recognizer = createPocketsphinxRecognizer({ maxConcurrent: 2, maxProcesses: 3 })!;
    const flooded = await createLocalAgent({
      npcs: [QUIET_NPC],
      recognizer,
      llm: false,
      speechEngine: 'babble',
    });
    try {
      const hostile = await ScriptedClient.connect(flooded.url, 'quiet');
      const player = await ScriptedClient.connect(flooded.url, 'quiet');
      await hostile.waitType('conversation_initiation_metadata');
      await player.waitType('conversation_initiation_metadata');
      const question = espeakPcm16k('do you sell healing potions', 'en-us');
      // Decoders of the other agents in this file are not this one's.
      const others = new Set(ourDecoders());
      let most = 0;
      const poll = setInterval(
        () => (most = Math.max(most, ourDecoders().filter((p) => !others.has(p)).length)),
        10,
      );
      try {
        // 40 spoken turns (about 140 s of audio) sent as fast as the socket takes them.
        for (let i = 0; i < 40; i++) {
          for (const chunk of chunks20ms(question)) hostile.sendAudio(chunk);
          for (const chunk of chunks20ms(silence(800))) hostile.sendAudio(chunk);
        }
        for (const chunk of chunks20ms(silence(300))) player.sendAudio(chunk);
        for (const chunk of chunks20ms(question)) player.sendAudio(chunk);
        const t0 = performance.now();
        for (const chunk of chunks20ms(silence(1000))) player.sendAudio(chunk);
        const heard = await player.waitType('user_transcript', 10_000);
        expect(heard.msg.user_transcription_event.user_transcript).toMatch(/\bpotions?\b/);
        // Not behind the flood: VAD hangover (600 ms) plus one decode, on a busy machine.
        expect(performance.now() - t0).toBeLessThan(4000);
        // The flood got at most the turns real time allows, and a plain answer for the rest.
        await hostile.waitType('agent_response', 10_000);
        expect(hostile.of('user_transcript').length).toBeLessThan(12);
      } finally {
        clearInterval(poll);
      }
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(3);
      hostile.close();
      player.close();
    } finally {
      await flooded.close();
    }
  });

  it('replaces a decoder process that dies, and leaves no process after shutdown', async () => {
    const recognizer = createPocketsphinxRecognizer({ maxConcurrent: 1 })!;
    const hints = { phrases: ['healing potion', 'lantern'], keywords: [] };
    const pcm = [
      ...chunks20ms(silence(300)),
      ...chunks20ms(espeakPcm16k('do you sell healing potions', 'en-us')),
    ];
    const ask = async (): Promise<unknown> => {
      const s = recognizer.start(hints, undefined, { owner: {} });
      for (const c of pcm) s.write(c);
      const r = await s.finish();
      return isDeclined(r) ? r : transcriptOf(r).text;
    };
    try {
      expect(await ask()).toMatch(/healing/);
      const [first] = recognizer.pids();
      expect(first).toBeGreaterThan(0);
      process.kill(-first!, 'SIGKILL');
      await until(() => groupGone(first!));
      expect(await ask()).toMatch(/healing/);
      const [second] = recognizer.pids();
      expect(second).not.toBe(first);
      expect(recognizer.stats().processes).toBe(1);
    } finally {
      const pids = recognizer.pids();
      await recognizer.close();
      expect(pids.filter((p) => !groupGone(p))).toEqual([]);
    }
  });

  // Linux autogroups share the CPU between sessions before nice counts, and each decoder pipeline is
  // a session of its own: niced only inside it, two busy decoders outweighed the agent's event loop.
  it.skipIf(!existsSync('/proc/self/autogroup'))(
    "nices its decoders' own sessions (their autogroups), not only the processes",
    async () => {
      const recognizer = createPocketsphinxRecognizer({ maxConcurrent: 2, niceness: 10 })!;
      const niceOf = (pid: number): string | undefined =>
        /nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))?.[1];
      try {
        recognizer.prepare!({ phrases: ['lantern'], keywords: [] });
        const pids = recognizer.pids();
        expect(pids).toHaveLength(2);
        // Unprivileged, the kernel takes one autogroup change per 100 ms: the pool retries.
        await until(() => pids.every((p) => niceOf(p) === '10'));
      } finally {
        await recognizer.close();
      }
    },
  );

  it('stops its decoders when the agent shuts down', async () => {
    const recognizer = createPocketsphinxRecognizer()!;
    const a = await createLocalAgent({ npcs: [QUIET_NPC], recognizer, llm: false, speechEngine: 'babble' });
    const c = await ScriptedClient.connect(a.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    for (const chunk of chunks20ms(silence(200))) c.sendAudio(chunk); // the NPC's decoder starts here
    await until(() => recognizer.pids().length > 0);
    const pids = recognizer.pids();
    await a.close();
    expect(pids.filter((p) => !groupGone(p))).toEqual([]);
  });

  it('close() settles in a script that has nothing else to keep it running', () => {
    // A tool that decodes a file and then goes on: its decoders must not let Node exit (code 13,
    // "unsettled top-level await") before close() has waited for them.
    const dir = mkdtempSync(join(tmpdir(), 'asr-close-'));
    const script = join(dir, 'decode.mts');
    const module = JSON.stringify(`${repoRoot}plugin/server/speech/pocketsphinx.ts`);
    writeFileSync(
      script,
      `const { createPocketsphinxRecognizer } = await import(${module});
const r = createPocketsphinxRecognizer({ maxConcurrent: 1 });
const s = r.start({ phrases: ['lantern'], keywords: [] });
s.write(new Int16Array(8000));
console.log('heard', JSON.stringify(await s.finish()));
await r.close();
console.log('closed');
`,
    );
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(run.stdout).toContain('heard');
      expect({ status: run.status, stdout: run.stdout.trim().split('\n').at(-1) }).toEqual({
        status: 0,
        stdout: 'closed',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
