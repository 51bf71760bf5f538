/**
 * Offline understanding (issue 15.4): the utterance sets (test/fixtures/intents/thornbury.tsv, our
 * own, and test/fixtures/intents/intents-dev.tsv, the team's shared examples) played to the local agent the way players meet it, each line
 * to a fresh conversation with its NPC, at that NPC's quest moment (facts sent as context).
 *
 * - Typed: `user_message`. Scored: right intent (the tool it asked for, the words the answer must
 *   hold, or an honest fallback for off-topic lines), wrong tools (any tool the line did not ask for).
 * - Spoken: eSpeak NG says the line in one of four voices with a little background noise, streamed
 *   as 20 ms chunks at real time. Scored the same, plus the word error rate of `user_transcript`,
 *   how often the NPC asked to hear it again, and end of speech → first reply audio.
 *   Lines for NPCs that do not speak English are typed only (the offline recognizer knows English).
 *
 * Run: npx tsx bench/understanding.bench.ts   (SETS=path1,path2 to choose the sets)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { ServerMessage } from '../plugin/protocol/index.js';
import { AgentChild, median } from './agent-lib.js';
import { percentile, round, writeResult } from './lib/report.js';
import { loadNpcDir } from '../plugin/server/npc-files.js';
import { MET_WITH, readIntentSet, score, type Outcome, type Utterance } from '../harness/intent-set.js';
import { until } from '../harness/poll.js';
import { espeakPcm16k, PLAYER_VOICES, voicedEnd, withNoise } from '../harness/speech.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const SETS = (process.env.SETS ?? `test/fixtures/intents/thornbury.tsv,test/fixtures/intents/intents-dev.tsv`)
  .split(',')
  .map((p) => root + p)
  .filter(existsSync);
const VOICES = PLAYER_VOICES;
const NOT_UNDERSTOOD = ["Sorry, I didn't catch that.", "Sorry, I didn't catch that. Could you say it again?"];

interface Conn {
  ws: WebSocket;
  frames: { at: number; msg: ServerMessage }[];
  close(): void;
}

function connect(url: string, npc: string, facts: Record<string, string>, player: string): Promise<Conn> {
  const ws = new WebSocket(`${url}/v1/convai/conversation?agent_id=${encodeURIComponent(npc)}`, ['convai']);
  const frames: Conn['frames'] = [];
  ws.on('message', (d) => {
    const msg: ServerMessage = JSON.parse(d.toString()); // the local agent speaks the protocol (its tests decode every frame)
    frames.push({ at: performance.now(), msg });
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', event_id: msg.ping_event.event_id }));
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'conversation_initiation_client_data', user_id: player }));
      for (const [k, v] of Object.entries(facts))
        ws.send(JSON.stringify({ type: 'contextual_update', text: `${k}: ${v}`, context_id: k }));
      resolve({ ws, frames, close: () => ws.close() });
    });
  });
}

/** How the bench waits for the agent's frames (every 2 ms). */
const WAIT = { timeout: 20_000, interval: 2 };

/** Word error rate of `hyp` against `ref` (lower case, punctuation off). */
export function wer(ref: string, hyp: string): number {
  const w = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
      .split(/\s+/)
      .filter(Boolean);
  const r = w(ref),
    h = w(hyp);
  const d = Array.from({ length: r.length + 1 }, (_, i) => [i, ...Array<number>(h.length).fill(0)]);
  for (let j = 1; j <= h.length; j++) d[0]![j] = j;
  for (let i = 1; i <= r.length; i++)
    for (let j = 1; j <= h.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1),
      );
  return r.length ? d[r.length]![h.length]! / r.length : 0;
}

interface Played {
  u: Utterance;
  outcome: Outcome;
  ok: boolean;
  wrongTool: boolean;
  why: string;
  transcript?: string;
  wer?: number;
  endToAudioMs?: number;
}

