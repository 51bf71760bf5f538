/**
 * The local agent's speech stack: engines (optional eSpeak NG, else our MIT babble voice), resampling,
 * framing with alignment, turn detection and pluggable recognizers.
 */
import { createInlineSpeech, type EngineChoice, type Speech } from './inline.js';
import { createWorkerSpeech } from './worker.js';

export type { SpeechEngine, Synthesis, VoiceSpec } from './types.js';
export type { EngineChoice, Speech } from './inline.js';
export { createInlineSpeech } from './inline.js';
export { createWorkerSpeech } from './worker.js';
export { toFrames, spokenPrefix, type AudioFrame, type Alignment } from './frames.js';
export { splitSentences, SentenceStream, substituteVariables } from './text.js';
export { createTurnDetector, VAD_SAMPLE_RATE, type TurnDetector, type TurnDetectorOptions } from './vad.js';
export { createResampler, type Resampler } from './resample.js';
export { createBabbleEngine } from './babble.js';
export * from './recognizer.js';

/**
 * Speech in a worker thread when possible (the event loop stays free for audio streams), in this
 * thread otherwise.
 */
export async function createSpeech(
  choice: EngineChoice = 'auto',
  opts: { worker?: boolean; log?: (line: string) => void } = {},
): Promise<Speech> {
  if (opts.worker !== false) {
    try {
      return await createWorkerSpeech(choice);
    } catch (err) {
      opts.log?.(`speech worker unavailable (${(err as Error).message}); synthesizing in the main thread`);
    }
  }
  return createInlineSpeech(choice);
}
