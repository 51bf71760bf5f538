import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import {
  bytesToBase64,
  base64ToBytes,
  int16ToBase64,
  base64ToInt16,
  ulawToInt16,
  int16ToUlaw,
  linearToUlawByte,
  ulawByteToLinear,
  encodeSamples,
  decodeSamples,
  parseAudioFormat,
  isAudioFormat,
  AUDIO_FORMATS,
} from '../../plugin/protocol/index.js';

describe('base64 codec', () => {
  it('matches Node Buffer for arbitrary bytes, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
    );
  });

  it('encodes buffers larger than one String.fromCharCode chunk', () => {
    const bytes = new Uint8Array(200_001).map((_, i) => (i * 7) & 255);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('encodes the same without a native TextDecoder (AudioWorklet scope)', async () => {
    vi.stubGlobal('TextDecoder', undefined);
    vi.resetModules();
    try {
      const { bytesToBase64: fallback } = await import('../../plugin/protocol/base64.js');
      for (const n of [0, 1, 2, 3, 1000, 100_000]) {
        const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
        expect(fallback(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });

  it('rejects text that is not padded base64 instead of returning garbage', () => {
    for (const bad of ['A', 'AB', 'ABC', 'AB=C', '=AAA', 'AA*A', 'AAAA====', 'AĀAA', 'AA\nA']) {
      expect(base64ToBytes(bad), bad).toBeUndefined();
    }
    expect(base64ToBytes('')).toEqual(new Uint8Array(0));
  });
});

describe('PCM16 little-endian', () => {
  it('round-trips any samples and matches the little-endian byte layout', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 2000 }), (values) => {
        const samples = Int16Array.from(values);
        const text = int16ToBase64(samples);
        const le = Buffer.alloc(values.length * 2);
        values.forEach((v, i) => le.writeInt16LE(v, i * 2));
        expect(text).toBe(le.toString('base64'));
        expect(Array.from(base64ToInt16(text)!)).toEqual(values);
      }),
    );
  });

  it('encodes a subarray view, not its whole backing buffer', () => {
    const all = Int16Array.from([1, 2, 3, 4, 5]);
    expect(Array.from(base64ToInt16(int16ToBase64(all.subarray(1, 3)))!)).toEqual([2, 3]);
  });

  it('refuses an odd byte count (a PCM16 chunk never has one) and invalid base64', () => {
    expect(base64ToInt16(Buffer.from([1, 2, 3]).toString('base64'))).toBeUndefined();
    expect(base64ToInt16('!!!!')).toBeUndefined();
  });
});

describe('μ-law', () => {
  it('decodes the reference G.711 values', () => {
    // 0xff and 0x7f are the two zeros; 0x00 / 0x80 are the extremes.
    expect(ulawByteToLinear(0xff)).toBe(0);
    expect(ulawByteToLinear(0x7f)).toBe(0);
    expect(ulawByteToLinear(0x00)).toBe(-32124);
    expect(ulawByteToLinear(0x80)).toBe(32124);
    expect(linearToUlawByte(0)).toBe(0xff);
    expect(linearToUlawByte(32767)).toBe(0x80);
    expect(linearToUlawByte(-32768)).toBe(0x00);
  });

  it('encode(decode(b)) is the identity for every code except the duplicate zero', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue;
      expect(linearToUlawByte(ulawByteToLinear(b))).toBe(b);
    }
  });

  it('keeps the quantisation error within one μ-law step of the input', () => {
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
        const y = ulawByteToLinear(linearToUlawByte(x));
        const clipped = Math.max(-32635, Math.min(32635, x));
        // Step size doubles per segment: 8 near zero, 1024 at the top; half a step plus bias rounding.
        expect(Math.abs(y - clipped)).toBeLessThanOrEqual(Math.max(8, Math.abs(clipped) / 16 + 16));
      }),
    );
  });

  it('converts whole buffers', () => {
    const s = Int16Array.from([0, 1000, -1000, 32767]);
    const u = int16ToUlaw(s);
    expect(u.length).toBe(4);
    expect(Array.from(ulawToInt16(u))).toEqual(Array.from(u, ulawByteToLinear));
  });
});

describe('audio formats', () => {
  it('accepts exactly the published set', () => {
    expect(AUDIO_FORMATS).toHaveLength(7);
    expect(parseAudioFormat('pcm_16000')).toEqual({
      format: 'pcm_16000',
      encoding: 'pcm',
      sampleRate: 16000,
      bytesPerSample: 2,
    });
    expect(parseAudioFormat('ulaw_8000')).toMatchObject({
      encoding: 'ulaw',
      sampleRate: 8000,
      bytesPerSample: 1,
    });
    expect(parseAudioFormat('pcm_44100')?.sampleRate).toBe(44100);
    for (const bad of [
      'pcm_12345',
      'ulaw_16000',
      'mp3_44100',
      'PCM_16000',
      'pcm_16000 ',
      'pcm',
      '',
      16000,
      null,
    ]) {
      expect(parseAudioFormat(bad), String(bad)).toBeUndefined();
      expect(isAudioFormat(bad)).toBe(false);
    }
  });

  it('encodes and decodes samples at the negotiated format', () => {
    const samples = Int16Array.from([0, 100, -100, 20000, -20000]);
    const pcm = parseAudioFormat('pcm_24000')!;
    expect(Array.from(decodeSamples(encodeSamples(samples, pcm), pcm)!)).toEqual(Array.from(samples));
    const ulaw = parseAudioFormat('ulaw_8000')!;
    const wire = encodeSamples(samples, ulaw);
    expect(Buffer.from(wire, 'base64')).toHaveLength(5);
    const back = decodeSamples(wire, ulaw)!;
    back.forEach((v, i) => expect(Math.abs(v - samples[i]!)).toBeLessThan(Math.abs(samples[i]!) / 16 + 16));
  });
});
