/**
 * Standard base64 (RFC 4648 alphabet, with padding) over Uint8Array views. Pure: no Buffer, no atob,
 * no TextDecoder, so it runs unchanged in the browser, in Node and in the pure build. Work is done in
 * integer tables; the only allocations are the output bytes (decode) and the output string (encode).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = new Uint8Array(64);
/**
 * char code -> 6-bit value; 0xff = not in the alphabet. It covers every UTF-16 code unit (64 KB) so
 * `charCodeAt` can never index past it and a stray non-ASCII character reads as invalid, not as 'A'.
 */
const DECODE = new Uint8Array(65536).fill(0xff);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}
const PAD = 61; // '='

/**
 * ASCII bytes -> string. A native TextDecoder does it several times faster than
 * String.fromCharCode.apply over a typed array; it is absent from some scopes (AudioWorklet) and from
 * the ES2022 lib this folder compiles against, so it is detected at run time with a fallback. Base64
 * output is pure ASCII, on which 'latin1' (windows-1252) is the identity.
 */
interface AsciiDecoder {
  decode(bytes: Uint8Array): string;
}
const asciiDecoder: AsciiDecoder | undefined = (() => {
  const TD = (globalThis as { TextDecoder?: new (label: string) => AsciiDecoder }).TextDecoder;
  try {
    return TD ? new TD('latin1') : undefined;
  } catch {
    return undefined;
  }
})();

/** Scratch for the ASCII of an encoded string; grown on demand and reused between calls. */
let scratch = new Uint8Array(4096);
// String.fromCharCode.apply has an argument-count limit; 16 K keeps well under every engine's.
const STRING_CHUNK = 16384;

/** Length of the base64 text for `byteLength` bytes. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const outLen = base64Length(n);
  if (scratch.length < outLen) scratch = new Uint8Array(Math.max(outLen, scratch.length * 2));
  const out = scratch;
  let o = 0;
  let i = 0;
  const whole = n - (n % 3);
  for (; i < whole; i += 3) {
    const t = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[t >>> 18]!;
    out[o++] = ENCODE[(t >>> 12) & 63]!;
    out[o++] = ENCODE[(t >>> 6) & 63]!;
    out[o++] = ENCODE[t & 63]!;
  }
  const rest = n - whole;
  if (rest === 1) {
    const t = bytes[i]!;
    out[o++] = ENCODE[t >>> 2]!;
    out[o++] = ENCODE[(t & 3) << 4]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const t = (bytes[i]! << 8) | bytes[i + 1]!;
    out[o++] = ENCODE[t >>> 10]!;
    out[o++] = ENCODE[(t >>> 4) & 63]!;
    out[o++] = ENCODE[(t & 15) << 2]!;
    out[o++] = PAD;
  }
  if (asciiDecoder) return asciiDecoder.decode(out.subarray(0, outLen));
  return asciiToString(out, outLen);
}

function asciiToString(out: Uint8Array, outLen: number): string {
  if (outLen <= STRING_CHUNK)
    return String.fromCharCode.apply(null, out.subarray(0, outLen) as unknown as number[]);
  let s = '';
  for (let p = 0; p < outLen; p += STRING_CHUNK) {
    s += String.fromCharCode.apply(
      null,
      out.subarray(p, Math.min(p + STRING_CHUNK, outLen)) as unknown as number[],
    );
  }
  return s;
}

/**
 * Number of bytes `text` decodes to, or -1 when it is not valid padded base64 (length not a multiple
 * of 4, or padding anywhere but the last two characters). Characters are checked by the decoder.
 */
export function decodedByteLength(text: string): number {
  const len = text.length;
  if (len % 4 !== 0) return -1;
  if (len === 0) return 0;
  let pad = 0;
  if (text.charCodeAt(len - 1) === PAD) pad = text.charCodeAt(len - 2) === PAD ? 2 : 1;
  return (len / 4) * 3 - pad;
}

/**
 * Decodes into `out` (from offset 0) and returns the number of bytes written, or -1 on invalid input.
 * `out` must hold at least {@link decodedByteLength} bytes.
 */
export function decodeBase64Into(text: string, out: Uint8Array): number {
  const total = decodedByteLength(text);
  if (total < 0 || out.length < total) return -1;
  const len = text.length;
  const fullQuads = total === 0 ? 0 : (len / 4) | 0;
  const lastIsPartial = total % 3 !== 0;
  const loopQuads = lastIsPartial ? fullQuads - 1 : fullQuads;
  let o = 0;
  let i = 0;
  let bad = 0;
  for (let q = 0; q < loopQuads; q++, i += 4) {
    const a = DECODE[text.charCodeAt(i)]!;
    const b = DECODE[text.charCodeAt(i + 1)]!;
    const c = DECODE[text.charCodeAt(i + 2)]!;
    const d = DECODE[text.charCodeAt(i + 3)]!;
    // Any 0xff (invalid char, including a misplaced '=') sets bit 7 of at least one operand.
    bad |= a | b | c | d;
    const t = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = t >>> 16;
    out[o++] = (t >>> 8) & 255;
    out[o++] = t & 255;
  }
  if (lastIsPartial) {
    const a = DECODE[text.charCodeAt(i)]!;
    const b = DECODE[text.charCodeAt(i + 1)]!;
    bad |= a | b;
    out[o++] = ((a << 2) | (b >>> 4)) & 255;
    if (total % 3 === 2) {
      const c = DECODE[text.charCodeAt(i + 2)]!;
      bad |= c;
      out[o++] = (((b & 15) << 4) | (c >>> 2)) & 255;
    }
  }
  return bad & 0x80 ? -1 : o;
}

/** Decodes to a fresh Uint8Array, or `undefined` when `text` is not valid padded base64. */
export function base64ToBytes(text: string): Uint8Array | undefined {
  const n = decodedByteLength(text);
  if (n < 0) return undefined;
  const out = new Uint8Array(n);
  return decodeBase64Into(text, out) < 0 ? undefined : out;
}
