// What a conversation is made of and reports through: the parts of the session, voice and bubble
// it drives (picked from the real classes, so stand-ins in tests break at compile time when a member
// is renamed), and what it asks of its NPC and the game.
import type { AgentSessionEvents, SessionState } from '../session/types.js';
import type { ClientToolHandler } from '../session/tools.js';
import type { NpcVoice } from '../audio/index.js';
import type { SpeechBubble } from './bubble/view.js';
import type { NpcEvents, ToolHandler } from './events.js';

/** The part of AgentSession a conversation uses (so tests and alternative transports can stand in). */
export interface SessionLike {
  readonly state: SessionState;
  on<K extends keyof AgentSessionEvents>(event: K, fn: AgentSessionEvents[K]): () => void;
  connect(): Promise<unknown>;
  close(): unknown;
  sendAudio(pcm: Int16Array): void;
  sendText(text: string): void;
  sendContextualUpdate(text: string, contextId?: string): void;
  interrupt(): void;
  registerTool(name: string, handler: ClientToolHandler): () => void;
}

/**
 * The part of NpcVoice a conversation (and the plugin, through `conversation.voice`) uses. Picked
 * from the real class, so a renamed member breaks stand-ins at compile time.
 */
export type ConversationVoice = Pick<
  NpcVoice,
  | 'on'
  | 'push'
  | 'flush'
  | 'restart'
  | 'dispose'
  | 'turnId'
  | 'playbackPositionMs'
  | 'mode'
  | 'level'
  | 'setPosition'
>;

/** The part of SpeechBubble a conversation drives. */
export type ConversationBubble = Pick<SpeechBubble, 'turnId' | 'show' | 'correct' | 'cutAt' | 'end'>;

/** One of an NPC's public events with its arguments, e.g. `['response', text, eventId]`. */
export type NpcEmission = { [K in keyof NpcEvents]: [K, ...Parameters<NpcEvents[K]>] }[keyof NpcEvents];

/** What a conversation asks about its NPC and the game, read when it needs them (never pushed). */
export interface ConversationInputs {
  now(): number;
  /** Current per-key context facts, sent when the conversation opens. */
  contexts(): ReadonlyMap<string, string>;
  toolHandler(name: string): ToolHandler | undefined;
  hasToolListener(name: string): boolean;
  /** Every tool name the game answers or listens for right now. */
  toolNames(): string[];
}
