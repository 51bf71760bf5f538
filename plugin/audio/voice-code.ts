/**
 * What a voice needs only once it first plays, fetched then as one chunk (see NpcVoice): the voice
 * processor's code, the worklet loader that adds it to a context, and the resampling filters it is
 * handed. The game's first download carries none of it; a voice's first graph waits for it while
 * the conversation's WebSocket is still connecting.
 */
export { voiceWorkletJs } from './worklets/voice-processor.js';
export { loadWorklet } from './worklet-loader.js';
export { cachedDesign } from './fir.js';
