/**
 * Local agent turn latency: from the end-of-turn decision (a typed `user_message` received, or the
 * VAD's end of a spoken turn) to the first reply `audio` frame sent (docs/design.md §8: ≤ 150 ms). The agent
 * runs in its own process; the server's own timestamps give the figure, and the client's
 * send → first-audio time (one loopback hop each way) is reported next to it.
 * Run: npx tsx bench/agent-latency.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import type { ServerMessage } from '../plugin/protocol/index.js';
import { percentile, round, writeResult } from './lib/report.js';
import { AgentChild, median } from './agent-lib.js';
import { poll, until } from '../harness/poll.js';
import { espeakPcm16k } from '../harness/speech.js';

const TYPED_TURNS = Number(process.env.TURNS ?? 40);
const VOICE_TURNS = Number(process.env.VOICE_TURNS ?? 12);
const QUESTIONS = [
  'Do you sell healing potions?',
  'How much is a lantern?',
  'Tell me about the quest',
  'What are your prices?',
  'I want a refund',
];

/** A frame from the local agent, stamped when it arrived. */
interface Frame {
  at: number;
  msg: ServerMessage;
}
type AudioFrame = Frame & { msg: Extract<ServerMessage, { type: 'audio' }> };

function open(url: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(`${url}/v1/convai/conversation?agent_id=mira`, ['convai']);
  const frames: Frame[] = [];
  ws.on('message', (d) => {
    const msg: ServerMessage = JSON.parse(d.toString()); // the local agent speaks the protocol (its tests decode every frame)
    frames.push({ at: performance.now(), msg });
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', event_id: msg.ping_event.event_id }));
  });
  return new Promise((resolve) =>
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'conversation_initiation_client_data',
          conversation_config_override: { agent: { first_message: '' } },
        }),
      );
      resolve({ ws, frames });
    }),
  );
}

/** How the bench waits for the agent's frames: every 1 ms (a frame's arrival time is stamped when it comes). */
const WAIT = { timeout: 20_000, interval: 1 };

async function typedRun(engine: string): Promise<{ server: number[]; client: number[]; engine: string }> {
  const agent = await AgentChild.start({ recognizer: 'none', speechEngine: engine });
  const { ws, frames } = await open(agent.url);
  await until(() => frames.some((f) => f.msg.type === 'conversation_initiation_metadata'), {
    what: 'the conversation metadata',
    ...WAIT,
  });
  await new Promise((r) => setTimeout(r, 100));
  await agent.reset();
  const client: number[] = [];
  let lastId = 0;
  for (let i = 0; i < TYPED_TURNS; i++) {
    const sentAt = performance.now();
    ws.send(JSON.stringify({ type: 'user_message', text: QUESTIONS[i % QUESTIONS.length] }));
    const first = await poll(
      () =>
        frames.find(
          (f): f is AudioFrame =>
            f.msg.type === 'audio' && f.msg.audio_event.event_id > lastId && f.at >= sentAt,
        ),
      (f) => f !== undefined,
      { what: "the reply's first audio", ...WAIT },
    );
    client.push(first.at - sentAt);
    lastId = first.msg.audio_event.event_id;
    // Let part of the reply play, then ask the next question (a barge-in, as impatient players do).
    await new Promise((r) => setTimeout(r, 250 + (i % 3) * 150));
  }
  const stats = await agent.stats();
  ws.close();
  await agent.close();
  return { server: stats.turnToFirstAudioMs, client, engine: stats.engine };
}

async function voiceRun(): Promise<{ server: number[]; asr: number[] } | { skipped: string }> {
  const need = ['pocketsphinx_batch', 'espeak-ng', 'sox'].filter(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0,
  );
  if (need.length) return { skipped: `needs ${need.join(', ')}` };
  const utterances = ['do you sell healing potions', 'how much is a lantern', 'tell me about the quest'].map(
    (t) => espeakPcm16k(t),
  );
  const agent = await AgentChild.start({ recognizer: 'auto' });
  const { ws, frames } = await open(agent.url);
  await until(() => frames.some((f) => f.msg.type === 'conversation_initiation_metadata'), {
    what: 'the conversation metadata',
    ...WAIT,
  });
  await agent.reset();
  for (let i = 0; i < VOICE_TURNS; i++) {
    const speech = utterances[i % utterances.length]!;
    const audio = new Int16Array(speech.length + 16000 * 1.2);
    audio.set(speech, 0);
    const before = frames.filter((f) => f.msg.type === 'agent_response').length;
    // Real time: one 20 ms chunk every 20 ms, as a microphone delivers it.
    const t0 = performance.now();
    for (let k = 0, n = 0; k < audio.length; k += 320, n++) {
      const c = audio.subarray(k, k + 320);
      ws.send(
        JSON.stringify({
          user_audio_chunk: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
        }),
      );
      const wait = t0 + (n + 1) * 20 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await until(() => frames.filter((f) => f.msg.type === 'agent_response').length > before, {
      what: "the agent's response",
      ...WAIT,
    });
    await new Promise((r) => setTimeout(r, 300));
  }
  const stats = await agent.stats();
  ws.close();
  await agent.close();
  return { server: stats.turnToFirstAudioMs, asr: stats.asrMs };
}

const summary = (xs: number[]) => ({
  n: xs.length,
  median: round(median(xs)),
  p95: round(percentile(xs, 95)),
  max: round(Math.max(...xs)),
});

const auto = await typedRun('auto');
const babble = await typedRun('babble');
const voice = await voiceRun();
const target = 150;
const result = {
  targetMs: target,
  machineLoadAvg1m: round(loadavg()[0]!, 2),
  priority: process.env.BENCH_PRIORITY ?? 'default',
  typed: { engine: auto.engine, server: summary(auto.server), clientRoundTrip: summary(auto.client) },
  typedBabble: {
    engine: babble.engine,
    server: summary(babble.server),
    clientRoundTrip: summary(babble.client),
  },
  voicePocketsphinx:
    'skipped' in voice
      ? voice
      : { serverFromVadEndOfTurn: summary(voice.server), recognizerFinishMs: summary(voice.asr) },
  peer: 'none: @elevenlabs/client is a client; the real service is not reachable offline',
};
const lines = [
  `turn-to-first-audio, typed (${auto.engine}): median ${result.typed.server.median} ms, p95 ${result.typed.server.p95} ms (server); client round trip median ${result.typed.clientRoundTrip.median} ms; target <= ${target} ms: ${result.typed.server.p95 <= target ? 'met' : 'MISSED'}`,
  `turn-to-first-audio, typed (babble): median ${result.typedBabble.server.median} ms, p95 ${result.typedBabble.server.p95} ms`,
  'skipped' in voice
    ? `voice turns: skipped (${voice.skipped})`
    : `turn-to-first-audio, spoken (VAD end of turn, pocketsphinx): median ${round(median(voice.server))} ms, p95 ${round(percentile(voice.server, 95))} ms (recognizer finish median ${round(median(voice.asr))} ms)`,
];
writeResult('agent-latency', result, lines);
