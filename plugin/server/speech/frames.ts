/**
 * Cutting a synthesized sentence into wire-sized audio frames, each carrying the alignment of the
 * characters that start inside it. Times are relative to the start of the frame (the protocol's
 * reference leaves this open; the official client only forwards them), and every character of the
 * sentence appears in exactly one frame, so a client can rebuild the text as it plays.
 */
import type { Synthesis } from './types.js';

export interface Alignment {
  chars: string[];
  char_start_times_ms: number[];
  char_durations_ms: number[];
}

export interface AudioFrame {
  pcm: Int16Array;
  durationMs: number;
  alignment: Alignment;
}

export function toFrames(synth: Synthesis, frameMs: number): AudioFrame[] {
  const rate = synth.sampleRate;
  // Equal frames no longer than frameMs (and no shorter than half of it, unless the sentence is).
  const count = Math.max(1, Math.ceil((synth.pcm.length * 1000) / (rate * frameMs)));
  const perFrame = Math.max(2, Math.ceil(synth.pcm.length / count));
  const frames: AudioFrame[] = [];
  for (let f = 0; f < count; f++) {
    const pcm = synth.pcm.subarray(f * perFrame, Math.min(synth.pcm.length, (f + 1) * perFrame));
    frames.push({
      pcm,
      durationMs: (pcm.length / rate) * 1000,
      alignment: { chars: [], char_start_times_ms: [], char_durations_ms: [] },
    });
  }
  const exactFrameMs = (perFrame / rate) * 1000;
  for (let i = 0; i < synth.text.length; i++) {
    const start = synth.charStartMs[i] ?? 0;
    const f = Math.min(count - 1, Math.max(0, Math.floor(start / exactFrameMs)));
    const a = frames[f]!.alignment;
    a.chars.push(synth.text[i]!);
    a.char_start_times_ms.push(Math.round(start - f * exactFrameMs));
    a.char_durations_ms.push(Math.round(synth.charDurMs[i] ?? 0));
  }
  return frames;
}

/**
 * How much of `text` was heard after `playedMs` of a sentence: every word whose first character
 * had started, completed to the end of that word (a listener hears a word, not half of one).
 */
export function spokenPrefix(synth: Pick<Synthesis, 'text' | 'charStartMs'>, playedMs: number): string {
  const { text, charStartMs } = synth;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i]!)) continue;
    if ((charStartMs[i] ?? 0) < playedMs) last = i;
    else break;
  }
  if (last < 0) return '';
  let end = last + 1;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  return text.slice(0, end);
}
