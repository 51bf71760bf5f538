import type { EndReason } from '../protocol/index.js';
import { Conversation, type ConversationHost, type SessionLike } from './conversation.js';
import type { NpcHandle } from './npc-handle.js';
import type { NpcState, VoiceAgentsError } from './events.js';
import { createSessionFor, type VoiceAgentsConfig } from './config.js';
import { resolveBubbleStyle } from './bubble/style.js';
import type { BubbleLayer } from './bubble/layer.js';
import { headOf } from './markers.js';
import type { NpcVoice } from '../audio/index.js';

/** What a conversation needs from the plugin, beyond its NPC handle. */
interface HostDeps {
  setSpeaking(id: string, speaking: boolean): void;
  /** The NPC's state changed (the plugin may open or close the microphone). */
  stateChanged(npc: NpcHandle, state: NpcState): void;
  /** Event names game code listens to on the plugin (for `tool:<name>` listeners). */
  pluginToolEvents(): readonly (string | number | symbol)[];
  playerSaid(text: string): void;
  ended(npc: NpcHandle, reason: EndReason): void;
  now(): number;
}

const toolNamesIn = (events: readonly (string | number | symbol)[]) =>
  events.filter((e): e is string => typeof e === 'string' && e.startsWith('tool:')).map((e) => e.slice(5));

/** The host of one NPC's conversation: its events go to the handle (and from there to the plugin). */
function conversationHost(h: NpcHandle, deps: HostDeps): ConversationHost {
  return {
    id: h.id,
    setState: (s) => {
      h.setState(s);
      deps.setSpeaking(h.id, s === 'speaking');
      deps.stateChanged(h, s);
    },
    emitNpc: (event, ...args) => h.emitEvent(event, ...args),
    contexts: () => h.contexts(),
    toolHandler: (name) => h.toolHandler(name),
    hasToolListener: (name) =>
      h.hasListener(`tool:${name}`) || toolNamesIn(deps.pluginToolEvents()).includes(name),
    // Tools the game answers (handlers), listens for (on the NPC or the plugin), and the ones the
    // NPC file declares (its offline replies call only those).
    toolNames: () => {
      const names = new Set([
        ...h.toolNames(),
        ...toolNamesIn([...h.eventNames(), ...deps.pluginToolEvents()]),
      ]);
      for (const t of h.definition.agent?.tools ?? []) names.add(t.name);
      for (const r of h.definition.local?.replies ?? []) if (r.tool?.name) names.add(r.tool.name);
      return [...names];
    },
    playerSaid: (text) => deps.playerSaid(text),
    ended: (conv, reason) => {
      if (h.conversation === conv) deps.ended(h, reason);
    },
    now: () => deps.now(),
  };
}

const isSession = (s: SessionLike | VoiceAgentsError): s is SessionLike =>
  typeof (s as SessionLike).on === 'function';

/**
 * One NPC's next conversation: a session from the configuration, its spatial voice and its speech
 * bubble (kept across conversations). Null, after an 'error' event on the NPC, when the
 * configuration cannot make a session (no agent id, no URL).
 */
export function createConversation(
  h: NpcHandle,
  prewarm: boolean,
  env: {
    config: VoiceAgentsConfig;
    voice: () => NpcVoice | null;
    bubbles: () => BubbleLayer;
    deps: HostDeps;
  },
): Conversation | null {
  const def = h.definition;
  const session = createSessionFor(def, env.config, { quiet: h.quietNext });
  h.quietNext = false;
  if (!isSession(session)) {
    h.emitEvent('error', session);
    return null;
  }
  const voice = env.voice();
  voice?.setPosition(h.gameObject.x, h.gameObject.y);
  h.bubble ??= env.bubbles().create(
    {
      anchor: (out) => h.attached && (headOf(h, out), true),
      // After the conversation closed, whatever its bubble shows has been heard: let it fade.
      position: (turn) => (h.conversation ? h.conversation.positionFor(turn) : Number.MAX_SAFE_INTEGER),
    },
    resolveBubbleStyle(def.bubble),
  );
  h.bubble.enabled = env.config.bubbles !== false;
  h.pendingReload = false;
  return new Conversation(conversationHost(h, env.deps), session, voice, h.bubble, prewarm);
}