const fallbacks = new Map<string, string>();
const sayAgains = new Map<string, string>();

/** The frames of one message type, typed as that message. */
function framesOf<T extends ServerMessage['type']>(frames: Conn['frames'], type: T) {
  return frames.filter(
    (f): f is { at: number; msg: Extract<ServerMessage, { type: T }> } => f.msg.type === type,
  );
}

function outcomeOf(u: Utterance, frames: Conn['frames'], from: number): Outcome {
  const after = frames.slice(from);
  const answer = framesOf(after, 'agent_response')
    .map((f) => f.msg.agent_response_event.agent_response)
    .join(' ');
  const tools = framesOf(after, 'client_tool_call').map((f) => f.msg.client_tool_call.tool_name);
  const sayAgain = NOT_UNDERSTOOD.includes(answer) || answer === sayAgains.get(u.npc);
  return { answer, tools, fallback: answer === fallbacks.get(u.npc), sayAgain };
}

async function playTyped(url: string, u: Utterance, n: number): Promise<Played> {
  const c = await connect(url, u.npc, u.facts ?? MET_WITH[u.npc] ?? {}, `bench-typed-${n}`);
  try {
    await until(() => c.frames.some((f) => f.msg.type === 'agent_response'), {
      what: 'the greeting',
      ...WAIT,
    });
    const from = c.frames.length;
    c.ws.send(JSON.stringify({ type: 'user_message', text: u.typed }));
    await until(() => c.frames.slice(from).some((f) => f.msg.type === 'agent_response'), {
      what: 'the answer to the typed line',
      ...WAIT,
    });
    await new Promise((r) => setTimeout(r, 50)); // a tool call sent just before its words
    const outcome = outcomeOf(u, c.frames, from);
    return { u, outcome, ...score(u, outcome) };
  } finally {
    c.close();
  }
}

async function playSpoken(url: string, u: Utterance, n: number): Promise<Played> {
  const clean = espeakPcm16k(u.spoken, VOICES[n % VOICES.length]);
  const spokenEnd = voicedEnd(clean);
  const speech = withNoise(clean, n + 1);
  const c = await connect(url, u.npc, u.facts ?? MET_WITH[u.npc] ?? {}, `bench-spoken-${n}`);
  try {
    await until(() => c.frames.some((f) => f.msg.type === 'agent_response'), {
      what: 'the greeting',
      ...WAIT,
    });
    // Let the greeting play out (its audio arrives ahead of real time), then speak.
    await new Promise((r) => setTimeout(r, 400));
    const from = c.frames.length;
    const audio = new Int16Array(speech.length + 16000 * 1.5);
    audio.set(speech, 0);
    const t0 = performance.now();
    let endOfSpeech = 0;
    for (let k = 0, i = 0; k < audio.length; k += 320, i++) {
      const chunk = audio.subarray(k, k + 320);
      c.ws.send(
        JSON.stringify({
          user_audio_chunk: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'),
        }),
      );
      if (k + 320 >= spokenEnd && !endOfSpeech) endOfSpeech = performance.now();
      const wait = t0 + (i + 1) * 20 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (c.frames.slice(from).some((f) => f.msg.type === 'agent_response')) break;
    }
    await until(() => c.frames.slice(from).some((f) => f.msg.type === 'agent_response'), {
      what: 'the answer to the spoken line',
      ...WAIT,
      timeout: 15_000,
    }).catch(() => undefined); // no answer is an outcome too, scored below
    await new Promise((r) => setTimeout(r, 50));
    const outcome = outcomeOf(u, c.frames, from);
    const transcript = framesOf(c.frames.slice(from), 'user_transcript')
      .map((f) => f.msg.user_transcription_event.user_transcript)
      .join(' ');
    const firstAudio = c.frames.slice(from).find((f) => f.msg.type === 'audio' && f.at > endOfSpeech);
    return {
      u,
      outcome,
      ...score(u, outcome),
      transcript,
      wer: wer(u.spoken, transcript),
      ...(firstAudio ? { endToAudioMs: firstAudio.at - endOfSpeech } : {}),
    };
  } finally {
    c.close();
  }
}

