import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * Inside this repo the package's entry points resolve to source, so tests, benches, the sample game
 * and the dev server never need a build. PHASER=3 swaps in Phaser 3.90 (the `phaser3` npm alias).
 */
export function packageAliases(phaser = process.env.PHASER): Record<string, string> {
  return {
    'phaser-voice-agents/vite': `${repoRoot}plugin/vite/index.ts`,
    'phaser-voice-agents/server': `${repoRoot}plugin/server/index.ts`,
    'phaser-voice-agents/tiled': `${repoRoot}plugin/npc/tiled.ts`,
    'phaser-voice-agents/audio': `${repoRoot}plugin/audio/index.ts`,
    'phaser-voice-agents': `${repoRoot}plugin/index.ts`,
    ...(phaser === '3' ? { phaser: 'phaser3' } : {}),
  };
}
