import { MIC_WORKLET_JS } from './worklets/mic.built.js';
import { MIC_PROCESSOR } from './worklets/names.js';
import { cachedDesign } from './fir.js';
import type { CaptureSink } from './track-capture.js';
import { loadWorklet } from './worklet-loader.js';

/** Chunks the worklet can hand out before the main thread gives one back (32 x 20 ms = 640 ms). */
const POOL = 32;

/** Compile the capture worklet on a context (ahead of time: while the permission prompt is up). */
export function loadMicWorklet(ctx: BaseAudioContext): Promise<void> {
  return loadWorklet(ctx, MIC_PROCESSOR, MIC_WORKLET_JS);
}

/**
 * Captures a microphone stream with an AudioWorklet on an AudioContext: the path for browsers
 * without MediaStreamTrackProcessor (Firefox, Safari). The worklet (worklets/mic-processor.ts) resamples and
 * cuts chunks on the audio thread and transfers each chunk's buffer here; it goes back to the
 * worklet's pool once the sink returns. Loaded on demand (MicCapture imports it dynamically):
 * Chrome and Edge players, who read the track directly, never download it.
 */
export class WorkletCapture {
  readonly method = 'worklet';
  readonly context: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #node: AudioWorkletNode;
  #stopped = false;

  static async open(
    ctx: AudioContext,
    stream: MediaStream,
    rate: number,
    chunkSamples: number,
    sink: CaptureSink,
  ): Promise<WorkletCapture> {
    await loadMicWorklet(ctx);
    return new WorkletCapture(ctx, stream, rate, chunkSamples, sink);
  }

  private constructor(
    ctx: AudioContext,
    stream: MediaStream,
    rate: number,
    chunkSamples: number,
    sink: CaptureSink,
  ) {
    this.context = ctx;
    this.#source = ctx.createMediaStreamSource(stream);
    // numberOfOutputs 0: the node is pulled by the graph without connecting to the speakers.
    const node = new AudioWorkletNode(ctx, MIC_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { design: cachedDesign(ctx.sampleRate, rate), chunkSamples, poolSize: POOL },
    });
    this.#node = node;
    node.port.onmessage = (e: MessageEvent<ArrayBuffer | number>) => {
      const d = e.data;
      if (typeof d === 'number') {
        sink.gap((d / ctx.sampleRate) * 1000);
        return;
      }
      sink.chunk(new Int16Array(d));
      if (!this.#stopped) node.port.postMessage(d, [d]);
    };
    this.#source.connect(node);
  }

  get inputRate(): number {
    return this.context.sampleRate;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const node = this.#node;
    node.port.onmessage = null;
    node.port.postMessage('stop');
    node.port.close();
    this.#source.disconnect();
    node.disconnect();
  }
}

/**
 * A capture-only context at the microphone's own rate, or null to share Howler's: always with
 * 'howler'; with 'auto' when the rates already match (Chrome otherwise inserts a resampling FIFO
 * in the MediaStream path, about one chunk of extra latency); and when autoplay refuses to start
 * a second context.
 */
export async function dedicatedContext(
  stream: MediaStream,
  choice: 'auto' | 'howler' | 'dedicated',
  howlerRate: number,
): Promise<AudioContext | null> {
  if (choice === 'howler') return null;
  const rate = stream.getAudioTracks()[0]?.getSettings().sampleRate;
  if (choice === 'auto' && (!rate || rate === howlerRate)) return null;
  let ctx: AudioContext;
  try {
    ctx = new AudioContext(rate ? { sampleRate: rate, latencyHint: 'interactive' } : {});
  } catch {
    return null;
  }
  if (ctx.state !== 'running') {
    await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, 250))]);
    if ((ctx.state as AudioContextState) !== 'running') {
      void ctx.close();
      return null;
    }
  }
  return ctx;
}
