/**
 * What an AudioWorkletGlobalScope offers our processors. Each processor module is a function that
 * receives it as a parameter (its entry passes `globalThis`) rather than reading worklet globals, so
 * the worklet's globals stay out of the main thread's types while the processors are type-checked
 * with the rest of the plugin.
 */
interface WorkletScope {
  AudioWorkletProcessor: new () => { readonly port: MessagePort };
  registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => unknown): void;
  /** The context time of the render quantum being processed (seconds). */
  readonly currentTime: number;
  readonly sampleRate: number;
}

/** Defines one processor and registers it under `name`. */
export type DefineProcessor = (scope: WorkletScope, name: string) => void;

/** The running worklet's own global scope, as the processors see it. */
export const workletScope = (): WorkletScope => globalThis as unknown as WorkletScope;
