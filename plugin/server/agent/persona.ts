/**
 * Who the local agent plays in one conversation: the NPC chosen by `agent_id`, with the client's
 * overrides and dynamic variables applied the way the real service applies them.
 */
import { sayings } from './understand/lexicon.js';
import { lexiconFor } from './understand/match.js';
import type { NpcDefinition } from '../../npc/types.js';
import { NPC_DEFAULTS as D } from '../../npc/defaults.js';
import type { ConversationInitiationClientData, DynamicVariableValue } from '../../protocol/index.js';
import type { RecognizerHints } from '../speech/recognizer.js';
import { substituteVariables } from '../speech/text.js';
import type { VoiceSpec } from '../speech/types.js';

/** Played when `agent_id` names no loaded NPC (and by a server started without NPC files). */
export const DEFAULT_PERSONA: NpcDefinition = {
  id: 'local-agent',
  name: 'Local Agent',
  agent: {
    prompt: { text: 'You are a friendly helper in a video game. Answer in one or two short sentences.' },
    first_message: "Hello! I'm the offline local agent. Type a message and I'll answer.",
    language: 'en',
  },
  // What a file that leaves these out gets (one source: npc/defaults.ts).
  proximity: {
    radius: D.radius,
    exit_radius: D.exit_radius,
    priority: D.priority,
    dwell_ms: D.dwell_ms,
    prewarm_radius: D.prewarm_radius,
  },
  bubble: { max_width: D.max_width },
  local: {
    voice: { engine_voice: D.engine_voice, rate: D.rate, pitch: D.pitch },
    replies: [
      { when: ['hello', 'hi', 'hey'], say: 'Hello there! What can I do for you?' },
      { when: ['bye', 'goodbye'], say: 'Goodbye!' },
    ],
    fallback: "I'm only the offline local agent. Give me an NPC file and I'll play a character.",
  },
};

/** Every voice variant espeak-ng knows, for mapping foreign voice ids onto distinct local voices. */
const VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5'];
const ENGINE_VOICE = /^[a-z]{2,3}(-[a-z0-9]+)*(\+[a-z0-9]+)?$/i;

export function findNpc(npcs: readonly NpcDefinition[], agentId: string | null): NpcDefinition | undefined {
  if (!agentId) return undefined;
  return (
    npcs.find((n) => n.id === agentId) ??
    npcs.find((n) => !!n.agent.agent_id && n.agent.agent_id === agentId) ??
    npcs.find((n) => n.id.toLowerCase() === agentId.toLowerCase())
  );
}

export interface SessionPlan {
  npc: NpcDefinition;
  prompt: string;
  /** '' = wait for the player to speak first (as the real service). */
  firstMessage: string;
  language: string;
  voice: VoiceSpec;
  textOnly: boolean;
  variables: Record<string, DynamicVariableValue>;
  hints: RecognizerHints;
}

type PlanResult =
  | { ok: true; plan: SessionPlan }
  | {
      ok: false;
      code: 1008;
      errorType: 'missing_dynamic_variable' | 'override_error' | 'value_error';
      message: string;
    };

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function voiceFor(
  npc: NpcDefinition,
  voiceId: string | undefined,
  language: string,
  speed: number | undefined,
): VoiceSpec {
  const base = npc.local.voice;
  let engineVoice = base.engine_voice;
  if (voiceId && voiceId !== npc.agent.voice?.voice_id) {
    // A voice id that looks like an engine voice is used as is; any other id (an ElevenLabs voice)
    // still gets a stable, distinct local voice.
    engineVoice = ENGINE_VOICE.test(voiceId)
      ? voiceId
      : `${engineVoice.split('+')[0]}+${VARIANTS[hash(voiceId) % VARIANTS.length]}`;
  }
  if (language && language !== 'en' && !engineVoice.toLowerCase().startsWith(language.toLowerCase())) {
    const variant = engineVoice.includes('+') ? engineVoice.slice(engineVoice.indexOf('+')) : '';
    engineVoice = `${language}${variant}`;
  }
  const rate = base.rate * (speed && speed > 0 ? speed : 1);
  return { engineVoice, rate, pitch: base.pitch };
}

