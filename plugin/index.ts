// Browser entry of phaser-voice-agents: every public name, listed here (no `export *`), so a change
// to the public surface shows in review (test/api/browser.api.txt is compared by `npm test`).
// The YAML compiler, the local agent and the broker are Node-only: phaser-voice-agents/server and
// /vite. Tiled placement has its own browser entry: phaser-voice-agents/tiled.

// The scene plugin: register it, attach NPCs.
export { voiceAgentsPlugin, installVoiceAgents } from './phaser/register.js';
export { VoiceAgentsPlugin } from './phaser/plugin.js';
export { NpcHandle } from './phaser/npc-handle.js';
export type { AttachOptions } from './phaser/npc-handle.js';
export type { ScreenRect, VoiceAgentsConfig } from './phaser/config.js';
export type {
  NpcEvents,
  NpcState,
  PluginEvents,
  ToolCall,
  ToolHandler,
  ToolParameters,
  NpcToolParameters,
  VoiceAgentsError,
} from './phaser/events.js';
export { cleanAgentText } from './phaser/bubble/text.js';

// NPC definitions as the Vite plugin compiles them, and their live edits.
export type { NpcClientTool, NpcDefinition, NpcFileError } from './npc/types.js';
export { getLiveNpc, onNpcError, onNpcUpdate } from './npc/live.js';
export type { NpcErrorEvent } from './npc/live.js';

// One conversation without Phaser.
export { AgentSession } from './session/AgentSession.js';
export { SessionError } from './session/errors.js';
export { ClientToolError } from './session/tools.js';
export { mergeInitiation } from './session/initiation.js';
export { npcAgentToInitiation } from './phaser/overrides.js';
export type {
  AgentSessionEvents,
  AgentSessionOptions,
  ConversationInfo,
  SessionState,
} from './session/types.js';
export type { SessionEndpoint } from './session/endpoint.js';
export type { Unsubscribe } from './common/emitter.js';
export type { EndReason } from './protocol/close.js';

// Voice audio through Howler's context, without the plugin.
export { HowlerBridge } from './audio/howler-bridge.js';
export { VoiceMixer } from './audio/voice-mixer.js';
export { NpcVoice } from './audio/npc-voice.js';
export { MicCapture } from './audio/mic-capture.js';
export { MicError } from './audio/mic-errors.js';
export type { HowlerLike } from './audio/howler-bridge.js';
export type { MicMode } from './audio/mic-capture.js';
