/** A player's voice, synthesised offline: input for the local agent's tests and benches. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBabbleEngine } from '../plugin/server/speech/babble.js';

/** Speech-like audio (voiced, VAD-positive) of `text`, 16 kHz. */
export function speechLike(text: string): Int16Array {
  return createBabbleEngine().synthesize(text, { engineVoice: 'en+m3', rate: 160, pitch: 50 }).pcm;
}

interface SpokenFileOptions {
  /** eSpeak NG voice (default: its own default, `en`). */
  voice?: string;
  /** Words per minute (default: eSpeak NG's 175). */
  wpm?: number;
  /** Output sample rate (default 16000); always mono 16-bit. */
  rate?: number;
  /** Normalise the peak to this level in dBFS. */
  peakDb?: number;
  /** Seconds of silence before and after the speech. */
  padBefore?: number;
  padAfter?: number;
  /**
   * A white-noise floor mixed under the speech (sox `vol`; 0.002 is near -66 dBFS): like a real
   * microphone, the file then never holds digital zero.
   */
  noiseVol?: number;
}

/**
 * `text` spoken by the espeak-ng CLI and converted with sox into `out`: a WAV, or headerless
 * signed PCM16 when `out` ends in `.raw`. The one recipe for a player's voice in tests and benches
 * (needs the Debian packages espeak-ng and sox).
 */
export function espeakFile(text: string, out: string, opts: SpokenFileOptions = {}): string {
  spoken(text, out.endsWith('.raw') ? ['-t', 'raw', out] : [out], opts);
  return out;
}

/**
 * 16 kHz mono PCM16 of a sentence, as a player's microphone delivers it to the agent. Without
 * `voice`, espeak-ng's default (`en`).
 */
export function espeakPcm16k(text: string, voice?: string): Int16Array {
  const b = spoken(text, ['-t', 'raw', '-'], voice ? { voice } : {});
  // A copy with its own (aligned) buffer: callers may keep it for the whole run.
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** The eSpeak NG voices the benches speak a player's lines in, one after another. */
export const PLAYER_VOICES = ['en-us', 'en-gb', 'en-us+f3', 'en-gb-scotland+m3'];

/**
 * Where the speech in `pcm` ends: the end of its last 10 ms window within 26 dB of its loudest one.
 * eSpeak NG ends a sentence with silence, and end of speech is measured from the last voiced sample
 * (a player hears their own last word end there), not from the end of the buffer.
 */
export function voicedEnd(pcm: Int16Array): number {
  const W = 160;
  const rms: number[] = [];
  for (let i = 0; i < pcm.length; i += W) {
    let e = 0;
    const end = Math.min(pcm.length, i + W);
    for (let k = i; k < end; k++) e += pcm[k]! * pcm[k]!;
    rms.push(Math.sqrt(e / Math.max(1, end - i)));
  }
  const floor = Math.max(...rms) * 0.05;
  let last = rms.length - 1;
  while (last > 0 && rms[last]! < floor) last--;
  return Math.min(pcm.length, (last + 1) * W);
}

/** Noise at about -30 dBFS mixed in: a room, not a studio. */
export function withNoise(pcm: Int16Array, seed: number): Int16Array {
  let s = seed || 1;
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = ((s / 0x7fffffff) * 2 - 1) * 1000;
    out[i] = Math.max(-32768, Math.min(32767, pcm[i]! + n));
  }
  return out;
}

/** espeak-ng's WAV through sox to `output` (sox's output arguments); sox's stdout is returned. */
function spoken(text: string, output: string[], opts: SpokenFileOptions): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'espeak-'));
  try {
    const said = join(dir, 'espeak.wav');
    const voice = opts.voice ? ['-v', opts.voice] : [];
    const wpm = opts.wpm ? ['-s', String(opts.wpm)] : [];
    execFileSync('espeak-ng', [...voice, ...wpm, '-w', said, text]);
    const input = [said];
    if (opts.noiseVol) {
      const secs = execFileSync('soxi', ['-D', said]).toString().trim();
      const rate = execFileSync('soxi', ['-r', said]).toString().trim();
      input.unshift('-m');
      input.push(`|sox -n -r ${rate} -c 1 -p synth ${secs} whitenoise vol ${opts.noiseVol}`);
    }
    const format = ['-r', String(opts.rate ?? 16000), '-b', '16', '-c', '1', '-e', 'signed-integer'];
    const effects: string[] = [];
    if (opts.peakDb !== undefined) effects.push('gain', '-n', String(opts.peakDb));
    if (opts.padBefore !== undefined || opts.padAfter !== undefined)
      effects.push('pad', String(opts.padBefore ?? 0), String(opts.padAfter ?? 0));
    return execFileSync('sox', [...input, ...format, ...output, ...effects], { maxBuffer: 64 << 20 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