/**
 * The override fields the agent reads, each of the type the service takes: a client that sends
 * another (a number for a keyword, say) is refused like the service refuses it, not crashed.
 */
type Overrides = NonNullable<ConversationInitiationClientData['conversation_config_override']>;

function misfit(o: Overrides): string | null {
  const fields: [unknown, string, 'string' | 'number' | 'boolean'][] = [
    [o.agent?.prompt?.prompt, 'prompt', 'string'],
    [o.agent?.first_message, 'first_message', 'string'],
    [o.agent?.language, 'language', 'string'],
    [o.tts?.voice_id, 'voice_id', 'string'],
    [o.tts?.speed, 'speed', 'number'],
    [o.conversation?.text_only, 'text_only', 'boolean'],
  ];
  for (const [value, name, type] of fields)
    if (value !== undefined && value !== null && typeof value !== type)
      return `Override for field '${name}' must be a ${type}, got ${JSON.stringify(value).slice(0, 40)}.`;
  const keywords: unknown = o.asr?.keywords;
  const list = Array.isArray(keywords) && keywords.every((k) => typeof k === 'string');
  if (keywords !== undefined && keywords !== null && !list)
    return "Override for field 'keywords' must be a list of strings.";
  return null;
}

export function buildPlan(
  npc: NpcDefinition,
  init: ConversationInitiationClientData,
  system: { conversationId: string; agentId: string },
  maxFirstMessageChars = Infinity,
): PlanResult {
  const o = init.conversation_config_override ?? {};
  const wrong = misfit(o);
  if (wrong) return { ok: false, code: 1008, errorType: 'override_error', message: wrong };
  const variables: Record<string, DynamicVariableValue> = {
    ...(npc.agent.dynamic_variables ?? {}),
    ...(init.dynamic_variables ?? {}),
    system__agent_id: system.agentId,
    system__current_agent_id: system.agentId,
    system__conversation_id: system.conversationId,
    system__time_utc: new Date().toISOString(),
  };
  const rawPrompt = o.agent?.prompt?.prompt ?? npc.agent.prompt?.text ?? '';
  const rawFirst = o.agent?.first_message ?? npc.agent.first_message ?? '';
  const prompt = substituteVariables(rawPrompt, variables);
  const first = substituteVariables(rawFirst, variables);
  const missing = [...new Set([...first.missing, ...prompt.missing])];
  if (missing.length > 0) {
    return {
      ok: false,
      code: 1008,
      errorType: 'missing_dynamic_variable',
      message: `Missing required dynamic variables: ${missing.map((m) => `'${m}'`).join(', ')}`,
    };
  }
  if (first.text.length > maxFirstMessageChars) {
    // Like the real service's refusal of an override: an `override_error` and 1008, before the metadata.
    const overridden = o.agent?.first_message !== undefined;
    return {
      ok: false,
      code: 1008,
      errorType: overridden ? 'override_error' : 'value_error',
      message: `${overridden ? "Override for field 'first_message'" : 'first_message'} is too long (${first.text.length} characters; the local agent's limit is ${maxFirstMessageChars}).`,
    };
  }
  const language = o.agent?.language ?? npc.agent.language ?? 'en';
  return {
    ok: true,
    plan: {
      npc,
      prompt: prompt.text,
      firstMessage: first.text,
      language,
      voice: voiceFor(npc, o.tts?.voice_id, language, o.tts?.speed),
      textOnly: o.conversation?.text_only === true,
      variables,
      hints: {
        // Every way to say what the replies listen for: a player says "lamp" to a lantern reply.
        phrases: sayings(
          npc.local.replies.flatMap((r) => r.when),
          lexiconFor(npc.local.synonyms),
        ),
        keywords: [...(npc.agent.asr?.keywords ?? []), ...(o.asr?.keywords ?? [])],
      },
    },
  };
}
