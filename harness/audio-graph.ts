/**
 * The Web Audio graph as a test or bench page sees it: one patch of AudioNode.prototype.connect and
 * disconnect that keeps every node's outgoing connections (so a page can tell a leaked voice from a
 * released one) and lets the page watch each connection as it is made. Browser code with no imports,
 * like poll.ts: a page calls instrumentAudioGraph() before any audio code connects a node.
 */

type Destination = AudioNode | AudioParam;

interface AudioGraph {
  /** Nodes with at least one outgoing connection now. */
  wiredNodes(): number;
  /** Outgoing connections now, each source-to-destination pair once. */
  edgeCount(): number;
  /** The browser's own connect(), for the page's own wiring: neither counted nor seen by `onConnect`. */
  nativeConnect(from: AudioNode, to: Destination, ...outputInput: number[]): void;
}

let installed = false;

/**
 * Patches AudioNode.prototype.connect and disconnect (once per page) and returns what they keep.
 * `onConnect` sees every connection the page's code makes, after the browser accepted it.
 */
export function instrumentAudioGraph(onConnect?: (from: AudioNode, to: Destination) => void): AudioGraph {
  if (installed) throw new Error('instrumentAudioGraph: this page has instrumented AudioNode already');
  installed = true;
  const proto = AudioNode.prototype;
  const { connect, disconnect } = proto;
  const edges = new Map<AudioNode, Set<Destination>>();
  const isDestination = (x: unknown): x is Destination => x instanceof AudioNode || x instanceof AudioParam;
  Object.assign(proto, {
    connect(this: AudioNode, ...args: unknown[]): unknown {
      const result: unknown = Reflect.apply(connect, this, args);
      const [to] = args;
      if (isDestination(to)) {
        let outs = edges.get(this);
        if (!outs) edges.set(this, (outs = new Set()));
        outs.add(to);
        onConnect?.(this, to);
      }
      return result;
    },
    disconnect(this: AudioNode, ...args: unknown[]): unknown {
      const result: unknown = Reflect.apply(disconnect, this, args);
      // disconnect() and disconnect(output) drop every connection; disconnect(destination, …) those to it.
      const [what] = args;
      const outs = edges.get(this);
      if (isDestination(what)) outs?.delete(what);
      else outs?.clear();
      if (outs?.size === 0) edges.delete(this);
      return result;
    },
  });
  return {
    wiredNodes: () => edges.size,
    edgeCount: () => [...edges.values()].reduce((n, outs) => n + outs.size, 0),
    nativeConnect: (from, to, ...outputInput) => void Reflect.apply(connect, from, [to, ...outputInput]),
  };
}
