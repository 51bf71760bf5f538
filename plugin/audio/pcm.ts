import { designResampler, type ResamplerDesign } from './fir.js';

/** Little-endian PCM16 bytes (the wire format) -> samples, copying (the bytes may be unaligned). */
export function bytesToPcm16(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, true);
  return out;
}

const designs = new Map<string, ResamplerDesign>();

/** Filter designs are a few ms of main-thread work each, so they are cached per rate pair. */
export function cachedDesign(inRate: number, outRate: number): ResamplerDesign {
  const key = `${inRate}>${outRate}`;
  let d = designs.get(key);
  if (!d) designs.set(key, (d = designResampler(inRate, outRate)));
  return d;
}
