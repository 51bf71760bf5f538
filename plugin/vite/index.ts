// Node entry phaser-voice-agents/vite. Types for `*.npc.yaml` imports and the virtual module:
// add `/// <reference types="phaser-voice-agents/vite/client" />` (see client.d.ts).
export { voiceAgents, VIRTUAL_NPCS } from './plugin.js';
export type { VoiceAgentsOptions } from './plugin.js';
export { voiceAgents as default } from './plugin.js';
