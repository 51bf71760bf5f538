// The conversation director's contract (what it needs of NPCs, bubbles and audio, and what it
// reports) and the pure helpers it decides with.
import type { EndReason } from '../protocol/index.js';
import type { NpcDefinition } from '../npc/types.js';
import type { Conversation } from './conversation.js';
import type {
  ConversationBubble,
  ConversationInputs,
  ConversationVoice,
  NpcEmission,
} from './conversation-parts.js';
import { DEFAULT_CONFIG, type VoiceAgentsConfig } from './config.js';
import { ProximityTracker } from '../proximity/index.js';
import type { BubbleStyle } from './bubble/style.js';
import type { SpeechInput } from './speech-input.js';
import type { AudioLink } from './audio-link.js';
import type { NpcState, ToolHandler, VoiceAgentsError } from './events.js';
import type { SpeechBubble } from './bubble/view.js';

/** What the director needs of an NPC (NpcHandle in the game; a plain object in tests). */
export interface DirectedNpc {
  readonly id: string;
  readonly definition: NpcDefinition;
  readonly gameObject: { readonly x: number; readonly y: number };
  setDefinition(def: NpcDefinition): void;
  setFact(key: string, value: string | number | boolean): unknown;
  contexts(): ReadonlyMap<string, string>;
  toolHandler(name: string): ToolHandler | undefined;
  toolNames(): string[];
  hasListener(event: string): boolean;
  eventNames(): readonly PropertyKey[];
  /** The voice level for the game's mouth flap (0 once when the voice stops). */
  mouth(level: number): void;
}

/** The part of a speech bubble the director and the conversation drive (picked from the real class). */
export type DirectedBubble = ConversationBubble &
  Pick<SpeechBubble, 'clear' | 'setStyle' | 'enabled' | 'visible' | 'visibleText'>;

/** The part of AudioLink the director drives: the mic policy's output, voices and the mixer. */
type DirectedAudio = Pick<AudioLink, 'mode' | 'want' | 'retry' | 'talk' | 'setMode'> & {
  readonly mixer: { setListener(x: number, y: number): void; update(): void } | null;
  createVoice(): ConversationVoice | null;
};

/** What the director is given: its collaborators, never callbacks that report to it. */
export interface DirectorParts<N, B extends DirectedBubble> {
  readonly audio: DirectedAudio;
  readonly speech: Pick<SpeechInput, 'update'>;
  /** The settings in effect (read when they matter: a conversation opening, the mic changing). */
  config(): VoiceAgentsConfig;
  /** A speech bubble over `npc`, revealed at the playback position `position` gives for a turn. */
  bubble(npc: N, style: BubbleStyle, position: (turnId: number) => number | null): B;
  /** Event names game code listens to on the plugin (`tool:<name>` listeners answer tools). */
  pluginEvents(): readonly PropertyKey[];
}

/** How the director reports; the plugin relays NPC events to the handle and then to game code. */
export interface DirectorEvents<N, B> {
  npc: (npc: N, ...event: NpcEmission) => void;
  'active:change': (npc: N | null, previous: N | null) => void;
  /** The player said or typed this to an NPC (the player's bubble). */
  'player:said': (text: string) => void;
  /** An NPC left (detach, its object destroyed, the scene shut down): its bubble is no longer used. */
  detached: (npc: N, bubble: B | null) => void;
}

/** One NPC's conversation state as everyone but its writer (the director) sees it. */
export interface NpcTalk {
  readonly state: NpcState;
  readonly conversation: Conversation | null;
  readonly bubble: DirectedBubble | null;
  /** The file changed while a conversation was open; it applies to the next one. */
  readonly pendingReload: boolean;
}

const toolNamesIn = (events: readonly PropertyKey[]) =>
  events.filter((e): e is string => typeof e === 'string' && e.startsWith('tool:')).map((e) => e.slice(5));

/** What a conversation with `npc` asks about it and the game, answered when it asks. */
export function conversationInputs(
  npc: DirectedNpc,
  now: () => number,
  pluginEvents: () => readonly PropertyKey[],
): ConversationInputs {
  return {
    now,
    contexts: () => npc.contexts(),
    toolHandler: (name) => npc.toolHandler(name),
    hasToolListener: (name) => npc.hasListener(`tool:${name}`) || toolNamesIn(pluginEvents()).includes(name),
    // Tools the game answers (handlers), listens for (on the NPC or the plugin), and the ones the
    // NPC file declares (its offline replies call only those).
    toolNames: () => {
      const names = new Set([...npc.toolNames(), ...toolNamesIn([...npc.eventNames(), ...pluginEvents()])]);
      for (const t of npc.definition.agent?.tools ?? []) names.add(t.name);
      for (const r of npc.definition.local?.replies ?? []) if (r.tool?.name) names.add(r.tool.name);
      return [...names];
    },
  };
}

/** What a conversation's end means for the player: whether it was idle, and the error to show if any. */
export function endOutcome(
  reason: EndReason,
  everActive: boolean,
): { idle: boolean; error: VoiceAgentsError | null } {
  if (reason.kind !== 'error') return { idle: false, error: null };
  // Ended for lack of input (the agent's idle timeout): nothing went wrong.
  const idle =
    reason.errorType === 'transport_receive_timeout' ||
    (reason.error === 'operational' && /no user input/i.test(reason.message));
  // A prewarm the player never used that the service closed for lack of input is not a problem
  // to show: the next approach opens a fresh conversation.
  const unusedTimeout = !everActive && reason.error === 'operational';
  return { idle, error: idle || unusedTimeout ? null : { kind: 'ended', message: reason.message, reason } };
}

/** A proximity tracker with the configured settings (the defaults where the game set none). */
export function newTracker(c: VoiceAgentsConfig): ProximityTracker {
  return new ProximityTracker({
    maxConcurrent: c.maxConcurrent ?? DEFAULT_CONFIG.maxConcurrent,
    lingerMs: c.lingerMs ?? DEFAULT_CONFIG.lingerMs,
    switchMargin: c.switchMargin ?? DEFAULT_CONFIG.switchMargin,
    lineOfSight: c.lineOfSight ?? null,
  });
}

/** The tracker settings a configure() call changes (only those it sets). */
export function configureTracker(t: ProximityTracker, config: VoiceAgentsConfig): void {
  if (config.maxConcurrent !== undefined) t.maxConcurrent = config.maxConcurrent;
  if (config.lingerMs !== undefined) t.lingerMs = config.lingerMs;
  if (config.switchMargin !== undefined) t.switchMargin = config.switchMargin;
  if (config.lineOfSight !== undefined) t.lineOfSight = config.lineOfSight;
}
