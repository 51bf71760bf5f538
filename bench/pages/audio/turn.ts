// Spoken-turn bench page (bench/spoken-turn.bench.ts): one client per page (?client=ours | official),
// talking to the local agent by voice; instrument.ts (imported first) gives both the same synthetic
// microphone, WebSocket timestamps and output tap.
import { marks, speak } from './instrument.js';
import { until as untilTrue } from '../../../harness/poll.js';
import { openClient, type Opened } from './clients.js';

const client = new URLSearchParams(location.search).get('client') === 'official' ? 'official' : 'ours';

const until = (cond: () => boolean, ms: number, what: string): Promise<void> =>
  untilTrue(cond, { what: `${what} (${client})`, timeout: ms, interval: 1 });

/**
 * No reply audio has arrived for this long and the output is silent: the NPC has finished (the
 * agent sends 200 ms ahead of real time; it counts its turn over when the client has played it).
 */
const QUIET_MS = 600;

let opened: Opened | null = null;

async function start(wsUrl: string): Promise<string> {
  opened = await openClient(client, wsUrl);
  return opened.glue;
}

/** The NPC is not talking: the output tap is silent and no audio frame came for QUIET_MS. */
const quiet = (): boolean =>
  marks.silent.length === marks.loud.length && performance.now() - marks.lastAudio >= QUIET_MS;

/** Waits until the NPC has finished talking (the greeting, the last reply). */
async function settle(): Promise<void> {
  await until(quiet, 30_000, 'the NPC to finish talking');
}

export interface TurnResult {
  /** End of speech (the mic rendered the last voiced sample) → first reply `audio` frame received. */
  firstAudioMs: number | null;
  /** End of speech → the reply audible at the client's output tap. */
  audibleMs: number | null;
  /** The reply's first audio came before the end of speech (the turn ended at a pause inside the line). */
  beforeEnd: boolean;
  /** The line's first sample → its last voiced one, as the mic rendered them. */
  speechMs: number;
  /** `interruption` frames during the turn: the agent took the line as a barge-in (should be 0). */
  interruptions: number;
  /** What the agent heard (user_transcript) and answered (agent_response), in order. */
  heard: string[];
  replies: string[];
}

/**
 * Speaks one line (`samples`: 16 kHz PCM16 values; `endSample`: the last voiced one) into the
 * microphone once the NPC is quiet, then waits for the reply to play out.
 */
async function turn(samples: number[], endSample: number): Promise<TurnResult> {
  await settle();
  const fromText = marks.texts.length;
  const fromInterruptions = marks.interruptions.length;
  const before = new Set(marks.firstAudio.keys());
  const pcm = Float32Array.from(samples, (v) => v / 32768);
  const { startAt, endAt } = await speak(pcm, 16000, endSample);
  /** The first audio frame of an event id that had none before this turn. */
  const reply = (): number | undefined => {
    for (const [id, t] of marks.firstAudio) if (!before.has(id)) return t;
    return undefined;
  };
  let firstAudioMs: number | null = null;
  let audibleMs: number | null = null;
  let beforeEnd = false;
  // No reply within 15 s (the turn was not detected): recorded as missing, not as a time.
  const replied = await until(() => reply() !== undefined, 15_000, 'reply audio').then(
    () => true,
    () => false,
  );
  if (replied) {
    const first = reply()!;
    firstAudioMs = first - endAt;
    beforeEnd = first < endAt;
    await until(() => marks.loud.some((x) => x >= first), 5000, 'the reply audible');
    audibleMs = marks.loud.find((x) => x >= first)! - endAt;
    await settle();
  }
  const texts = marks.texts.slice(fromText);
  return {
    firstAudioMs,
    audibleMs,
    beforeEnd,
    speechMs: endAt - startAt,
    interruptions: marks.interruptions.length - fromInterruptions,
    heard: texts.filter((x) => x.type === 'user_transcript').map((x) => x.text),
    replies: texts.filter((x) => x.type === 'agent_response').map((x) => x.text),
  };
}

function info() {
  return {
    glue: opened?.glue ?? '',
    captureMethodAtEnd: opened?.ourMic?.captureMethod ?? null,
    contexts: marks.contexts,
    chunkSamples: marks.chunkSamples,
  };
}

const turnBench = { start, settle, turn, info };
/** The spoken-turn bench page's API: `window.turnBench` (declared in test/types/window.ts). */
export type TurnBench = typeof turnBench;
window.turnBench = turnBench;
window.__ready = true;
