/** A player's voice, synthesised offline: input for the local agent's tests and benches. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBabbleEngine } from '../plugin/server/speech/babble.js';

/** Speech-like audio (voiced, VAD-positive) of `text`, 16 kHz. */
export function speechLike(text: string): Int16Array {
  return createBabbleEngine().synthesize(text, { engineVoice: 'en+m3', rate: 160, pitch: 50 }).pcm;
}

/**
 * 16 kHz mono PCM16 of a sentence spoken by the espeak-ng CLI and converted with sox: what a
 * player's microphone delivers, for the spoken-input tests and the agent benches (needs the Debian
 * packages espeak-ng and sox). Without `voice`, espeak-ng's default (`en`).
 */
export function espeakPcm16k(text: string, voice?: string): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'espeak-pcm-'));
  try {
    const wav = join(dir, 'speech.wav');
    const raw = join(dir, 'speech.raw');
    execFileSync('espeak-ng', [...(voice ? ['-v', voice] : []), '-w', wav, text]);
    execFileSync('sox', [
      wav,
      '-r',
      '16000',
      '-b',
      '16',
      '-c',
      '1',
      '-e',
      'signed-integer',
      '-t',
      'raw',
      raw,
    ]);
    const b = readFileSync(raw);
    // A copy with its own buffer: callers may keep it for the whole run.
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
