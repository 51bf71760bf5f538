// Browser entry of phaser-voice-agents: every public name, listed here (no `export *`), so a change
// to the public surface shows in review (test/api/browser.api.txt is compared by `npm test`).
// The YAML compiler, the local agent and the broker are Node-only: phaser-voice-agents/server and
// /vite. Tiled placement and the audio classes have their own browser entries:
// phaser-voice-agents/tiled and phaser-voice-agents/audio.

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

// The audio types the plugin's configuration and errors name. The audio classes themselves (NPC
// voices through Howler's context, the microphone) are phaser-voice-agents/audio: the plugin loads
// its microphone code on demand, which a root export of MicCapture would undo for every game.
export { MicError } from './audio/mic-errors.js';
export type { HowlerLike } from './audio/howler-bridge.js';
export type { MicMode } from './audio/mic-options.js';
export type { SpatialOptions } from './audio/spatial.js';
