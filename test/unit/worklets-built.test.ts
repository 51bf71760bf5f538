import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Rolldown } from 'vite';
import { WORKLETS, builtModule } from '../../harness/worklets.js';
import { repoRoot } from '../../harness/repo.js';
import { MIC_WORKLET_JS } from '../../plugin/audio/worklets/mic.built.js';
import { VOICE_WORKLET_JS } from '../../plugin/audio/worklets/voice.built.js';
import { MIC_PROCESSOR, VOICE_PROCESSOR } from '../../plugin/audio/worklets/names.js';

// The audio worklets are TypeScript (plugin/audio/worklets/); what the plugin ships is their module
// text, bundled and minified at build time (harness/worklets.ts).

const shipped = [
  { text: MIC_WORKLET_JS, name: MIC_PROCESSOR, source: ['mic-processor.ts', '../resampler.ts'] },
  { text: VOICE_WORKLET_JS, name: VOICE_PROCESSOR, source: ['voice-processor.ts', '../resampler.ts'] },
];

/** Runs a module text in a stand-in worklet scope; the names it registered. */
function registered(text: string): string[] {
  const names: string[] = [];
  const scope = {
    AudioWorkletProcessor: class {},
    registerProcessor: (name: string) => names.push(name),
    sampleRate: 48000,
    currentTime: 0,
  };
  // A module that imports, exports or reads a global we do not offer throws here.
  new Function('globalThis', '"use strict";' + text)(scope);
  return names;
}

describe('the audio worklets as shipped', () => {
  it('are built from their TypeScript source as it is now (else: npm run build:worklets)', async () => {
    for (const w of WORKLETS) {
      const committed = readFileSync(join(repoRoot, w.out), 'utf8');
      expect(committed, `${w.out} is out of date: run npm run build:worklets`).toBe(await builtModule(w));
    }
  }, 60_000);

  it('are each one self-contained module that registers its processor, with no comments, smaller than its source', () => {
    for (const s of shipped) {
      expect(registered(s.text)).toEqual([s.name]);
      expect(s.text).not.toMatch(/\/\/|\/\*/);
      const source = s.source.reduce(
        (n, f) => n + readFileSync(join(repoRoot, 'plugin/audio/worklets', f), 'utf8').length,
        0,
      );
      expect(s.text.length).toBeLessThan(source / 2);
    }
  });

  it("reach a player unchanged through a game's own build, whatever its settings (ES2015, names kept, minified)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pva-worklets-'));
    try {
      const entry = join(dir, 'game.js');
      writeFileSync(
        entry,
        `export { MIC_WORKLET_JS } from '${repoRoot}plugin/audio/worklets/mic.built.ts';\n` +
          `export { VOICE_WORKLET_JS } from '${repoRoot}plugin/audio/worklets/voice.built.ts';\n`,
      );
      const result = (await build({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        build: {
          write: false,
          minify: true,
          target: 'es2015',
          lib: { entry, formats: ['iife'], name: 'Game', fileName: 'game' },
          rollupOptions: { output: { keepNames: true } },
        },
      })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
      const out = Array.isArray(result) ? result[0]! : result;
      const code = out.output.find((o): o is Rolldown.OutputChunk => o.type === 'chunk')!.code;
      const game = new Function(`${code}; return Game;`)() as Record<string, string>;
      expect(game.MIC_WORKLET_JS).toBe(MIC_WORKLET_JS);
      expect(game.VOICE_WORKLET_JS).toBe(VOICE_WORKLET_JS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
