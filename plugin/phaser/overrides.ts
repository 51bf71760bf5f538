/**
 * NPC agent configuration -> `conversation_initiation_client_data`. Only fields the
 * NPC file actually sets are sent: the real service rejects an override the agent has not enabled
 * (close 1008 "Override for field … is not allowed by config."), so an empty `{}` sub-object or an
 * unset field must never turn into an override. `prompt.temperature`, `prompt.max_tokens`,
 * `voice.model_id` and `voice_settings.style` are agent configuration (`voice-agents push`), not
 * session overrides, and are never sent here.
 */
import type {
  ConversationConfigOverride,
  ConversationInitiationClientData,
} from '../protocol/client-messages.js';
import { isAgentLanguage } from '../protocol/languages.js';
import type { NpcAgentConfig } from '../npc/types.js';

/** A string override counts only when non-empty, except `first_message`, where "" means "let the player speak first". */
const nonEmpty = (s: string | undefined): s is string => typeof s === 'string' && s.trim() !== '';
const isNumber = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function npcAgentToOverride(
  agent: NpcAgentConfig | undefined,
): ConversationConfigOverride | undefined {
  if (!agent) return undefined;
  const override: ConversationConfigOverride = {};

  const a: NonNullable<ConversationConfigOverride['agent']> = {};
  if (nonEmpty(agent.prompt?.text)) a.prompt = { prompt: agent.prompt.text };
  if (typeof agent.first_message === 'string') a.first_message = agent.first_message;
  // A code the service does not know would close the socket; the NPC validator reports it instead.
  if (isAgentLanguage(agent.language)) a.language = agent.language;
  if (Object.keys(a).length > 0) override.agent = a;

  const tts: NonNullable<ConversationConfigOverride['tts']> = {};
  const voice = agent.voice;
  if (nonEmpty(voice?.voice_id)) tts.voice_id = voice.voice_id;
  const vs = voice?.voice_settings;
  if (isNumber(vs?.stability)) tts.stability = vs.stability;
  if (isNumber(vs?.similarity_boost)) tts.similarity_boost = vs.similarity_boost;
  if (isNumber(vs?.speed)) tts.speed = vs.speed;
  if (Object.keys(tts).length > 0) override.tts = tts;

  const keywords = agent.asr?.keywords?.filter(nonEmpty);
  if (keywords && keywords.length > 0) override.asr = { keywords };

  return Object.keys(override).length > 0 ? override : undefined;
}

/**
 * The initiation message for an NPC. `dynamic_variables` is top level (not inside the override: a
 * nested copy is a known cause of silent session failures in the official clients' issues).
 */
export function npcAgentToInitiation(agent: NpcAgentConfig | undefined): ConversationInitiationClientData {
  const message: ConversationInitiationClientData = { type: 'conversation_initiation_client_data' };
  const override = npcAgentToOverride(agent);
  if (override) message.conversation_config_override = override;
  const vars = agent?.dynamic_variables;
  if (vars && Object.keys(vars).length > 0) message.dynamic_variables = { ...vars };
  return message;
}
