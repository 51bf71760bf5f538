// Module types for games using the phaser-voice-agents Vite plugin.
// Reference it once: `/// <reference types="phaser-voice-agents/vite/client" />` (or list it in tsconfig "types").

declare module '*.npc.yaml' {
  import type { NpcDefinition } from 'phaser-voice-agents';
  const npc: NpcDefinition;
  export default npc;
}

declare module '*.npc.yml' {
  import type { NpcDefinition } from 'phaser-voice-agents';
  const npc: NpcDefinition;
  export default npc;
}

declare module 'virtual:voice-agents/npcs' {
  import type { NpcDefinition, NpcFileError } from 'phaser-voice-agents';
  /** Every NPC file in the plugin's npcDir that compiled. */
  export const npcs: NpcDefinition[];
  export const npcById: Record<string, NpcDefinition>;
  /** Errors of NPC files that did not compile (dev only; a build fails instead). */
  export const npcFileErrors: NpcFileError[];
  /** Where the dev/preview/serve server answers: broker path (null without an API key), local agent WebSocket path, config path. */
  export const voiceAgentsEndpoints: { broker: string | null; localAgent: string | null; config: string };
  export default npcs;
}
