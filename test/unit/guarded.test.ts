import { describe, expect, it } from 'vitest';
import { guarded } from '../../plugin/phaser/guarded.js';

// The game's per-frame callbacks (lineOfSight, bubbleAvoid) run inside Phaser's loop, which stops
// at the first exception: a throwing callback is said once and stands aside.
describe('guarded', () => {
  it('passes through what the callback returns, and after a throw returns the fallback and reports once', () => {
    const reports: unknown[] = [];
    let broken = false;
    const visible = guarded(
      (_id: string, x: number) => {
        if (broken) throw new Error('no tilemap yet');
        return x < 100;
      },
      true,
      (cause) => reports.push(cause),
    );
    expect(visible('mira', 50)).toBe(true);
    expect(visible('mira', 150)).toBe(false);
    broken = true;
    expect(visible('mira', 150)).toBe(true);
    expect(visible('mira', 150)).toBe(true);
    expect(reports).toHaveLength(1);
    expect((reports[0] as Error).message).toBe('no tilemap yet');
    broken = false;
    expect(visible('mira', 150)).toBe(false); // mended: its answers count again
  });
});
