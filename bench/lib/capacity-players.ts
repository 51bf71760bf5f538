/**
 * The capacity bench's players (bench/agent-capacity.bench.ts): each holds one conversation with the
 * local agent and loops through its NPC's questions, spoken (eSpeak NG audio, streamed in real time
 * with a little noise) or typed, and counts what comes back.
 */
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { espeakPcm16k } from '../../harness/speech.js';

/** One question every this long, per player. */
export const CYCLE_MS = 8000;
/** Microphone chunks, as the plugin sends them. */
export const CHUNK_MS = 20;

const NPCS: Array<{ id: string; questions: [string, string] }> = [
  { id: 'mira', questions: ['do you sell healing potions', 'how much is a lantern'] },
  { id: 'aldric', questions: ['tell me about the quest', 'what about the lantern'] },
  { id: 'brenna', questions: ['what is the password', 'tell me about the woods'] },
  { id: 'pip', questions: ['what is my schedule', 'i need a reminder'] },
];

// --- Microphone loops, pre-encoded once: two 8 s cycles per NPC -----------------------------------

function noise(n: number, seed: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
    out[i] = seed >> 28; // ±8 LSB (about -72 dBFS): a quiet room; louder white noise trips the VAD
  }
  return out;
}

function chunks(pcm: Int16Array): string[] {
  const out: string[] = [];
  const step = (16000 * CHUNK_MS) / 1000;
  for (let i = 0; i < pcm.length; i += step) {
    const c = pcm.subarray(i, i + step);
    out.push(
      JSON.stringify({
        user_audio_chunk: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'),
      }),
    );
  }
  return out;
}

export interface Loop {
  chunks: string[];
  /** Chunk index at which each typed question is sent (where the spoken one ends), and its text. */
  typedAt: Map<number, string>;
}

export function buildLoops(): { spoken: Loop[]; typed: Loop[] } {
  const need = ['espeak-ng', 'sox'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);
  if (need.length) throw new Error(`agent-capacity needs ${need.join(', ')} (apt-get install espeak-ng sox)`);
  const perCycle = (16000 * CYCLE_MS) / 1000;
  const spoken: Loop[] = [];
  const typed: Loop[] = [];
  NPCS.forEach((npc, k) => {
    const pcm = noise(perCycle * 2, 17 + k);
    const silent = noise(perCycle * 2, 17 + k);
    const typedAt = new Map<number, string>();
    npc.questions.forEach((q, j) => {
      const speech = espeakPcm16k(q);
      const at = j * perCycle + 1600;
      for (let i = 0; i < speech.length && at + i < pcm.length; i++) pcm[at + i] = speech[i]! + pcm[at + i]!;
      typedAt.set(Math.ceil((at + speech.length) / ((16000 * CHUNK_MS) / 1000)), q);
    });
    spoken.push({ chunks: chunks(pcm), typedAt: new Map() });
    typed.push({ chunks: chunks(silent), typedAt });
  });
  return { spoken, typed };
}

// --- Players -------------------------------------------------------------------------------------

export interface Player {
  ws: WebSocket;
  loop: Loop;
  offset: number;
  rate: number;
  /** Playback model: the reply turn playing and when its audio received so far runs out. */
  turn: number;
  playEnd: number;
  audioMs: number;
  gapMs: number;
  gaps: number;
  replies: number;
  transcripts: number;
  sent: number;
  closedWith: number | null;
  errors: number;
}

const AUDIO_HEAD = '{"type":"audio"';
const B64_KEY = '"audio_base_64":"';

function onAudio(p: Player, s: string): void {
  const at = performance.now();
  const start = s.indexOf(B64_KEY) + B64_KEY.length;
  const end = s.indexOf('"', start);
  let bytes = ((end - start) / 4) * 3;
  if (s.charCodeAt(end - 1) === 61) bytes -= s.charCodeAt(end - 2) === 61 ? 2 : 1;
  const ms = (bytes / 2 / p.rate) * 1000;
  const m = /"event_id":(\d+)/.exec(s.slice(end));
  const turn = m ? Number(m[1]) : -1;
  p.audioMs += ms;
  if (turn !== p.turn) {
    p.turn = turn;
    p.playEnd = at + ms;
    return;
  }
  if (at > p.playEnd) {
    p.gapMs += at - p.playEnd;
    p.gaps++;
    p.playEnd = at + ms;
  } else p.playEnd += ms;
}

export function connect(url: string, i: number, loops: Loop[]): Promise<Player> {
  const k = i % NPCS.length;
  const ws = new WebSocket(`${url}/v1/convai/conversation?agent_id=${NPCS[k]!.id}`, ['convai']);
  const loop = loops[k]!;
  const p: Player = {
    ws,
    loop,
    offset: Math.floor(Math.random() * loop.chunks.length),
    rate: 16000,
    turn: -1,
    playEnd: 0,
    audioMs: 0,
    gapMs: 0,
    gaps: 0,
    replies: 0,
    transcripts: 0,
    sent: 0,
    closedWith: null,
    errors: 0,
  };
  ws.on('message', (d) => {
    const s = d.toString();
    if (s.startsWith(AUDIO_HEAD)) return onAudio(p, s);
    const msg = JSON.parse(s);
    if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', event_id: msg.ping_event.event_id }));
    else if (msg.type === 'agent_response') {
      p.replies++;
    } else if (msg.type === 'user_transcript') {
      p.transcripts++;
    } else if (msg.type === 'interruption') p.turn = -1;
    else if (msg.type === 'conversation_initiation_metadata') {
      const f = /pcm_(\d+)/.exec(msg.conversation_initiation_metadata_event?.agent_output_audio_format ?? '');
      if (f) p.rate = Number(f[1]);
    } else if (msg.type === 'error') p.errors++;
  });
  ws.on('close', (code) => (p.closedWith = code));
  ws.on('error', () => p.errors++);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('connect timeout')), 15_000);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.send(
        JSON.stringify({
          type: 'conversation_initiation_client_data',
          conversation_config_override: { agent: { first_message: '' }, tts: {}, conversation: {} },
        }),
      );
      resolve(p);
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export const sum = (ps: Player[], f: (p: Player) => number): number => ps.reduce((s, p) => s + f(p), 0);
