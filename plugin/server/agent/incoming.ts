/** Client frames as `ws` delivers them: sizes, text, and the hot `user_audio_chunk` path. */

const AUDIO_PREFIX = '{"user_audio_chunk":"';
const AUDIO_PREFIX_BYTES = Buffer.from(AUDIO_PREFIX);
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;

/** True for exactly `{"user_audio_chunk":"<base64>"}`: base64 never needs JSON escapes, so no parse is needed. */
export function isAudioChunkFrame(b: Buffer): boolean {
  if (b.length < AUDIO_PREFIX.length + 2 || b[b.length - 1] !== CLOSE_BRACE || b[b.length - 2] !== QUOTE)
    return false;
  if (b.compare(AUDIO_PREFIX_BYTES, 0, AUDIO_PREFIX_BYTES.length, 0, AUDIO_PREFIX_BYTES.length) !== 0)
    return false;
  return b.indexOf(QUOTE, AUDIO_PREFIX.length) === b.length - 2;
}

/** The base64 payload of a frame that passed {@link isAudioChunkFrame}. */
export function audioChunkPayload(b: Buffer): string {
  return b.toString('latin1', AUDIO_PREFIX.length, b.length - 2);
}

export function frameBytes(data: unknown): number {
  if (Buffer.isBuffer(data)) return data.length;
  if (Array.isArray(data)) return data.reduce((n: number, b: Buffer) => n + b.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}

/** Text frames become strings; binary frames stay as they are (the decoder rejects them: text-only protocol). */
export function frameText(data: unknown, isBinary: boolean): unknown {
  if (isBinary) return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  return data;
}

/**
 * PCM16-LE samples in their own aligned memory (`Buffer.from` may return an odd offset into a shared
 * pool). Every Node host is little-endian. A trailing odd byte is dropped.
 */
export function pcmFromBase64(b64: string): Int16Array | null {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < 2) return null;
  const pcm = new Int16Array(bytes.length >> 1);
  new Uint8Array(pcm.buffer).set(bytes.subarray(0, pcm.length * 2));
  return pcm;
}
