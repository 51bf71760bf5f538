/**
 * eSpeak NG through `@echogarden/espeak-ng-emscripten` (GPL-3.0). It is an optionalDependency and
 * loaded only here, with a dynamic import whose specifier the bundlers cannot follow, so the GPL
 * code never enters a browser bundle and a user can remove it (`npm install --omit=optional`) to
 * keep the whole install MIT/BSD; the babble engine then speaks instead.
 */
import type { Synthesis, SpeechEngine, VoiceSpec } from './types.js';

interface EspeakEvent {
  type: string;
  text_position: number;
  word_length: number;
  audio_position: number;
  id?: string | number;
}
interface EspeakWorker {
  set_voice(v: string): unknown;
  set_rate(r: number): void;
  set_pitch(p: number): void;
  set_range(r: number): void;
  get_samplerate(): number;
  list_voices(): Array<{ identifier?: string; name: string; languages?: Array<{ name: string }> }>;
  synthesize(text: string, cb: (samples: Int16Array, events: EspeakEvent[] | undefined) => boolean): unknown;
}

const PACKAGE = '@echogarden/espeak-ng-emscripten';

/** Returns null (and the reason) when the optional package is missing or fails to initialise. */
export async function loadEspeakEngine(): Promise<{ engine: SpeechEngine | null; reason?: string }> {
  let worker: EspeakWorker;
  try {
    const specifier = PACKAGE;
    const mod = (await import(/* @vite-ignore */ specifier)) as { default: () => Promise<any> };
    const m = await mod.default();
    worker = new m.eSpeakNGWorker() as EspeakWorker;
  } catch (err) {
    return { engine: null, reason: `${PACKAGE} not available: ${(err as Error).message}` };
  }
  const sampleRate = worker.get_samplerate();
  let current = '';
  const known = new Set<string>();
  let voiceList: string[] | null = null;

  const selectVoice = (engineVoice: string): void => {
    if (engineVoice === current) return;
    try {
      worker.set_voice(engineVoice);
      current = engineVoice;
      known.add(engineVoice);
    } catch {
      // An unknown voice name throws inside the engine: fall back to the language, then en-us.
      const base = engineVoice.split('+')[0] || 'en-us';
      const fallback = base !== engineVoice ? base : 'en-us';
      worker.set_voice(fallback);
      current = fallback;
    }
  };

  const engine: SpeechEngine = {
    name: 'espeak-ng',
    licence: 'GPL-3.0 (optional dependency)',
    sampleRate,
    voices() {
      if (!voiceList) {
        try {
          voiceList = worker.list_voices().map((v) => v.identifier ?? v.name);
        } catch {
          voiceList = [];
        }
      }
      return voiceList;
    },
    synthesize(text: string, voice: VoiceSpec, shouldStop?: () => boolean): Synthesis {
      selectVoice(voice.engineVoice);
      worker.set_rate(Math.round(Math.min(450, Math.max(80, voice.rate || 175))));
      worker.set_pitch(Math.round(Math.min(99, Math.max(0, voice.pitch))));
      const chunks: Int16Array[] = [];
      const events: EspeakEvent[] = [];
      let length = 0;
      worker.synthesize(text, (samples, evs) => {
        if (samples && samples.length) {
          chunks.push(samples.slice());
          length += samples.length;
        }
        if (evs) events.push(...evs);
        return shouldStop?.() ?? false;
      });
      const pcm = new Int16Array(length);
      let o = 0;
      for (const c of chunks) {
        pcm.set(c, o);
        o += c.length;
      }
      const { charStartMs, charDurMs } = charTimesFromEvents(text, events, (length / sampleRate) * 1000);
      return { text, sampleRate, pcm, charStartMs, charDurMs };
    },
  };
  return { engine };
}

/**
 * espeak reports words (1-based UTF-16 position, length, start ms) and pauses (phoneme events with
 * an empty id), not characters. A word spans from its start to the next word or pause; its
 * characters share that span evenly. Spaces and punctuation take no time.
 */
export function charTimesFromEvents(
  text: string,
  events: readonly EspeakEvent[],
  totalMs: number,
): { charStartMs: Float64Array; charDurMs: Float64Array } {
  const words = events.filter((e) => e.type === 'word' && e.word_length > 0);
  const pauses = events.filter((e) => e.type === 'phoneme' && !e.id).map((e) => e.audio_position);
  const charStartMs = new Float64Array(text.length);
  const charDurMs = new Float64Array(text.length);
  const covered = new Uint8Array(text.length);
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    const start = word.audio_position;
    let end = words[w + 1]?.audio_position ?? totalMs;
    const pause = pauses.find((p) => p > start && p < end);
    if (pause !== undefined) end = pause;
    end = Math.max(end, start);
    const first = word.text_position - 1;
    const len = Math.min(word.word_length, text.length - first);
    for (let k = 0; k < len; k++) {
      charStartMs[first + k] = start + ((end - start) * k) / len;
      charDurMs[first + k] = (end - start) / len;
      covered[first + k] = 1;
    }
  }
  // Uncovered characters (spaces, punctuation) sit at the end of what came before them.
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    if (covered[i]) last = charStartMs[i]! + charDurMs[i]!;
    else charStartMs[i] = last;
  }
  return { charStartMs, charDurMs };
}
