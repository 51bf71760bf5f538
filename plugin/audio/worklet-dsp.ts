import { Resampler } from './resampler.js';

/**
 * JavaScript source shared by both AudioWorklets (inlined with a Blob URL: no extra file to serve,
 * no CSP-hostile eval). An AudioWorkletGlobalScope cannot import our modules, so the worklets get
 * the Resampler class as text: the same class the main thread runs (resampler.ts), type-checked
 * and linted there. Bound to a const because a minifier may rename the class itself.
 */
export const RESAMPLER_JS = `const Resampler = ${Resampler.toString()};\n`;
