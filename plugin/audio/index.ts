// phaser-voice-agents/audio: the Howler context bridge, microphone capture and spatial NPC voices,
// for a game that drives a conversation's audio itself (a game using the scene plugin needs none of it).
export { HowlerBridge } from './howler-bridge.js';
export type { HowlerLike, HowlerBridgeEvents, HowlerBridgeOptions, BridgeState } from './howler-bridge.js';
export { MicCapture } from './mic-capture.js';
export type { MicCaptureOptions, MicCaptureEvents, MicMode, EchoGuardSource } from './mic-capture.js';
export { MicError } from './mic-errors.js';
export type { MicErrorKind } from './mic-errors.js';
export { NpcVoice } from './npc-voice.js';
export type { NpcVoiceOptions, NpcVoiceEvents, VoiceMode } from './voice-options.js';
export { VoiceMixer } from './voice-mixer.js';
export type { VoiceMixerEvents } from './voice-mixer.js';
export type { SpatialOptions } from './spatial.js';
