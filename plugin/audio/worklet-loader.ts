import { RESAMPLER_JS } from './worklet-dsp.js';

const loaded = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/**
 * Adds a worklet module (processor source after the shared Resampler) to a context once per
 * context: a replaced Howler context needs it again. Inline Blob URL, revoked after loading.
 * Each module has its own scope, so the voice and mic modules each carry the Resampler.
 */
export function loadWorklet(ctx: BaseAudioContext, name: string, processorJs: string): Promise<void> {
  let forCtx = loaded.get(ctx);
  if (!forCtx) loaded.set(ctx, (forCtx = new Map()));
  let p = forCtx.get(name);
  if (!p) {
    const url = URL.createObjectURL(new Blob([RESAMPLER_JS, processorJs], { type: 'text/javascript' }));
    p = ctx.audioWorklet.addModule(url).finally(() => URL.revokeObjectURL(url));
    forCtx.set(name, p);
    p.catch(() => forCtx.delete(name));
  }
  return p;
}
