import type { ConversationConfigOverride, ConversationInitiationClientData } from '../protocol/index.js';
import { npcAgentToInitiation } from '../npc/overrides.js';
import type { NpcAgentConfig } from '../npc/types.js';

type Section = keyof ConversationConfigOverride;

/**
 * The `conversation_initiation_client_data` for one attempt: the NPC's overrides, the game's extra
 * initiation data merged over them, and, on a reconnect that should not greet again, `first_message: ""`
 * (empty = the agent waits for the player, §1.7).
 */
export function buildInitiation(
  agent: NpcAgentConfig | undefined,
  extra: Omit<ConversationInitiationClientData, 'type'> | undefined,
  suppressGreeting: boolean,
): ConversationInitiationClientData {
  const base = npcAgentToInitiation(agent);
  const { conversation_config_override: extraOverride, ...extraTop } = extra ?? {};
  const message: ConversationInitiationClientData = {
    ...base,
    ...extraTop,
    type: 'conversation_initiation_client_data',
  };

  const override: ConversationConfigOverride = {};
  for (const source of [base.conversation_config_override, extraOverride]) {
    if (!source) continue;
    for (const key of Object.keys(source) as Section[]) {
      override[key] = { ...override[key], ...source[key] } as never;
    }
  }
  if (suppressGreeting) override.agent = { ...override.agent, first_message: '' };
  if (Object.keys(override).length > 0) message.conversation_config_override = override;
  else delete message.conversation_config_override;
  return message;
}
