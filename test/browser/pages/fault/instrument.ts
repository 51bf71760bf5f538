// Imported first by the fault page, before Howler or the plugin exist: counts every AudioNode
// created and which ones are still wired into a graph (a node with an outgoing connection), so a
// test can tell a leaked voice from a released one.
const created: Record<string, number> = {};
const wired = new Map<AudioNode, Map<unknown, number>>();
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
const NativeWorklet = window.AudioWorkletNode;
if (NativeWorklet) {
  window.AudioWorkletNode = class extends NativeWorklet {
    constructor(...args: ConstructorParameters<typeof AudioWorkletNode>) {
      super(...args);
      count('AudioWorklet');
    }
  };
}

const connect = AudioNode.prototype.connect as (...a: unknown[]) => unknown;
const disconnect = AudioNode.prototype.disconnect as (...a: unknown[]) => unknown;
(AudioNode.prototype as any).connect = function (this: AudioNode, dest: unknown, ...rest: unknown[]) {
  const r = connect.call(this, dest, ...rest);
  const outs = wired.get(this) ?? new Map();
  outs.set(dest, (outs.get(dest) ?? 0) + 1);
  wired.set(this, outs);
  return r;
};
(AudioNode.prototype as any).disconnect = function (this: AudioNode, ...args: unknown[]) {
  const r = disconnect.apply(this, args);
  const outs = wired.get(this);
  // disconnect() and disconnect(output) drop every connection; disconnect(dest, …) those to dest.
  if (outs && args.length > 0 && typeof args[0] === 'object') outs.delete(args[0]);
  else outs?.clear();
  if (!outs || outs.size === 0) wired.delete(this);
  return r;
};

const audioNodes = {
  created: () => ({ ...created }),
  totalCreated: () => Object.values(created).reduce((a, b) => a + b, 0),
  /** Nodes with at least one outgoing connection right now. */
  wired: () => wired.size,
};
/** The fault page's AudioNode counts: `window.__audioNodes` (declared in test/types/window.ts). */
export type AudioNodeCounts = typeof audioNodes;
window.__audioNodes = audioNodes;
