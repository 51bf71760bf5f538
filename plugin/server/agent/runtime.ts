/** What every conversation of one local agent shares: engines, limits, timings, metrics. */
import type { Recognizer } from '../speech/recognizer.js';
import type { OwnedSpeech } from '../speech/fair-queue.js';
import type { TurnDetector, TurnDetectorEvents } from '../speech/vad.js';
import type { Brain } from './brain.js';
import type { ContextLimits } from './context-store.js';
import type { SessionPlan } from './persona.js';

export interface AgentLimits extends ContextLimits {
  /** Largest accepted client frame (bytes); larger frames get an `error` and close 1008. */
  maxFrameBytes: number;
  /** Concurrent conversations; one more gets an `error` and close 1002 ("try again later"). */
  maxSessions: number;
  /**
   * Concurrent conversations from one remote address; one more gets an `error` and close 1002.
   * Default: a quarter of `maxSessions` (50 of 200).
   */
  maxSessionsPerClient: number;
  /** A socket that sends no `conversation_initiation_client_data` this long after opening is closed (1002). */
  initTimeoutMs: number;
  /**
   * At capacity, a new conversation waits this long for a slot (`queue_status` waiting, then
   * admitted or timed_out, like the real service when an agent's concurrency is full); 0 refuses at once.
   */
  queueTimeoutMs: number;
  /** Conversations waiting at most; one more is refused at once (waiting sockets are not free either). */
  maxQueued: number;
  /** No user input (audio, text, activity) for this long closes with 1002, like the real service. */
  idleTimeoutMs: number;
  /** How long a `client_tool_call` with `expects_response` waits for its `client_tool_result`. */
  toolTimeoutMs: number;
  /** Longest greeting (characters, after dynamic variables); longer is refused with an `error` and 1008. */
  maxFirstMessageChars: number;
  /** Longest reply (characters); a brain's reply is cut at the last word before it. */
  maxReplyChars: number;
  /** Sentences one conversation may have waiting for the shared speech engine; more are dropped. */
  maxPendingSpeech: number;
  /** Agent audio waits while this many bytes are unsent on the socket (a client that is not reading). */
  maxBufferedBytes: number;
  /** A client that reads nothing for this long while audio waits is closed (1002). */
  sendStallMs: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxFrameBytes: 256 * 1024,
  maxSessions: 200,
  maxSessionsPerClient: 50,
  initTimeoutMs: 5_000,
  queueTimeoutMs: 30_000,
  maxQueued: 50,
  maxContextUpdateChars: 8_192,
  maxContextChars: 32_768,
  idleTimeoutMs: 60_000,
  toolTimeoutMs: 10_000,
  maxFirstMessageChars: 1_000,
  maxReplyChars: 2_000,
  maxPendingSpeech: 4,
  maxBufferedBytes: 256 * 1024,
  sendStallMs: 10_000,
};

/** Rolling samples for benchmarks and the health endpoint. */
export class Samples {
  readonly #values: number[] = [];
  readonly #cap: number;

  constructor(cap = 2000) {
    this.#cap = cap;
  }
  push(v: number): void {
    this.#values.push(v);
    if (this.#values.length > this.#cap) this.#values.shift();
  }
  all(): number[] {
    return this.#values.slice();
  }
  clear(): void {
    this.#values.length = 0;
  }
}

export interface AgentMetrics {
  /** End of the player's turn (message received / VAD end of turn) → first reply audio frame sent. */
  turnToFirstAudioMs: Samples;
  /** VAD end of turn → recognizer result. */
  asrMs: Samples;
  /**
   * Spoken turns the recognizer decoded, and those it declined (overloaded, audio faster than real
   * time, decoder broke). Counted here because on the wire a decline and a turn the NPC did not
   * understand look alike: both get its "say again" line and no transcript.
   */
  spokenTurns: { decoded: number; declined: number };
}

/**
 * `Closed`: the conversation type `onClosed` reports (the handler's Conversation). A parameter, so
 * this module does not import the conversation that imports it.
 */
export interface AgentRuntime<Closed = unknown> {
  /** This conversation's share of the agent's one speech engine. */
  speech: OwnedSpeech;
  recognizer: Recognizer | null;
  brainFor(plan: SessionPlan): Brain;
  /** What the NPC learned from this player earlier in the play session (by `user_id`). */
  memoryFor(userId: string | undefined, npcId: string): Map<string, string> | undefined;
  createDetector(events: TurnDetectorEvents): Promise<TurnDetector>;
  limits: AgentLimits;
  metadataGapMs: number;
  pingIntervalMs: number;
  frameMs: number;
  leadMs: number;
  metrics: AgentMetrics;
  log(line: string): void;
  onClosed(c: Closed): void;
}
