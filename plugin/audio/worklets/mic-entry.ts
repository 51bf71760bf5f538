// The microphone capture worklet as it runs on the audio thread. `npm run build:worklets` bundles and
// minifies it (with the Resampler it uses) into mic.built.ts, the text the plugin ships.
import { defineMicProcessor } from './mic-processor.js';
import { MIC_PROCESSOR } from './names.js';
import { workletScope } from './scope.js';

defineMicProcessor(workletScope(), MIC_PROCESSOR);
