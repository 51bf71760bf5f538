/**
 * The recognizer pool's rules with stand-in decoder processes (so timing is under the test's
 * control): bounded processes and concurrency, one utterance per conversation at a time, newer
 * utterances superseding waiting ones, real-time budget, overload declined instead of queued forever,
 * cancellation, a dead process replaced, nothing left after close. agent-asr.test.ts checks the same
 * with real pocketsphinx processes.
 */
import { describe, expect, it } from 'vitest';
import { RecognizerPool, type PoolOptions } from '../../plugin/server/speech/recognizer-pool.js';
import type { Decoder, DecodeOutcome } from '../../plugin/server/speech/sphinx-process.js';

/** Decoders that answer `key:bytes` after `delayMs`, or `died` when killed first. */
function fakes(delayMs = 20) {
  const live = new Set<Decoder>();
  let spawned = 0;
  let maxLive = 0;
  let decoding = 0;
  let maxDecoding = 0;
  const spawn = (key: string): Decoder => {
    let alive = true;
    let onKill: (() => void) | null = null;
    let exit!: () => void;
    const exited = new Promise<void>((r) => (exit = r));
    const d: Decoder = {
      key,
      pid: ++spawned,
      exited,
      get alive() {
        return alive;
      },
      kill() {
        if (!alive) return;
        alive = false;
        live.delete(d);
        onKill?.();
        exit();
      },
      async decode(pcm): Promise<DecodeOutcome> {
        maxDecoding = Math.max(maxDecoding, ++decoding);
        try {
          return await new Promise<DecodeOutcome>((resolve) => {
            const t = setTimeout(() => resolve({ ok: true, text: `${key}:${pcm.length}` }), delayMs);
            onKill = () => {
              clearTimeout(t);
              resolve({ ok: false, reason: 'died' });
            };
          });
        } finally {
          decoding--;
          onKill = null;
        }
      },
    };
    live.add(d);
    maxLive = Math.max(maxLive, live.size);
    return d;
  };
  return {
    spawn,
    live,
    get spawned() {
      return spawned;
    },
    get maxLive() {
      return maxLive;
    },
    get maxDecoding() {
      return maxDecoding;
    },
  };
}

const pool = (f: ReturnType<typeof fakes>, o: Partial<PoolOptions> = {}) =>
  new RecognizerPool({
    maxConcurrent: 2,
    maxProcesses: 4,
    maxWaitMs: 2000,
    decodeTimeoutMs: 5000,
    burstMs: 20_000,
    idleMs: 0,
    spawn: f.spawn,
    ...o,
  });
/** `ms` of 16 kHz PCM16. */
const audio = (ms: number): Buffer => Buffer.alloc(ms * 32);

