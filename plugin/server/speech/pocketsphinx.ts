/**
 * Recognizer adapter for Debian's pocketsphinx (BSD; `apt-get install pocketsphinx
 * pocketsphinx-en-us`). The generic language model is useless on game speech, so each NPC gets its
 * own small language model of how players talk to it, built from its phrases (./player-lm.ts).
 *
 * Utterances are buffered while the player speaks and decoded when the turn ends, by a small pool
 * of long-lived `pocketsphinx_batch` processes (recognizer-pool.ts, sphinx-process.ts): decoding a
 * 2 s utterance takes about 30 ms, so two processes serve far more players than one process per
 * utterance did (each start forked this process, blocking every conversation, and loaded the model).
 *
 * `-dither yes`: digital silence (exact zeros, as a muted or gated microphone sends) otherwise
 * throws the decoder's energy normalisation off and one LSB of noise flips the result.
 * Unrelated speech comes out as everyday words that match no reply; what the agent does with a
 * transcript it cannot place is the conversation's business (../agent/spoken-gate.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Recognition,
  Recognizer,
  RecognizerHints,
  RecognizerStartOptions,
  RecognizerStats,
  RecognizerStream,
} from './recognizer.js';
import { RecognizerPool } from './recognizer-pool.js';
import { startSphinxProcess } from './sphinx-process.js';
import { buildLanguageModel, normalizeWords } from './player-lm.js';
import { compoundLine } from './compound.js';

interface PocketsphinxOptions {
  /** `pocketsphinx_batch` (Debian package pocketsphinx). */
  binary?: string;
  modelDir?: string;
  /** Give up on decoding one utterance after this long (ms); its process is replaced. */
  timeoutMs?: number;
  /** Utterances decoded at once (default: env VOICE_AGENTS_ASR_CONCURRENCY, else the CPU count). */
  maxConcurrent?: number;
  /** Decoder processes kept (one grammar each; default 4 x maxConcurrent). */
  maxProcesses?: number;
  /** An utterance that waits longer than this for a decoder is declined as `busy` (ms, default 1500). */
  maxWaitMs?: number;
  /** Audio one conversation may send ahead of real time and still have decoded (ms, default 20000). */
  burstMs?: number;
  /** Stop a decoder process idle for this long (ms, default 120000; 0 = never). */
  idleMs?: number;
  /** `nice` level of the decoders (default 10): the event loop and speech synthesis go first. */
  niceness?: number;
  /**
   * Write every decoded utterance here as a 16 kHz WAV named after its transcript (default: env
   * VOICE_AGENTS_ASR_DUMP): for finding out why a phrase is misheard, by listening to what the
   * recognizer was given.
   */
  dumpDir?: string;
}

/** The pocketsphinx recognizer, with its pool exposed for health checks and tests. */
interface PocketsphinxRecognizer extends Recognizer {
  stats(): RecognizerStats;
  pids(): number[];
  close(): Promise<void>;
}

/** Audio kept per utterance: the turn detector cuts turns at 15 s, plus pre-roll. */
const MAX_UTTERANCE_BYTES = 20 * 16_000 * 2;
/** Distinct grammars kept on disk (clients can add keywords, so this must not grow without bound). */
const MAX_GRAMMARS = 64;
/** Unknown words whose compound pronunciation (or its absence) is remembered. */
const MAX_COMPOUNDS = 10_000;
/** Language weight of an NPC's model, on every decoder pass (see the decoder arguments). */
const LW = '10';
/** Readings per utterance for the brain's vote: 20 agreed most often, 5 and 10 less (offline). */
const NBEST = 20;

let dumped = 0;
function dumpUtterance(dir: string, pcm: Buffer, text: string): void {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(pcm.length, 40);
  const name = `${String(++dumped).padStart(4, '0')}-${normalizeWords(text).join('_').slice(0, 60) || 'nothing'}.wav`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), Buffer.concat([header, pcm]));
  } catch {
    // A debugging aid: a full disk must not take the conversation down.
  }
}

/**
 * The pronunciation dictionary's words (135,000 lines, 3.2 MB), read in slices between other work
 * from the moment the recognizer is made: parsed in one go on the first spoken turn it blocked
 * every conversation's event loop for 0.3 s (1.3 s on a loaded machine). A lookup before it is
 * done finishes the rest at once.
 */
