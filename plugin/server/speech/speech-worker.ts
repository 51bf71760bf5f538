/**
 * Worker-thread entry: one speech engine synthesizing sentences for every conversation, so the
 * agent's event loop never blocks on synthesis (a long sentence can take tens of milliseconds).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createInlineSpeech, type EngineChoice } from './inline.js';
import type { VoiceSpec } from './types.js';

interface Request {
  id: number;
  text: string;
  voice: VoiceSpec;
  outRate: number;
}

const port = parentPort!;
const data = workerData as { engine: EngineChoice; cancel: SharedArrayBuffer };
/** The id of the request the agent no longer wants (its conversation ended or was interrupted). */
const cancelled = new Int32Array(data.cancel);
const speech = await createInlineSpeech(data.engine);
port.postMessage({
  type: 'ready',
  name: speech.engine.name,
  licence: speech.engine.licence,
  sampleRate: speech.engine.sampleRate,
  voices: speech.engine.voices(),
  fallbackReason: speech.fallbackReason,
});
port.on('message', (req: Request) => {
  const stop = (): boolean => Atomics.load(cancelled, 0) === req.id;
  speech.synthesize(req.text, req.voice, req.outRate, stop).then(
    (s) => {
      // Transfer, not copy: the buffers must be exactly the arrays' own.
      const pcm =
        s.pcm.byteOffset === 0 && s.pcm.byteLength === s.pcm.buffer.byteLength ? s.pcm : s.pcm.slice();
      port.postMessage(
        {
          type: 'done',
          id: req.id,
          text: s.text,
          sampleRate: s.sampleRate,
          pcm,
          charStartMs: s.charStartMs,
          charDurMs: s.charDurMs,
        },
        [pcm.buffer as ArrayBuffer, s.charStartMs.buffer as ArrayBuffer, s.charDurMs.buffer as ArrayBuffer],
      );
    },
    (err: unknown) =>
      port.postMessage({ type: 'failed', id: req.id, message: (err as Error)?.message ?? String(err) }),
  );
});

/**
 * eSpeak NG is compiled to plain JS (wasm2js): each new code path (numbers, punctuation, rare
 * letter rules) is slow the first time it runs (up to ~0.8 s for one sentence), and fast after
 * (~10-30 ms). A varied paragraph synthesized in the background after start-up pays that once;
 * real requests interleave between its sentences.
 */
const WARMUP = [
  'The quick brown fox jumps over the lazy dog.',
  'Pack my box with five dozen liquor jugs!',
  'How vexingly quick daft zebras jump?',
  'Sphinx of black quartz, judge my vow.',
  "Healing potions are twenty gold each; two for thirty-five if you're heading north.",
  'The year 1492, at 3:45 pm, cost $12.50, or was it 99%?',
  "Thank you for visiting, traveller. I'll nudge you before sunset.",
  'One, two, three: the guild master sees you tomorrow at noon.',
  'Old Aldric in the tower is looking for a brave soul. Safe travels!',
];
void (async () => {
  if (speech.engine.name === 'espeak-ng') {
    const voice: VoiceSpec = { engineVoice: 'en-us', rate: 175, pitch: 50 };
    for (const sentence of WARMUP) {
      await new Promise<void>((r) => setImmediate(r));
      await speech.synthesize(sentence, voice, speech.engine.sampleRate);
    }
  }
  port.postMessage({ type: 'warm' });
})();
