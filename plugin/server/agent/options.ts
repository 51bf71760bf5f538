/**
 * What a game (or `voice-agents serve`) configures the local agent with, and what it gets back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NpcDefinition } from '../../npc/types.js';
import type { AudioFormat } from '../../protocol/index.js';
import type { EngineChoice } from '../speech/index.js';
import type { Recognizer, RecognizerStats } from '../speech/recognizer.js';
import type { TurnDetectorOptions } from '../speech/vad.js';
import type { AccessOptions } from './access.js';
import type { LlmConfig } from './llm.js';
import type { AgentLimits, AgentMetrics } from './runtime.js';

export interface LocalAgentOptions {
  /** NPCs to play; `agent_id` picks one by id (or by its `agent.agent_id`). */
  npcs?: NpcDefinition[];
  /** Or a folder of `*.npc.yaml` files, loaded at start (ignored when `npcs` is given). */
  npcDir?: string;
  /** An OpenAI-compatible endpoint instead of the NPC files' reply rules. Default: from the
   * environment (VOICE_AGENTS_LLM_BASE_URL, _MODEL, _API_KEY); `false` forces the rules. */
  llm?: LlmConfig | false;
  /** `auto` (default): eSpeak NG when its optional package is installed, else the babble voice. */
  speechEngine?: EngineChoice;
  /**
   * `auto` (default): pocketsphinx when installed (and the environment does not say
   * `VOICE_AGENTS_ASR=none`); `none`: no recognizer; or your own.
   */
  recognizer?: Recognizer | 'auto' | 'none';
  /** Synthesize in a worker thread (default true) so the event loop stays free for audio streams. */
  speechWorker?: boolean;
  /** Agent audio format (default pcm_16000); a client may ask for another with `?output_format=`. */
  outputFormat?: AudioFormat;
  /** Duration of one `audio` frame (default 80 ms: fewer socket writes; pacing, not frame size, bounds barge-in). */
  frameMs?: number;
  /** How far ahead of real time audio is sent (default 200 ms). */
  leadMs?: number;
  pingIntervalMs?: number;
  /** Pause after the metadata before any other frame (default 50 ms, as the service pauses). */
  metadataGapMs?: number;
  /** Offer permessage-deflate (default false: see bench/agent-compression.bench.ts). */
  perMessageDeflate?: boolean;
  limits?: Partial<AgentLimits>;
  vad?: TurnDetectorOptions;
  /**
   * Behind a reverse proxy every player arrives from the proxy's address: set true to count the
   * per-client cap by the address the proxy appended to X-Forwarded-For (its last entry) instead.
   * Only behind one proxy you run: the entries before it are whatever the client wrote.
   */
  trustProxy?: boolean;
  /**
   * Which pages and host names may use the agent (default: loopback host names; loopback pages
   * and the same origin; Origin-less clients from this machine). See access.ts.
   */
  access?: AccessOptions;
  log?: (line: string) => void;
}

/**
 * What the health endpoint answers and LocalAgentEndpoint.health() returns. A type, not an interface,
 * so it is also a Record<string, unknown> (what a mounted handler's health() may return).
 */
export type LocalAgentHealth = {
  /** The speech engine is loaded. */
  ok: boolean;
  service: string;
  protocol: 'convai';
  conversationPath: string;
  /** null until the speech engine is loaded. */
  speech: {
    engine: string;
    thread: 'worker' | 'main';
    warm: boolean;
    licence: string;
    fallbackReason?: string;
    voices: string[];
  } | null;
  outputFormats: readonly AudioFormat[];
  defaultOutputFormat: AudioFormat;
  inputFormat: 'pcm_16000';
  recognizer:
    | { available: true; name: string; load?: RecognizerStats }
    | { available: false; name: null; notice: 'asr_unavailable'; hint: string };
  /** The brain that answers: the NPC files' rules or the LLM. */
  brain: string;
  npcs: { id: string; name: string; agent_id: string | null }[];
  sessions: { active: number; max: number; queued: number };
  limits: AgentLimits;
};

export interface LocalAgentEndpoint {
  /** Resolves when the speech engine is warm and the NPC files are loaded. */
  readonly ready: Promise<void>;
  /** Handles the upgrade and returns true when the path is the conversation endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Handles the signed-URL and health endpoints; false for any other path. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Replaces the NPCs for new conversations (hot reload); open conversations keep theirs. */
  setNpcs(npcs: readonly NpcDefinition[]): void;
  health(): LocalAgentHealth;
  readonly metrics: AgentMetrics;
  readonly sessions: number;
  close(): Promise<void>;
}
