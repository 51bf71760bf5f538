// Both worklet module texts from one entry, for the minified-build test (audio-worklet-alloc).
export { MIC_WORKLET_JS } from '../../../../plugin/audio/worklets/mic-processor.js';
export { VOICE_WORKLET_JS } from '../../../../plugin/audio/worklets/voice-processor.js';
