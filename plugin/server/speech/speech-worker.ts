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
const speech = await createInlineSpeech((workerData as { engine: EngineChoice }).engine);
port.postMessage({
  type: 'ready',
  name: speech.engine.name,
  licence: speech.engine.licence,
  sampleRate: speech.engine.sampleRate,
  voices: speech.engine.voices(),
  fallbackReason: speech.fallbackReason,
});
port.on('message', (req: Request) => {
  speech.synthesize(req.text, req.voice, req.outRate).then(
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
