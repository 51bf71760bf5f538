/** Encoding is `JSON.stringify` of the wire object, plus a fast path for the hottest frame. */
import type { ClientMessage } from './client-messages.js';
import type { ServerMessage } from './messages.js';

export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(message);
}

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/**
 * `{"user_audio_chunk":"…"}` without building an object: sent ~30-50 times a second. Base64 text
 * never needs JSON escaping.
 */
export function encodeUserAudioChunk(base64: string): string {
  return '{"user_audio_chunk":"' + base64 + '"}';
}
