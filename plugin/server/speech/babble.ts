/**
 * "Babble": our own tiny MIT formant voice, the fallback when the optional GPL espeak-ng engine is
 * not installed. It does not pronounce words; it produces speech-like syllable blips (a glottal
 * pulse train through vowel formant resonators, noise bursts for consonants) whose rhythm follows
 * the text letter by letter, so a reply is audibly "spoken" with the right length, pauses and
 * intonation, and every character gets an exact time for the speech bubble. Each NPC sounds
 * different: the voice variant picks the register and formant scale, `pitch` and `rate` apply as in
 * espeak-ng.
 */
import type { Synthesis, SpeechEngine, VoiceSpec } from './types.js';

const RATE = 16_000;

type Formants = readonly [number, number, number];
const VOWELS: Record<string, Formants> = {
  a: [730, 1090, 2440],
  e: [530, 1840, 2480],
  i: [270, 2290, 3010],
  o: [570, 840, 2410],
  u: [300, 870, 2240],
  y: [400, 2000, 2550],
};
const VOICED_CONSONANT: Formants = [300, 1300, 2500];
const NASAL: Formants = [250, 1100, 2300];
const FRICATIVE_CENTRE: Record<string, number> = {
  s: 5500,
  z: 5000,
  f: 3500,
  v: 3000,
  h: 1500,
  c: 4500,
  x: 4000,
  j: 2800,
  q: 1800,
};
const STOPS = new Set(['p', 't', 'k', 'b', 'd', 'g']);
const LIQUIDS = new Set(['l', 'r', 'w']);
const NASALS = new Set(['m', 'n']);

interface VoiceShape {
  f0: number;
  formantScale: number;
  breath: number;
}

/** `en-us+f3` → a female register; `+m*`/none → male; the variant number nudges the timbre. */
function voiceShape(voice: VoiceSpec): VoiceShape {
  const variant = /\+([a-z]+)(\d*)/i.exec(voice.engineVoice);
  const kind = variant?.[1]?.toLowerCase() ?? 'm';
  const n = Number(variant?.[2] || 1);
  const female = kind.startsWith('f') || kind === 'grandma' || kind === 'whisperf';
  const child = kind === 'child';
  let f0 = child ? 260 : female ? 195 + 8 * (n % 5) : 105 + 9 * (n % 8);
  if (kind === 'grandpa' || kind === 'croak') f0 = 85;
  // espeak pitch 0-99 with 50 as neutral: roughly ±35 %.
  const pitch = Math.min(99, Math.max(0, voice.pitch));
  f0 *= 0.65 + (0.7 * pitch) / 99;
  const formantScale = (female ? 1.15 : child ? 1.3 : 1) * (1 + ((n * 7) % 5) * 0.02);
  const breath = kind.startsWith('whisper') ? 0.9 : kind === 'croak' ? 0.4 : 0.05;
  return { f0, formantScale, breath };
}

/** Klatt-style two-pole resonator state. */
class Resonator {
  #a = 0;
  #b = 0;
  #c = 0;
  #y1 = 0;
  #y2 = 0;
  set(freq: number, bw: number): void {
    const r = Math.exp((-Math.PI * bw) / RATE);
    this.#c = -r * r;
    this.#b = 2 * r * Math.cos((2 * Math.PI * freq) / RATE);
    this.#a = 1 - this.#b - this.#c;
  }
  step(x: number): number {
    const y = this.#a * x + this.#b * this.#y1 + this.#c * this.#y2;
    this.#y2 = this.#y1;
    this.#y1 = y;
    return y;
  }
}

/** Deterministic noise so a sentence always renders the same bytes (tests can compare voices). */
function noiseGen(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0xffffffff) * 2 - 1;
  };
}

interface Segment {
  kind: 'vowel' | 'voiced' | 'nasal' | 'fricative' | 'stop' | 'silence';
  ms: number;
  formants?: Formants;
  centre?: number;
}

function segmentFor(ch: string, unitMs: number, next: string | undefined): Segment {
  const c = ch.toLowerCase();
  if (VOWELS[c]) return { kind: 'vowel', ms: unitMs * 1.25, formants: VOWELS[c] };
  if (NASALS.has(c)) return { kind: 'nasal', ms: unitMs * 0.9, formants: NASAL };
  if (LIQUIDS.has(c)) return { kind: 'voiced', ms: unitMs * 0.8, formants: VOICED_CONSONANT };
  if (STOPS.has(c)) return { kind: 'stop', ms: unitMs * 0.7 };
  if (c in FRICATIVE_CENTRE) return { kind: 'fricative', ms: unitMs * 0.85, centre: FRICATIVE_CENTRE[c] };
  if (/\p{L}/u.test(ch)) return { kind: 'vowel', ms: unitMs, formants: VOWELS.a };
  if (/\d/.test(ch)) return { kind: 'vowel', ms: unitMs * 2, formants: VOWELS.e };
  if (ch === ' ' || ch === '\n' || ch === '\t')
    return { kind: 'silence', ms: next === undefined ? 0 : unitMs * 0.35 };
  if (ch === ',' || ch === ';' || ch === ':' || ch === '—' || ch === '-')
    return { kind: 'silence', ms: unitMs * 2.5 };
  if (ch === '.' || ch === '!' || ch === '?' || ch === '…') return { kind: 'silence', ms: unitMs * 4 };
  return { kind: 'silence', ms: 0 };
}

