// Both worklet module texts from one entry, for the minified-build test (audio-worklet-alloc).
export { MIC_WORKLET_JS } from '../../../../plugin/audio/worklets/mic-processor.js';
import { voiceWorkletJs } from '../../../../plugin/audio/worklets/voice-processor.js';
import { VOICE_PROCESSOR } from '../../../../plugin/audio/voice-graph.js';
export const VOICE_WORKLET_JS = voiceWorkletJs(VOICE_PROCESSOR);
