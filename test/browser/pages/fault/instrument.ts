// Imported first by the fault page, before Howler or the plugin exist: counts every AudioNode
// created and which ones are still wired into a graph (a node with an outgoing connection), so a
// test can tell a leaked voice from a released one.
import { instrumentAudioGraph } from '../../../../harness/audio-graph.js';

const created: Record<string, number> = {};
const count = (type: string) => (created[type] = (created[type] ?? 0) + 1);

const contextProto = BaseAudioContext.prototype;
for (const name of Object.getOwnPropertyNames(contextProto)) {
  if (!/^create[A-Z]/.test(name) || name === 'createBuffer' || name === 'createPeriodicWave') continue;
  const original: unknown = Reflect.get(contextProto, name);
  if (typeof original !== 'function') continue;
  Reflect.set(contextProto, name, function (this: BaseAudioContext, ...args: unknown[]): unknown {
    count(name.slice(6));
    return Reflect.apply(original, this, args);
  });
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
