// An NPC voice's playback worklet as it runs on the audio thread. `npm run build:worklets` bundles and
// minifies it (with the Resampler it uses) into voice.built.ts, the text the plugin ships.
import { defineVoiceProcessor } from './voice-processor.js';
import { VOICE_PROCESSOR } from './names.js';
import { workletScope } from './scope.js';

defineVoiceProcessor(workletScope(), VOICE_PROCESSOR);