describe('recognizer pool', () => {
  it('stays bounded under a flood from one conversation while another is recognized promptly', async () => {
    const f = fakes(30);
    const p = pool(f, { maxConcurrent: 2, maxProcesses: 4 });
    const hostile = {};
    const player = {};
    const flood = Array.from({ length: 200 }, () => p.submit(hostile, 'mira', audio(50)).result);
    const t0 = performance.now();
    const mine = await p.submit(player, 'pip', audio(1500)).result;
    expect(mine).toEqual({ ok: true, text: `pip:${1500 * 32}` });
    // Behind at most the hostile utterance already decoding: not behind its 199 others.
    expect(performance.now() - t0).toBeLessThan(1000);
    const results = await Promise.all(flood);
    const decoded = results.filter((r) => r.ok).length;
    // One decoding and one waiting at a time: the rest were superseded, never decoded.
    expect(decoded).toBeLessThanOrEqual(3);
    expect(results.filter((r) => !r.ok && r.reason === 'superseded').length).toBeGreaterThanOrEqual(197);
    expect(f.maxLive).toBeLessThanOrEqual(4);
    expect(f.maxDecoding).toBeLessThanOrEqual(2);
    await p.close();
  });

  it('never gives one conversation two decoders at once', async () => {
    // A decode far longer than the test's own waits: a stalled test process still finds it running.
    const f = fakes(1500);
    const p = pool(f, { maxConcurrent: 4 });
    const a = {};
    const first = p.submit(a, 'g', audio(100)).result;
    await new Promise((r) => setTimeout(r, 5)); // the first is decoding now
    const second = p.submit(a, 'g', audio(100)).result;
    await new Promise((r) => setTimeout(r, 10));
    expect(p.stats()).toMatchObject({ running: 1, queued: 1 });
    expect((await first).ok && (await second).ok).toBe(true);
    await p.close();
  });

  it('declines audio sent faster than real time beyond the burst allowance', async () => {
    let now = 0;
    const p = pool(fakes(1), { burstMs: 5000, now: () => now });
    const a = {};
    expect(await p.submit(a, 'g', audio(4000)).result).toMatchObject({ ok: true });
    // 4 s used of 5 s; 2 s more arrives at the same instant: more than real time allows.
    expect(await p.submit(a, 'g', audio(2000)).result).toEqual({ ok: false, reason: 'too_fast' });
    now += 3000; // three seconds later: credit for three more seconds of audio
    expect(await p.submit(a, 'g', audio(2000)).result).toMatchObject({ ok: true });
    // Another conversation has its own allowance.
    expect(await p.submit({}, 'g', audio(4000)).result).toMatchObject({ ok: true });
    await p.close();
  });

  it('declines as busy when the wait for a decoder is too long, instead of queueing forever', async () => {
    const f = fakes(3000);
    const p = pool(f, { maxConcurrent: 1, maxWaitMs: 100 });
    const running = p.submit({}, 'g', audio(100)).result;
    let ranOut = false;
    void running.then(() => (ranOut = true));
    const waiting = await p.submit({}, 'g', audio(100)).result;
    expect(waiting).toEqual({ ok: false, reason: 'busy' });
    // Said while the running decode still held the only decoder: not after waiting it out.
    expect(ranOut).toBe(false);
    expect((await running).ok).toBe(true);
    await p.close();
  });

  it('cancels a waiting utterance without decoding it', async () => {
    const f = fakes(100);
    const p = pool(f, { maxConcurrent: 1 });
    const first = p.submit({}, 'g', audio(100));
    const second = p.submit({}, 'g', audio(100));
    second.cancel();
    expect(await second.result).toEqual({ ok: false, reason: 'cancelled' });
    expect(p.stats().queued).toBe(0);
    expect((await first.result).ok).toBe(true);
    expect(f.maxDecoding).toBe(1);
    await p.close();
  });

  it('keeps one process per grammar and replaces the least recently used idle one at the cap', async () => {
    const f = fakes(1);
    const p = pool(f, { maxConcurrent: 1, maxProcesses: 2 });
    for (const key of ['a', 'b', 'a', 'b'])
      expect(await p.submit({}, key, audio(10)).result).toMatchObject({ ok: true });
    expect(f.spawned).toBe(2); // reused
    await p.submit({}, 'c', audio(10)).result;
    expect(f.spawned).toBe(3);
    expect([...f.live].map((d) => d.key).sort()).toEqual(['b', 'c']);
    await p.close();
  });

  it('replaces a process that dies mid-utterance and still answers it', async () => {
    const f = fakes(1500); // still decoding when the test kills it, however late its timer runs
    const p = pool(f, { maxConcurrent: 1 });
    const r = p.submit({}, 'g', audio(100)).result;
    await new Promise((res) => setTimeout(res, 10));
    [...f.live][0]!.kill();
    expect(await r).toEqual({ ok: true, text: `g:${100 * 32}` });
    expect(f.spawned).toBe(2);
    // An idle process that dies leaves the pool too; the next utterance gets a fresh one.
    [...f.live][0]!.kill();
    expect(await p.submit({}, 'g', audio(10)).result).toMatchObject({ ok: true });
    expect(f.spawned).toBe(3);
    await p.close();
  });

  it('stops every process and declines what waits on close', async () => {
    const f = fakes(100);
    const p = pool(f, { maxConcurrent: 1 });
    p.prepare('x');
    const running = p.submit({}, 'g', audio(10)).result;
    const waiting = p.submit({}, 'g', audio(10)).result;
    await p.close();
    expect(await waiting).toEqual({ ok: false, reason: 'cancelled' });
    expect(await running).toEqual({ ok: false, reason: 'cancelled' });
    expect(f.live.size).toBe(0);
    expect(await p.submit({}, 'g', audio(10)).result).toEqual({ ok: false, reason: 'cancelled' });
    expect(f.live.size).toBe(0);
  });
});
