// The client side of the wire protocol: what a browser client (our session) uses. The browser entry
// re-exports exactly this; the server-side halves live only in ./index.ts.
export type * from './messages.js';
export type * from './client-messages.js';
export { describeServerError } from './messages.js';
export { AUDIO_FORMATS, DEFAULT_AUDIO_FORMAT, isAudioFormat, parseAudioFormat } from './format.js';
export type { AudioFormat, AudioFormatInfo } from './format.js';
export { AGENT_LANGUAGES, isAgentLanguage } from './languages.js';
export type { AgentLanguage } from './languages.js';
export { decodeServerFrame } from './decode.js';
export type { DecodeError, DecodeErrorKind, DecodeResult } from './decode.js';
export { encodeClientMessage, encodeUserAudioChunk } from './encode.js';
export { bytesToBase64, base64ToBytes, decodeBase64Into, decodedByteLength, base64Length } from './base64.js';
export {
  int16ToBase64,
  base64ToInt16,
  ulawToInt16,
  int16ToUlaw,
  ulawByteToLinear,
  linearToUlawByte,
  encodeSamples,
  decodeSamples,
} from './pcm.js';
export { InterruptionGate, isStaleAudio } from './event-ids.js';
export { CloseCode, classifyClose, isRetryable } from './close.js';
export type { CloseInfo, EndErrorKind, EndReason } from './close.js';
