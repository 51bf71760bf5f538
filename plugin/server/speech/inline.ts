/**
 * Speech in the calling thread: pick an engine (the optional eSpeak NG, else our MIT babble voice),
 * warm it up, and synthesize sentences at any output rate. The agent normally runs this inside a
 * worker thread (./worker.ts); this is also the fallback when a worker cannot start.
 */
import { createBabbleEngine } from './babble.js';
import { loadEspeakEngine } from './espeak.js';
import { createResampler, type Resampler } from './resample.js';
import type { SpeechEngine, Synthesis, VoiceSpec } from './types.js';

export type EngineChoice = 'auto' | 'espeak-ng' | 'babble';

export interface Speech {
  readonly engine: SpeechEngine;
  /** Why espeak-ng is not in use, when it is not. */
  readonly fallbackReason?: string;
  /** Resolves when background warm-up is done (every engine code path compiled): steady-state speed. */
  readonly warm: Promise<void>;
  /** Where synthesis runs: a worker thread keeps the agent's event loop free. */
  readonly thread: 'worker' | 'main';
  synthesize(text: string, voice: VoiceSpec, outRate: number, shouldStop?: () => boolean): Promise<Synthesis>;
  close(): void;
}

export async function createInlineSpeech(choice: EngineChoice = 'auto'): Promise<Speech> {
  let engine: SpeechEngine | null = null;
  let fallbackReason: string | undefined;
  if (choice !== 'babble') {
    const loaded = await loadEspeakEngine();
    engine = loaded.engine;
    fallbackReason = loaded.reason;
    if (!engine && choice === 'espeak-ng') throw new Error(loaded.reason);
  } else {
    fallbackReason = 'babble engine requested';
  }
  engine ??= createBabbleEngine();
  const resamplers = new Map<number, Promise<Resampler>>();
  const resamplerFor = (outRate: number): Promise<Resampler> => {
    let r = resamplers.get(outRate);
    if (!r) {
      r = createResampler(engine.sampleRate, outRate);
      resamplers.set(outRate, r);
    }
    return r;
  };
  const speech: Speech = {
    engine,
    warm: Promise.resolve(),
    thread: 'main',
    ...(fallbackReason ? { fallbackReason } : {}),
    async synthesize(text, voice, outRate, shouldStop) {
      const resampler = await resamplerFor(outRate);
      const synth = engine.synthesize(text, voice, shouldStop);
      if (outRate === synth.sampleRate) return synth;
      return { ...synth, sampleRate: outRate, pcm: resampler.convert(synth.pcm) };
    },
    close() {
      for (const r of resamplers.values()) void r.then((x) => x.destroy());
      resamplers.clear();
    },
  };
  // The first synthesis of a JIT-compiled engine is ~40x slower than the next ones: pay it at boot.
  for (let i = 0; i < 3; i++) {
    await speech.synthesize(
      'Warming up the voice, one moment.',
      { engineVoice: 'en-us', rate: 175, pitch: 50 },
      16_000,
    );
  }
  return speech;
}
