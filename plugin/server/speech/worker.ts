/**
 * Speech in a worker thread. Synthesis is synchronous inside the engines; running it here keeps
 * the agent's event loop free for the audio streams of every other conversation. Requests are
 * answered in order. A request whose caller stops it is cut short inside the worker: the caller's
 * `shouldStop` is polled here and the request's id is written to a shared cell the engine reads.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineChoice, Speech } from './inline.js';
import type { SpeechEngine, Synthesis, VoiceSpec } from './types.js';

interface Ready {
  type: 'ready';
  name: string;
  licence: string;
  sampleRate: number;
  voices: string[];
  fallbackReason?: string;
}
type Reply =
  | Ready
  | { type: 'warm' }
  | ({ type: 'done'; id: number } & Synthesis)
  | { type: 'failed'; id: number; message: string };

/** Under tsx/vitest the entry is TypeScript: boot the worker through tsx's loader. */
function spawn(engine: EngineChoice, cancel: SharedArrayBuffer): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(isTs ? './speech-worker.ts' : './speech-worker.js', import.meta.url);
  if (!isTs) return new Worker(entry, { workerData: { engine, cancel } });
  // require.resolve gives the CommonJS build; the ESM one (which can register hooks) sits beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: { engine, cancel } });
}

/** How often a waiting caller's `shouldStop` is asked (a cancelled sentence stops within about this). */
const STOP_POLL_MS = 5;

export async function createWorkerSpeech(choice: EngineChoice = 'auto'): Promise<Speech> {
  // The id of the request to stop; the worker's engine polls it between blocks.
  const cancelCell = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawn(choice, cancelCell.buffer as SharedArrayBuffer);
  const pending = new Map<
    number,
    { resolve: (s: Synthesis) => void; reject: (e: Error) => void; shouldStop?: () => boolean }
  >();
  let poll: ReturnType<typeof setInterval> | null = null;
  const watch = (): void => {
    if (poll) return;
    poll = setInterval(() => {
      let watched = 0;
      for (const [id, p] of pending) {
        if (!p.shouldStop) continue;
        watched++;
        if (p.shouldStop()) {
          Atomics.store(cancelCell, 0, id);
          p.shouldStop = undefined;
        }
      }
      if (watched === 0 && poll) {
        clearInterval(poll);
        poll = null;
      }
    }, STOP_POLL_MS);
    poll.unref?.();
  };
  let nextId = 0;
  let closed = false;
  let failure: Error | null = null;

  const ready = await new Promise<Ready>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    worker.once('error', onError);
    worker.once('message', (m: Reply) => {
      worker.off('error', onError);
      if (m.type === 'ready') resolve(m);
      else reject(new Error('speech worker did not start'));
    });
  });
  const failAll = (err: Error): void => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  let markWarm: () => void = () => {};
  const warm = new Promise<void>((r) => (markWarm = r));
  worker.on('message', (m: Reply) => {
    if (m.type === 'ready') return;
    if (m.type === 'warm') return markWarm();
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.type === 'done') p.resolve(m);
    else p.reject(new Error(`speech engine failed: ${m.message}`));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => {
    if (!closed) failAll(new Error(`speech worker exited (${code})`));
  });
  worker.unref();

  const engine: SpeechEngine = {
    name: ready.name,
    licence: ready.licence,
    sampleRate: ready.sampleRate,
    voices: () => ready.voices,
    synthesize: () => {
      throw new Error('synchronous synthesis is not available from the speech worker');
    },
  };
  return {
    engine,
    warm,
    thread: 'worker',
    ...(ready.fallbackReason ? { fallbackReason: ready.fallbackReason } : {}),
    synthesize(
      text: string,
      voice: VoiceSpec,
      outRate: number,
      shouldStop?: () => boolean,
    ): Promise<Synthesis> {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('speech closed'));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        // Referenced only while a request is out: an idle worker must not keep the process alive,
        // a busy one must (the caller is waiting for it).
        worker.ref();
        pending.set(id, { resolve, reject, ...(shouldStop ? { shouldStop } : {}) });
        worker.postMessage({ id, text, voice, outRate });
        if (shouldStop) watch();
      });
    },
    close() {
      closed = true;
      if (poll) clearInterval(poll);
      failAll(new Error('speech closed'));
      void worker.terminate();
    },
  };
}
