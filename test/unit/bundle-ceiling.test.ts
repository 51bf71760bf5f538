import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bundle, ENTRY_CEILING_BYTES, gameGrowth, GPL_MARKERS } from '../../harness/bundle.js';
import { repoRoot } from '../../harness/repo.js';

// Issue 17.6: what a game downloads with the plugin stays small, and no GPL code reaches the browser.
// The same builds as `bench/bundle-size.bench.ts`, which reports the figures beside the official client.
const gpl = (code: string) => GPL_MARKERS.filter((re) => re.test(code)).map(String);

describe('the browser entry', () => {
  it(`adds at most ${ENTRY_CEILING_BYTES / 1024} KB min+gzip to a game's first download, and no GPL code`, async () => {
    const game = await gameGrowth();
    expect(game.raw).toBeGreaterThan(50_000); // the game's build took in the plugin's code
    expect(game.firstConversationGzip).toBeGreaterThan(0); // and split off what loads on demand
    expect(game.gzip).toBeLessThanOrEqual(ENTRY_CEILING_BYTES);
    expect(gpl(game.code)).toEqual([]);
  }, 120_000);

  it(`is at most ${ENTRY_CEILING_BYTES / 1024} KB min+gzip as a library with everything exported`, async () => {
    const lib = await bundle(
      'ceiling',
      `export * from ${JSON.stringify(join(repoRoot, 'plugin/index.ts'))};\n`,
    );
    expect(lib.raw).toBeGreaterThan(50_000);
    expect(lib.gzip).toBeLessThanOrEqual(ENTRY_CEILING_BYTES);
    expect(gpl(lib.code)).toEqual([]);
  }, 120_000);
});