export function createBabbleEngine(): SpeechEngine {
  return {
    name: 'babble',
    licence: 'MIT',
    sampleRate: RATE,
    voices: () => ['+m1..+m8 (male)', '+f1..+f5 (female)', '+child', '+grandpa', '+croak', '+whisper'],
    synthesize: (text, voice, shouldStop) => synthesizeBabble(text, voice, shouldStop),
  };
}

function synthesizeBabble(text: string, voice: VoiceSpec, shouldStop?: () => boolean): Synthesis {
  const shape = voiceShape(voice);
  // espeak's rate is words per minute; an average English word plus its space is ~6 characters.
  const wpm = Math.min(450, Math.max(60, voice.rate || 175));
  const unitMs = 60_000 / (wpm * 6);
  const segments: Segment[] = [];
  for (let i = 0; i < text.length; i++) segments.push(segmentFor(text[i]!, unitMs, text[i + 1]));
  // Trailing punctuation pause is kept short: the next sentence adds its own rhythm.
  let totalMs = 0;
  for (const s of segments) totalMs += s.ms;
  const total = Math.ceil((totalMs / 1000) * RATE) + 1;
  const pcm = new Int16Array(total);
  const charStartMs = new Float64Array(text.length);
  const charDurMs = new Float64Array(text.length);

  const r1 = new Resonator();
  const r2 = new Resonator();
  const r3 = new Resonator();
  const rn = new Resonator();
  const noise = noiseGen(text.length * 2654435761 + Math.round(shape.f0));
  const question = /\?\s*$/.test(text);
  let phase = 0;
  let pos = 0;
  let t = 0;
  for (let i = 0; i < segments.length; i++) {
    if (i % 16 === 0 && shouldStop?.()) break;
    const seg = segments[i]!;
    charStartMs[i] = t;
    charDurMs[i] = seg.ms;
    const n = Math.round((seg.ms / 1000) * RATE);
    const progress = totalMs > 0 ? t / totalMs : 0;
    // Declination, a lilt per syllable, and a rise at the end of a question.
    const contour = 1.08 - 0.16 * progress + (question && progress > 0.75 ? (progress - 0.75) * 1.6 : 0);
    const lilt = 1 + 0.06 * Math.sin(i * 1.7);
    const f0 = shape.f0 * contour * lilt;
    if (seg.formants) {
      r1.set(seg.formants[0] * shape.formantScale, 90);
      r2.set(seg.formants[1] * shape.formantScale, 110);
      r3.set(seg.formants[2] * shape.formantScale, 170);
    }
    if (seg.centre) rn.set(seg.centre * shape.formantScale, 1200);
    const attack = Math.min(n / 2, RATE * 0.006);
    for (let k = 0; k < n && pos < total; k++, pos++) {
      const env = Math.min(1, k / attack, (n - k) / attack);
      let v = 0;
      if (seg.kind === 'vowel' || seg.kind === 'voiced' || seg.kind === 'nasal') {
        phase += f0 / RATE;
        if (phase >= 1) phase -= 1;
        // Glottal pulse: a sharp closing edge rich in harmonics, mixed with breath noise.
        const glottal = (phase < 0.6 ? Math.sin((Math.PI * phase) / 0.6) : 0) - 0.38;
        const src = glottal * (1 - shape.breath) + noise() * shape.breath * 0.6;
        const gain = seg.kind === 'vowel' ? 1 : seg.kind === 'nasal' ? 0.45 : 0.6;
        v = (r1.step(src) * 1.0 + r2.step(src) * 0.6 + r3.step(src) * 0.25) * gain;
      } else if (seg.kind === 'fricative') {
        v = rn.step(noise()) * 0.5;
      } else if (seg.kind === 'stop') {
        // Closure, then a short burst.
        v = k > n * 0.6 ? noise() * 0.35 * (1 - (k - n * 0.6) / (n * 0.4)) : 0;
      }
      const s = v * env * 9000;
      pcm[pos] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
    }
    t += seg.ms;
  }
  const used = Math.min(total, pos);
  return { text, sampleRate: RATE, pcm: pcm.subarray(0, used), charStartMs, charDurMs };
}
