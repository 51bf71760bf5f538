// Browser entry of phaser-voice-agents. Each folder owns its public surface in its own index.ts.
// From protocol/ only what a browser client uses: the server-side halves (decodeClientFrame,
// encodeServerMessage) exist for the local agent, which imports plugin/protocol/index.ts directly
// (and re-exports them from phaser-voice-agents/server), so they stay out of the browser bundle.
export type * from './protocol/messages.js';
export type { DecodeError, DecodeErrorKind, DecodeResult } from './protocol/decode.js';
export type { AudioFormat, AudioFormatInfo } from './protocol/format.js';
export type { AgentLanguage } from './protocol/languages.js';
export type { CloseInfo, EndErrorKind, EndReason } from './protocol/close.js';
export { describeServerError } from './protocol/messages.js';
export { AUDIO_FORMATS, DEFAULT_AUDIO_FORMAT, isAudioFormat, parseAudioFormat } from './protocol/format.js';
export { AGENT_LANGUAGES, isAgentLanguage } from './protocol/languages.js';
export { decodeServerFrame } from './protocol/decode.js';
export { encodeClientMessage, encodeUserAudioChunk } from './protocol/encode.js';
export {
  bytesToBase64,
  base64ToBytes,
  decodeBase64Into,
  decodedByteLength,
  base64Length,
} from './protocol/base64.js';
export {
  int16ToBase64,
  base64ToInt16,
  ulawToInt16,
  int16ToUlaw,
  ulawByteToLinear,
  linearToUlawByte,
  encodeSamples,
  decodeSamples,
} from './protocol/pcm.js';
export { InterruptionGate, isStaleAudio } from './protocol/event-ids.js';
export { CloseCode, classifyClose, isRetryable } from './protocol/close.js';
export * from './session/index.js';
export * from './audio/index.js';
export * from './proximity/index.js';
// From npc/ only what a running game needs: the YAML compiler and schema (and the yaml parser they
// pull in) stay out of the browser bundle; the Vite plugin compiles NPC files at build time and the
// compiler is exported from phaser-voice-agents/vite and phaser-voice-agents/server. Tiled placement
// (optional, not every game uses Tiled) has its own browser-safe entry: phaser-voice-agents/tiled.
export type * from './npc/types.js';
export { onNpcUpdate, onNpcError, getLiveNpc, NPC_ERROR_EVENT } from './npc/live.js';
export type { NpcErrorEvent } from './npc/live.js';
export * from './phaser/index.js';
