/**
 * What a microphone chunk carries out: the player's voice, or zeros. Decided chunk by chunk from
 * the mic mode, the push-to-talk key and the echo guard; MicCapture (mic-capture.ts) owns the
 * capture itself and reports the result.
 */
import type { EchoGuardSource, MicCaptureOptions, MicMode } from './mic-options.js';

export class MicGate {
  mode: MicMode;
  /** Push-to-talk held down. */
  pttDown = false;
  readonly #guard: { source: EchoGuardSource; threshold: number; holdMs: number } | null;
  #guardOpenUntil = 0;

  constructor(mode: MicMode, echoGuard: MicCaptureOptions['echoGuard']) {
    this.mode = mode;
    this.#guard = echoGuard
      ? {
          source: echoGuard.source,
          threshold: dbToLinear(echoGuard.thresholdDb ?? -30),
          holdMs: echoGuard.holdMs ?? 400,
        }
      : null;
  }

  /** Whether a chunk of this RMS (0..1) goes out now. */
  passes(rms: number): boolean {
    if (this.mode === 'muted') return false;
    if (this.mode === 'push-to-talk') return this.pttDown;
    const g = this.#guard;
    if (!g || !g.source.speaking) return true;
    // Open mic while an NPC speaks: its voice leaks from the speakers through echo cancellation at
    // a low level; only a louder input (the player talking over it) passes, and keeps passing for
    // holdMs so the ends of words are not cut.
    const now = performance.now();
    if (rms >= g.threshold) this.#guardOpenUntil = now + g.holdMs;
    return now < this.#guardOpenUntil;
  }
}

/** RMS of PCM16 samples, 0..1. */
export function rms16(pcm: Int16Array): number {
  let s = 0;
  for (let i = 0; i < pcm.length; i++) s += pcm[i]! * pcm[i]!;
  return Math.sqrt(s / pcm.length) / 32768;
}

function dbToLinear(db: number): number {
  return Math.pow(10, db / 20);
}
