// The Phaser scene plugin (browser + Phaser 3.80+/4.x). Importing the package entry also types
// `this.voiceAgents` on every scene (the global augmentation lives in plugin.ts).

export { VoiceAgentsPlugin } from './plugin.js';
export { voiceAgentsPlugin, installVoiceAgents, VOICE_AGENTS_KEY } from './register.js';
export { NpcHandle } from './npc-handle.js';
export type { AttachOptions, Positioned } from './npc-handle.js';
export type { NpcEvents, PluginEvents, NpcState, ToolHandler, VoiceAgentsError } from './events.js';
export type { ScreenRect, VoiceAgentsConfig } from './config.js';
export type { SessionLike } from './conversation-parts.js';
export { cleanAgentText } from './bubble/text.js';
export type { TagMode, Emote } from './bubble/text.js';
// An NPC's agent configuration as session initiation data (overrides and dynamic variables).
export { npcAgentToInitiation } from './overrides.js';
