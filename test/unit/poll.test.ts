// The polling helper every test and bench waits with: on timeout it says what was awaited and
// what was last seen, and a read that never answers cannot hold a test past its timeout; holds()
// checks that a condition keeps holding for a while.
import { describe, expect, it } from 'vitest';
import { holds, poll, until } from '../../harness/poll.js';

describe('poll', () => {
  it('returns the first value that passes, read again until then', async () => {
    let n = 0;
    const v = await poll(
      () => ++n,
      (x) => x >= 3,
      { interval: 1 },
    );
    expect(v).toBe(3);
    expect(n).toBe(3);
  });

  it('times out with what was awaited and the last value seen', async () => {
    await expect(until(() => false, { what: 'the greeting', timeout: 50 })).rejects.toThrow(
      /timed out after 50 ms waiting for the greeting; last seen: false/,
    );
  });

  it('a read that throws counts as not yet, and its error is what was last seen', async () => {
    let n = 0;
    const v = await poll(
      () => {
        if (++n < 3) throw new Error('page reloading');
        return 'back';
      },
      (x) => x === 'back',
      { interval: 1 },
    );
    expect(v).toBe('back');
    await expect(
      poll(
        () => {
          throw new Error('page reloading');
        },
        () => true,
        { what: 'the page', timeout: 30 },
      ),
    ).rejects.toThrow(/last seen: an error: page reloading/);
  });

  it('a read that never answers fails about a second after the timeout, saying what was read before it', async () => {
    const started = Date.now();
    let n = 0;
    const never = new Promise<boolean>(() => {});
    const read = () => (++n === 1 ? false : never);
    await expect(poll(read, Boolean, { what: 'a stuck page', timeout: 80 })).rejects.toThrow(
      /timed out after 80 ms waiting for a stuck page; last seen: false, then a read had not answered/,
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(80);
    expect(took).toBeLessThan(3000);
  });

  it('a read that answers just after the deadline still counts', async () => {
    const v = await poll(
      () => new Promise<string>((r) => setTimeout(() => r('late but fine'), 150)),
      (x) => x === 'late but fine',
      { timeout: 50 },
    );
    expect(v).toBe('late but fine');
  });

  it('a context that hangs on the same stuck page does not hold the failure', async () => {
    const started = Date.now();
    const never = new Promise<boolean>(() => {});
    await expect(
      poll(() => false, Boolean, { what: 'the greeting', timeout: 40, context: () => never }),
    ).rejects.toThrow(/waiting for the greeting; last seen: false; null/);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('holds', () => {
  it('reads for the whole duration while the condition holds', async () => {
    const started = Date.now();
    let n = 0;
    await holds(
      () => ++n,
      (x) => x > 0,
      { what: 'a positive count', duration: 60, interval: 10 },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('fails at the first value that breaks it, saying what should have held and what was seen', async () => {
    let n = 0;
    await expect(
      holds(
        () => ({ problems: ++n < 3 ? [] : ['connection lost'] }),
        (s) => s.problems.length === 0,
        { what: 'no problem shown', duration: 5000, interval: 1 },
      ),
    ).rejects.toThrow(
      /no problem shown stopped holding after \d+ ms; seen: {"problems":\["connection lost"\]}/,
    );
    expect(n).toBe(3);
  });

  it('a read that throws fails it', async () => {
    await expect(
      holds(
        () => {
          throw new Error('page gone');
        },
        () => true,
        { what: 'the page', duration: 50 },
      ),
    ).rejects.toThrow(/page gone/);
  });
});