class DictionaryLoader {
  /** Word -> its dictionary lines (alternative pronunciations are `word(2)` lines). */
  readonly #words = new Map<string, string>();
  /**
   * Words made of two dictionary words, and those that are not (null): asked for again and again.
   * Clients' keywords reach it, so it forgets its oldest entries rather than grow without bound.
   */
  readonly #compounds = new Map<string, string | null>();
  #lines: string[] | null = null;
  #next = 0;
  #done = false;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    setImmediate(() => this.#slice());
  }

  has(word: string): boolean {
    return this.lines(word) !== undefined;
  }

  /** The word's pronunciation lines, if it has any (or a compound's, see compound.ts). */
  lines(word: string): string | undefined {
    if (!this.#done) this.#parse(Infinity);
    const known = this.#words.get(word);
    if (known !== undefined) return known;
    let line = this.#compounds.get(word);
    if (line === undefined) {
      line = compoundLine(word, (w) => this.#words.get(w)) ?? null;
      if (this.#compounds.size >= MAX_COMPOUNDS) this.#compounds.delete(this.#compounds.keys().next().value!);
      this.#compounds.set(word, line);
    }
    return line ?? undefined;
  }

  #slice(): void {
    if (this.#done) return;
    this.#parse(SLICE_LINES);
    if (!this.#done) setImmediate(() => this.#slice()).unref();
  }

  #parse(max: number): void {
    this.#lines ??= readFileSync(this.#path, 'utf8').split('\n');
    const lines = this.#lines;
    const end = Math.min(lines.length, this.#next + max);
    for (let i = this.#next; i < end; i++) {
      const line = lines[i]!;
      const sp = line.indexOf(' ');
      if (sp <= 0) continue;
      const word = line.slice(0, sp).replace(/\(\d+\)$/, '');
      const known = this.#words.get(word);
      this.#words.set(word, known === undefined ? line : `${known}\n${line}`);
    }
    this.#next = end;
    if (end >= lines.length) {
      this.#done = true;
      this.#lines = null;
    }
  }
}
/** The pronunciation dictionary written beside a language model. */
const dictFor = (lmFile: string): string => lmFile.replace(/\.arpa$/, '.dict');
/** Dictionary lines parsed per turn of the event loop (~5 ms). */
const SLICE_LINES = 5000;

export function createPocketsphinxRecognizer(
  options: PocketsphinxOptions = {},
): PocketsphinxRecognizer | null {
  const binary = options.binary ?? 'pocketsphinx_batch';
  const modelDir = options.modelDir ?? '/usr/share/pocketsphinx/model/en-us';
  const hmm = join(modelDir, 'en-us');
  const dictPath = join(modelDir, 'cmudict-en-us.dict');
  if (!existsSync(hmm) || !existsSync(dictPath)) return null;
  const probe = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { encoding: 'utf8' });
  if (probe.status !== 0) return null;

  const dictionary = new DictionaryLoader(dictPath);
  const inDictionary = (w: string): boolean => dictionary.has(w);
  // Made on first use: an agent whose players only type leaves nothing on disk if it is killed.
  let dirPath = '';
  const dir = (): string => (dirPath ||= mkdtempSync(join(tmpdir(), 'voice-agents-asr-')));
  /** hints hash -> grammar file ('' = no usable phrase: the generic language model). */
  const grammars = new Map<string, string>();
  const grammarFile = (hints: RecognizerHints): string => {
    const hash = createHash('sha1').update(JSON.stringify(hints)).digest('hex').slice(0, 16);
    let file = grammars.get(hash);
    if (file === undefined) {
      const lm = buildLanguageModel(hints, inDictionary);
      file = lm ? join(dir(), `${hash}.arpa`) : '';
      if (lm) {
        writeFileSync(file, lm.arpa);
        // Only the model's words: with the whole dictionary (135,000 words) every decoder took 2.5 s
        // of CPU to start (the n-gram search prepares every word); with these, 0.1 s.
        writeFileSync(dictFor(file), `${lm.words.map((w) => dictionary.lines(w)).join('\n')}\n`);
      }
      if (grammars.size >= MAX_GRAMMARS) {
        // The oldest grammar goes; a process still using it has the grammar loaded already.
        const [oldHash, oldFile] = grammars.entries().next().value!;
        grammars.delete(oldHash);
        if (oldFile) for (const f of [oldFile, dictFor(oldFile)]) rmSync(f, { force: true });
      }
    }
    grammars.delete(hash); // re-insert: the map's order is least recently used first
    grammars.set(hash, file);
    return file;
  };

  // One decoder per core: with fewer, decoding fell behind at 80 spoken conversations on 2 cores
  // (5 % of turns declined) and the event loop was no better off. Decoders run at a lower priority
  // (sphinx-process.ts), so they take idle CPU rather than the event loop's.
  const envConcurrency = Number(process.env.VOICE_AGENTS_ASR_CONCURRENCY) || undefined;
  const maxConcurrent = Math.max(
    1,
    Math.floor(options.maxConcurrent ?? envConcurrency ?? availableParallelism()),
  );
  const pool = new RecognizerPool({
    maxConcurrent,
    maxProcesses: options.maxProcesses ?? maxConcurrent * 4,
    maxWaitMs: options.maxWaitMs ?? 1500,
    decodeTimeoutMs: options.timeoutMs ?? 8000,
    burstMs: options.burstMs ?? 20_000,
    idleMs: options.idleMs ?? 120_000,
    spawn: (gram) =>
      startSphinxProcess({
        binary,
        key: gram,
        niceness: Math.min(19, Math.max(0, Math.round(options.niceness ?? 10))),
        dir: dir(),
        // The NPC's reply may be in the runners-up when the best reading is junk (../agent/understand/vote.ts).
        nbest: gram ? NBEST : 0,
        args: [
          '-hmm',
          hmm,
          '-dict',
          gram ? dictFor(gram) : dictPath,
          '-lm',
          gram || join(modelDir, 'en-us.lm.bin'),
          // The language weight trusts the NPC's sentence shapes more than the acoustics, which fit
          // synthetic and accented voices poorly (the default 6.5: 56 % of the intent set; 16 and up
          // worse). pocketsphinx gives it to the first of its three passes only. Offline, with the
          // 20-best vote, on 70 tuning lines and then the bench's 88 held out (same audio): 10 on all
          // passes 61.4 % and 64.8 %, 0 wrong tools; 12 on the first pass (the setting before)
          // 61.4 % and 59.1 %, 1 wrong tool; 12 and 14 on all passes 58.6 % and 52.9 % tuning.
          ...(gram ? ['-lw', LW, '-fwdflatlw', LW, '-bestpathlw', LW] : ['-lw', '6.5']),
          '-dither',
          'yes',
          // pocketsphinx's default search beams. A narrower search (-maxhmmpf 2000, beams
          // 1e-30/1e-20/1e-30) cost a third less CPU and kept the transcripts of clean espeak
          // speech, but a question through Chrome's voice processing (the e2e voice test) came back
          // as "a" on a fresh-clone CI run: accuracy first.
        ],
      }),
  });
  let closed = false;
  const dumpDir = options.dumpDir ?? process.env.VOICE_AGENTS_ASR_DUMP ?? '';

  return {
    name: 'pocketsphinx (language model from the NPC file)',
    stats: () => pool.stats(),
    pids: () => pool.pids(),
    prepare(hints) {
      if (!closed) pool.prepare(grammarFile(hints));
    },
    start(hints, _onPartial, startOptions: RecognizerStartOptions = {}): RecognizerStream {
      const gram = grammarFile(hints);
      const chunks: Buffer[] = [];
      let bytes = 0;
      let state: 'open' | 'finished' | 'cancelled' = 'open';
      /** Decodes submitted and not yet settled (a peek, then the finish): cancel() withdraws them. */
      const jobs = new Set<() => void>();
      /** Bytes already charged against the owner's real-time credit by an accepted decode. */
      let charged = 0;
      const decode = async (audio: Buffer): Promise<Recognition> => {
        const job = pool.submit(startOptions.owner ?? stream, gram, audio, audio.length - charged);
        const before = charged;
        charged = audio.length;
        jobs.add(job.cancel);
        const r = await job.result;
        jobs.delete(job.cancel);
        // Refused for speed, it took no credit: the next decode pays for this audio.
        if (!r.ok && r.reason === 'too_fast' && charged === audio.length) charged = before;
        if (dumpDir) dumpUtterance(dumpDir, audio, r.ok ? r.text : `declined-${r.reason}`);
        if (!r.ok) return { declined: r.reason };
        return r.alternatives ? { text: r.text.trim(), alternatives: r.alternatives } : r.text.trim();
      };
      const stream: RecognizerStream = {
        write(pcm) {
          if (state !== 'open' || bytes >= MAX_UTTERANCE_BYTES) return;
          const b = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
          chunks.push(b);
          bytes += b.length;
        },
        async peek(): Promise<Recognition> {
          if (state !== 'open') return { declined: 'cancelled' };
          return decode(Buffer.concat(chunks, bytes));
        },
        async finish(): Promise<Recognition> {
          if (state !== 'open') return { declined: 'cancelled' };
          state = 'finished';
          const audio = Buffer.concat(chunks, bytes);
          chunks.length = 0;
          return decode(audio);
        },
        cancel() {
          if (state === 'cancelled') return;
          state = 'cancelled';
          chunks.length = 0;
          for (const withdraw of jobs) withdraw();
          jobs.clear();
        },
      };
      return stream;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
      if (dirPath) rmSync(dirPath, { recursive: true, force: true });
    },
  };
}
