import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Inside this repo the package's entry points resolve to source, so tests, the sample game and the
 * dev server never need a build. PHASER=3 swaps in Phaser 3.90 (the `phaser3` npm alias).
 */
export function packageAliases(phaser = process.env.PHASER): Record<string, string> {
  return {
    'phaser-voice-agents/vite': `${root}plugin/vite/index.ts`,
    'phaser-voice-agents/server': `${root}plugin/server/index.ts`,
    'phaser-voice-agents/tiled': `${root}plugin/npc/tiled.ts`,
    'phaser-voice-agents': `${root}plugin/index.ts`,
    ...(phaser === '3' ? { phaser: 'phaser3' } : {}),
  };
}
