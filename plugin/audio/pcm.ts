import { designResampler, type ResamplerDesign } from './fir.js';

/** G.711 mu-law byte -> PCM16 (the ITU reference expansion). */
export function ulawToPcm16(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const u = ~bytes[i]! & 0xff;
    const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    out[i] = u & 0x80 ? 0x84 - t : t - 0x84;
  }
  return out;
}

/** Little-endian PCM16 bytes (the wire format) -> samples, copying (the bytes may be unaligned). */
export function bytesToPcm16(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, true);
  return out;
}

/** 'pcm_16000' -> {kind:'pcm', rate:16000}; 'ulaw_8000' -> {kind:'ulaw', rate:8000}. */
export function parseAudioFormat(format: string): { kind: 'pcm' | 'ulaw'; rate: number } {
  const m = /^(pcm|ulaw)_(\d+)$/.exec(format);
  if (!m) throw new RangeError(`unknown audio format '${format}' (expected pcm_<rate> or ulaw_8000)`);
  return { kind: m[1] as 'pcm' | 'ulaw', rate: Number(m[2]) };
}

const designs = new Map<string, ResamplerDesign>();

/** Filter designs are a few ms of main-thread work each, so they are cached per rate pair. */
export function cachedDesign(inRate: number, outRate: number): ResamplerDesign {
  const key = `${inRate}>${outRate}`;
  let d = designs.get(key);
  if (!d) designs.set(key, (d = designResampler(inRate, outRate)));
  return d;
}
