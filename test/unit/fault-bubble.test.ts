/**
 * The bubble under a starved stream (found by test/browser/fault-plugin.test.ts): when the voice has
 * played every chunk that arrived and waits for more (a long frame, network jitter), the bubble must
 * show what was heard, not the whole reply. Only trailing punctuation the alignment skipped may appear
 * early with the last word.
 */
import { describe, expect, it } from 'vitest';
import { TurnReveal } from '../../plugin/phaser/bubble/reveal.js';

/** Alignment of `text` at 60 ms per character, for one chunk that starts at the turn's `startMs`. */
function chunk(text: string) {
  const chars = [...text];
  return {
    durationMs: chars.length * 60,
    alignment: { chars, char_start_times_ms: chars.map((_, i) => i * 60) },
  };
}

describe('bubble reveal while the voice is starved', () => {
  it('shows only what was heard when the voice has caught up with the audio received so far', () => {
    const r = new TurnReveal();
    r.setText('Long ago, a dragon slept under the hill. Nobody woke it.');
    const first = chunk('Long ago, a ');
    r.addAudio(first.durationMs, first.alignment);
    // The voice played everything that arrived and is waiting (position at, then past, the end).
    expect(r.visibleAt(first.durationMs)).toBeLessThanOrEqual('Long ago, a'.length + 1);
    expect(r.visibleAt(first.durationMs + 300)).toBeLessThanOrEqual('Long ago, a'.length + 1);
    // The rest arrives and plays: the reveal continues from there, and ends with the whole text.
    const rest = chunk('dragon slept under the hill. Nobody woke it');
    r.addAudio(rest.durationMs, rest.alignment);
    expect(r.visibleAt(first.durationMs + 6 * 60)).toBe('Long ago, a dragon'.length);
    expect(r.visibleAt(first.durationMs + rest.durationMs)).toBe(r.length);
  });

  it('still reveals trailing punctuation the alignment skipped, with the last word', () => {
    const r = new TurnReveal();
    r.setText('Safe travels!');
    const all = chunk('Safe travels');
    r.addAudio(all.durationMs, all.alignment);
    expect(r.visibleAt(all.durationMs)).toBe('Safe travels!'.length);
  });
});
