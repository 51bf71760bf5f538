import { describe, it, expect } from 'vitest';
import { lazy } from '../../plugin/common/lazy.js';

describe('lazy (a chunk fetched on first use)', () => {
  it('fetches once for every caller, before and after it arrives', async () => {
    let fetches = 0;
    let arrive!: (v: string) => void;
    const get = lazy(() => {
      fetches++;
      return new Promise<string>((r) => (arrive = r));
    });
    const a = get();
    const b = get();
    arrive('code');
    expect(await Promise.all([a, b, get()])).toEqual(['code', 'code', 'code']);
    expect(fetches).toBe(1);
  });

  it('a failed fetch fails its callers, and the next call fetches again', async () => {
    let fetches = 0;
    const get = lazy(async () => {
      if (++fetches === 1) throw new Error('offline');
      return 'code';
    });
    const [a, b] = [get(), get()];
    await expect(a).rejects.toThrow('offline');
    await expect(b).rejects.toThrow('offline');
    expect(await get()).toBe('code');
    expect(await get()).toBe('code');
    expect(fetches).toBe(2);
  });
});
