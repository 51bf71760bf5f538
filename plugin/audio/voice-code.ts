/**
 * What a voice needs and the game's first frame does not, fetched as one chunk when the first
 * NpcVoice is made (a conversation opening, prewarm included): the voice processor's code, the
 * worklet loader that adds it to a context, and the resampling filters it is handed. A voice's first
 * graph waits for it while the conversation's WebSocket is still connecting.
 */
export { VOICE_WORKLET_JS } from './worklets/voice.built.js';
export { loadWorklet } from './worklet-loader.js';
export { cachedDesign } from './fir.js';
