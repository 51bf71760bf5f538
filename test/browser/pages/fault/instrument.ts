// Imported first by the fault page, before Howler or the plugin exist: counts every AudioNode
// created and which ones are still wired into a graph (a node with an outgoing connection), so a
// test can tell a leaked voice from a released one.
import { instrumentAudioGraph } from '../../../../harness/audio-graph.js';

const created: Record<string, number> = {};
const count = (type: string) => (created[type] = (created[type] ?? 0) + 1);

for (const name of Object.getOwnPropertyNames(BaseAudioContext.prototype)) {
  if (!/^create[A-Z]/.test(name) || name === 'createBuffer' || name === 'createPeriodicWave') continue;
  const original = (BaseAudioContext.prototype as any)[name];
  if (typeof original !== 'function') continue;
  (BaseAudioContext.prototype as any)[name] = function (this: BaseAudioContext, ...args: unknown[]) {
    count(name.slice(6));
    return original.apply(this, args);
  };
}
const graph = instrumentAudioGraph();
const NativeWorklet = window.AudioWorkletNode;
if (NativeWorklet) {
  window.AudioWorkletNode = class extends NativeWorklet {
    constructor(...args: ConstructorParameters<typeof AudioWorkletNode>) {
      super(...args);
      count('AudioWorklet');
    }
  };
}

const audioNodes = {
  created: () => ({ ...created }),
  totalCreated: () => Object.values(created).reduce((a, b) => a + b, 0),
  /** Nodes with at least one outgoing connection right now. */
  wired: () => graph.wiredNodes(),
};
/** The fault page's AudioNode counts: `window.__audioNodes` (declared in test/types/window.ts). */
export type AudioNodeCounts = typeof audioNodes;
window.__audioNodes = audioNodes;
