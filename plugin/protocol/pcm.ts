/**
 * PCM16 little-endian <-> base64 and G.711 μ-law, the protocol's two sample encodings. No per-sample
 * allocation: samples are viewed as bytes in place on little-endian hosts (every real target), and the
 * μ-law conversions are single table lookups.
 */
import { base64ToBytes, bytesToBase64, decodeBase64Into, decodedByteLength } from './base64.js';
import type { AudioFormatInfo } from './format.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapBytes16(bytes: Uint8Array): void {
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const t = bytes[i]!;
    bytes[i] = bytes[i + 1]!;
    bytes[i + 1] = t;
  }
}

/** Base64 of the samples as signed 16-bit little-endian bytes. */
export function int16ToBase64(samples: Int16Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  if (LITTLE_ENDIAN) return bytesToBase64(bytes);
  const copy = bytes.slice();
  swapBytes16(copy);
  return bytesToBase64(copy);
}

/**
 * Decodes base64 PCM16-LE to samples, or `undefined` when the text is not valid base64 or holds an odd
 * number of bytes (a PCM16 chunk never does; playing it would shift every later sample by a byte).
 */
export function base64ToInt16(text: string): Int16Array | undefined {
  const n = decodedByteLength(text);
  if (n < 0 || n % 2 !== 0) return undefined;
  const buffer = new ArrayBuffer(n);
  const bytes = new Uint8Array(buffer);
  if (decodeBase64Into(text, bytes) < 0) return undefined;
  if (!LITTLE_ENDIAN) swapBytes16(bytes);
  return new Int16Array(buffer);
}

// --- G.711 μ-law ------------------------------------------------------------------------------

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

/** μ-law byte -> linear sample (the standard expansion, range ±32124). */
const ULAW_TO_LINEAR = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const exponent = (u >> 4) & 7;
  const magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
  ULAW_TO_LINEAR[i] = u & 0x80 ? -magnitude : magnitude;
}

/** Position of the highest set bit of (biased sample >> 7): the μ-law segment. */
const SEGMENT = new Uint8Array(256);
for (let i = 2; i < 256; i++) SEGMENT[i] = SEGMENT[i >> 1]! + 1;

export function ulawByteToLinear(byte: number): number {
  return ULAW_TO_LINEAR[byte & 0xff]!;
}

export function linearToUlawByte(sample: number): number {
  let s = sample | 0;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > ULAW_CLIP) s = ULAW_CLIP;
  s += ULAW_BIAS;
  const exponent = SEGMENT[(s >> 7) & 0xff]!;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToInt16(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_TO_LINEAR[bytes[i]!]!;
  return out;
}

export function int16ToUlaw(
  samples: Int16Array,
  out: Uint8Array = new Uint8Array(samples.length),
): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = linearToUlawByte(samples[i]!);
  return out;
}

// --- format-aware helpers ---------------------------------------------------------------------

let ulawScratch = new Uint8Array(0);

/** Encodes PCM16 samples for the wire at `format` (PCM16-LE or μ-law), as base64. */
export function encodeSamples(samples: Int16Array, format: AudioFormatInfo): string {
  if (format.encoding === 'pcm') return int16ToBase64(samples);
  if (ulawScratch.length < samples.length) ulawScratch = new Uint8Array(samples.length);
  return bytesToBase64(int16ToUlaw(samples, ulawScratch.subarray(0, samples.length)));
}

/** Decodes a base64 audio payload in `format` to PCM16 samples; `undefined` when malformed. */
export function decodeSamples(base64: string, format: AudioFormatInfo): Int16Array | undefined {
  if (format.encoding === 'pcm') return base64ToInt16(base64);
  const bytes = base64ToBytes(base64);
  return bytes && ulawToInt16(bytes);
}