const { npcs } = await loadNpcDir(`${root}assets/npcs`);
for (const n of npcs) {
  fallbacks.set(n.id, n.local.fallback);
  if (n.local.say_again) sayAgains.set(n.id, n.local.say_again);
}
const english = new Set(
  npcs.filter((n) => !n.agent.language || n.agent.language.startsWith('en')).map((n) => n.id),
);
const lines = SETS.flatMap((p) => readIntentSet(p));
const canSpeak = ['pocketsphinx_batch', 'espeak-ng', 'sox'].every(
  (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0,
);

const agent = await AgentChild.start({ recognizer: canSpeak ? 'auto' : 'none' });
const typed: Played[] = [];
for (const [i, u] of lines.entries()) typed.push(await playTyped(agent.url, u, i));
const spoken: Played[] = [];
if (canSpeak)
  for (const [i, u] of lines.filter((l) => english.has(l.npc)).entries())
    spoken.push(await playSpoken(agent.url, u, i));
await agent.close();

const rate = (xs: Played[]) =>
  xs.length ? round((100 * xs.filter((x) => x.ok).length) / xs.length, 1) : null;
const latencies = spoken.flatMap((s) => (s.endToAudioMs === undefined ? [] : [s.endToAudioMs]));
/** The spoken lines' figures, when this machine can speak and hear them. */
const heard = canSpeak
  ? {
      n: spoken.length,
      voices: VOICES,
      accuracyPercent: rate(spoken),
      wrongTools: spoken.filter((t) => t.wrongTool).length,
      sayAgain: spoken.filter((t) => t.outcome.sayAgain).length,
      werMedian: round(median(spoken.map((s) => s.wer ?? 1)), 3),
      endOfSpeechToFirstAudioMs: latencies.length
        ? { n: latencies.length, median: round(median(latencies)), p95: round(percentile(latencies, 95)) }
        : null,
      misses: spoken
        .filter((t) => !t.ok)
        .map((t) => `${t.u.id} "${t.u.spoken}" heard "${t.transcript}": ${t.why}`),
    }
  : null;
const result = {
  sets: SETS.map((p) => p.slice(root.length)),
  lines: lines.length,
  typed: {
    n: typed.length,
    accuracyPercent: rate(typed),
    wrongTools: typed.filter((t) => t.wrongTool).length,
    misses: typed.filter((t) => !t.ok).map((t) => `${t.u.id} "${t.u.typed}": ${t.why}`),
  },
  spoken: heard ?? { skipped: 'needs pocketsphinx_batch, espeak-ng and sox' },
  targets: {
    typedAccuracyPercent: 90,
    spokenAccuracyPercent: 80,
    wrongTools: 0,
    endOfSpeechToFirstAudioMedianMs: 600,
  },
};
writeResult('understanding', result, [
  `typed: ${result.typed.accuracyPercent}% of ${typed.length} lines right (target >= 90), ${result.typed.wrongTools} wrong tools (target 0)`,
  heard
    ? `spoken: ${heard.accuracyPercent}% of ${spoken.length} lines right (target >= 80), ${heard.wrongTools} wrong tools, ${heard.sayAgain} "say again", WER median ${heard.werMedian}; end of speech -> first reply audio median ${heard.endOfSpeechToFirstAudioMs?.median ?? '-'} ms, p95 ${heard.endOfSpeechToFirstAudioMs?.p95 ?? '-'} ms (target median <= 600)`
    : 'spoken: skipped (needs pocketsphinx_batch, espeak-ng and sox)',
  ...result.typed.misses.map((m) => `  typed miss ${m}`),
  ...(heard ? heard.misses.map((m) => `  spoken miss ${m}`) : []),
]);
