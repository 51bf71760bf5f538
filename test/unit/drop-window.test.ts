// 'auto' microphone capture leaves the track processor when its drops add up within a window: a
// frame lost once must not move a player's mic, drops that keep coming must.
import { describe, expect, it } from 'vitest';
import { DropWindow } from '../../plugin/audio/drop-window.js';

describe('DropWindow', () => {
  it('is over budget only when the drops within the window add up to it', () => {
    const w = new DropWindow(60, 5000);
    expect(w.add(0, 20)).toBe(false);
    expect(w.add(1000, 20)).toBe(false);
    expect(w.add(2000, 20)).toBe(true);
  });

  it('forgets drops older than the window', () => {
    const w = new DropWindow(60, 5000);
    expect(w.add(0, 40)).toBe(false);
    expect(w.add(6000, 40)).toBe(false); // the first is 6 s old
    expect(w.add(7000, 20)).toBe(true);
  });

  it('starts over after clear()', () => {
    const w = new DropWindow(60, 5000);
    w.add(0, 50);
    w.clear();
    expect(w.add(10, 50)).toBe(false);
  });
});
