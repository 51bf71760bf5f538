import type { EndReason } from '../protocol/index.js';
import type { ToolCall } from '../session/tools.js';

/** What an NPC is doing, for the state marker, the debug overlay and game code. */
export type NpcState =
  /** No conversation open. */
  | 'idle'
  /** Opening the connection (prewarm or active). */
  | 'connecting'
  /**
   * The agent is busy with as many conversations as it may hold: waiting in its line. What the
   * player types meanwhile is held and sent once admitted; a timed-out wait ends the conversation
   * with "the agent is busy".
   */
  | 'queued'
  /** Open and prewarmed, waiting for the player to arrive (its greeting is held back). */
  | 'ready'
  /** Open, the player has the floor. */
  | 'listening'
  /** The NPC's voice is playing. */
  | 'speaking';

/** A client tool call from the agent: one type for the session, the NPC handle and the plugin. */
export type { ToolCall };

/**
 * The parameters of each client tool, by tool name. Empty here: the Vite plugin writes a declarations
 * file that fills it from the NPC files' `agent.tools`, so `onTool('give_item', (p) => p.item)` is typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface NpcToolParameters {}

/** A tool's parameters: as declared when the generated types know the tool, else any JSON object. */
export type ToolParameters<Name extends string> = Name extends keyof NpcToolParameters
  ? NpcToolParameters[Name]
  : Record<string, unknown>;

/** A tool handler's answer: a string, or anything JSON-serialisable. Throwing sends an error result. */
export type ToolHandler<Name extends string = string> = (
  parameters: ToolParameters<Name>,
  call: ToolCall,
) => unknown | Promise<unknown>;

/** Everything that can go wrong, as one typed event. */
export interface VoiceAgentsError {
  kind:
    | 'connection' // the conversation could not be opened or dropped
    | 'ended' // the conversation ended with an error (see `reason`)
    | 'mic' // microphone denied, missing, unplugged or revoked, or its code failed to load (typing keeps working)
    | 'audio' // no Web Audio (Howler missing or HTML5-only), autoplay blocked
    | 'config' // the plugin was misconfigured (no agent URL, bad NPC definition)
    | 'tool' // a tool handler threw
    | 'callback'; // a game callback called every frame threw (onMouth, lineOfSight, bubbleAvoid): said once, the frame goes on
  message: string;
  /** The conversation end reason for kind 'ended'. */
  reason?: EndReason;
  /** The underlying error or event, when there is one. */
  cause?: unknown;
}

/** Events of one NPC handle: `npc.on('response', (text) => …)`. */
export interface NpcEvents {
  /** The conversation opened (the agent is connected). `prewarm` when opened before the player arrived. */
  'conversation:start': (info: { conversationId: string; prewarm: boolean }) => void;
  /** The conversation closed. */
  'conversation:end': (reason: EndReason) => void;
  /** The player's microphone is now routed to this NPC (true) or no longer (false). */
  active: (active: boolean) => void;
  state: (state: NpcState, previous: NpcState) => void;
  /** What the player said. `final` false for tentative transcripts. */
  transcript: (text: string, final: boolean) => void;
  /** What the agent says this turn (tags removed). */
  response: (text: string, eventId: number) => void;
  /** After a barge-in: what was actually heard. */
  correction: (corrected: string, original: string, eventId: number) => void;
  /** The player barged in (or skip() was called). */
  interruption: (eventId: number) => void;
  error: (error: VoiceAgentsError) => void;
  /**
   * The connection dropped and the conversation is being reopened (a new conversation, without
   * the greeting). `message` says why in plain words; `conversation:start` follows on success,
   * `conversation:end` after the last failed attempt.
   */
  reconnecting: (info: { attempt: number; maxAttempts: number; delayMs: number; message: string }) => void;
  /** Every client tool call (also answered by a handler registered with onTool, if any). */
  tool: (call: ToolCall) => void;
  /** A specific client tool, e.g. `npc.on('tool:open_shop', (params) => …)`. */
  [tool: `tool:${string}`]: (parameters: Record<string, unknown>, call: ToolCall) => void;
}

type WithNpc<E, N> = {
  [K in keyof E]: E[K] extends (...a: infer A) => void ? (npc: N, ...args: A) => void : never;
};

/** Events on the plugin: the same as an NPC's, with the NPC first, plus plugin-wide ones. */
export type PluginEvents<N> = WithNpc<NpcEvents, N> & {
  /** The active NPC changed (null: nobody; the microphone is closed). */
  'active:change': (npc: N | null, previous: N | null) => void;
  /** A plugin-wide problem (microphone, audio, configuration). */
  'plugin:error': (error: VoiceAgentsError) => void;
  /** The microphone opened (true) or was released with every track stopped (false). */
  mic: (open: boolean) => void;
};
