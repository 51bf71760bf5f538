import { RESAMPLER_JS } from './worklet-dsp.js';
import { MIC_WORKLET_JS } from './mic-worklet.js';
import { VOICE_WORKLET_JS } from './voice-worklet.js';

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Adds both worklet processors to a context once (per context: a replaced Howler context needs
 * them again). Inline Blob URL, revoked after loading.
 */
export function loadWorklets(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    const url = URL.createObjectURL(
      new Blob([RESAMPLER_JS, MIC_WORKLET_JS, VOICE_WORKLET_JS], { type: 'text/javascript' }),
    );
    p = ctx.audioWorklet.addModule(url).finally(() => URL.revokeObjectURL(url));
    loaded.set(ctx, p);
    p.catch(() => loaded.delete(ctx));
  }
  return p;
}
