/**
 * Audio dropped within a sliding window of time: how 'auto' capture tells a track processor that
 * cannot keep up (drops adding up) from one that lost a frame once (the window forgets it).
 */
export class DropWindow {
  #drops: [at: number, ms: number][] = [];

  constructor(
    readonly budgetMs: number,
    readonly windowMs: number,
  ) {}

  /** Records `ms` of audio dropped at `now` (ms); true once the window holds the budget or more. */
  add(now: number, ms: number): boolean {
    const d = this.#drops;
    d.push([now, ms]);
    while (d.length && d[0]![0] < now - this.windowMs) d.shift();
    let total = 0;
    for (const [, m] of d) total += m;
    return total >= this.budgetMs;
  }

  clear(): void {
    this.#drops.length = 0;
  }
}
