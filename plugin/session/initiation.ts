import type { ConversationConfigOverride, ConversationInitiationClientData } from '../protocol/index.js';

type Section = keyof ConversationConfigOverride;
type InitiationData = Omit<ConversationInitiationClientData, 'type'>;

/**
 * Initiation parts merged in order: top-level fields of a later part replace earlier ones, and
 * `conversation_config_override` sections merge field by field (an NPC's overrides, then the
 * game's extra data).
 */
export function mergeInitiation(...parts: (InitiationData | undefined)[]): InitiationData {
  const out: InitiationData = {};
  const override: ConversationConfigOverride = {};
  for (const part of parts) {
    if (!part) continue;
    const { conversation_config_override: o, ...top } = part;
    Object.assign(out, top);
    if (!o) continue;
    for (const key of Object.keys(o) as Section[]) override[key] = { ...override[key], ...o[key] } as never;
  }
  if (Object.keys(override).length > 0) out.conversation_config_override = override;
  return out;
}

/**
 * The `conversation_initiation_client_data` for one attempt: the game's initiation data and, on a
 * reconnect that should not greet again, `first_message: ""` (empty = the agent waits for the
 * player).
 */
export function buildInitiation(
  initiation: InitiationData | undefined,
  suppressGreeting: boolean,
): ConversationInitiationClientData {
  const merged = mergeInitiation(
    initiation,
    suppressGreeting ? { conversation_config_override: { agent: { first_message: '' } } } : undefined,
  );
  return { ...merged, type: 'conversation_initiation_client_data' };
}
