import { Resampler } from '../resampler.js';

/**
 * What an AudioWorkletGlobalScope offers our processors. The processors are written as functions
 * that receive it (and the Resampler class) as parameters, never as globals: their source is shipped
 * as text and runs in the worklet, so it must not refer to anything outside itself, and passing
 * the scope in keeps the worklet's globals out of the main thread's types.
 */
interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => unknown): void;
  /** The context time of the render quantum being processed (seconds). */
  readonly currentTime: number;
  readonly sampleRate: number;
}

/** A processor module: defines and registers one processor under `name`. Self-contained. */
export type DefineProcessor = (scope: WorkletScope, resampler: typeof Resampler, name: string) => void;

/**
 * The text of a worklet module: `define` called with the worklet's global scope, the Resampler
 * class and the processor's name. `Function.prototype.toString` gives the code as compiled (and,
 * in a game's production build, minified), so comments stay in the TypeScript source and never
 * ship; the parameters are locals, so a minifier renames them consistently.
 */
export function workletModule(define: DefineProcessor, name: string): string {
  return `(${define.toString()})(globalThis, ${Resampler.toString()}, ${JSON.stringify(name)});\n`;
}
