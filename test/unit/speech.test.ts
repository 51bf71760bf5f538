/** The local agent's speech pieces: voices, alignment, framing, resampling, text (turn detection: speech-vad.test.ts). */
import { describe, expect, it } from 'vitest';
import { createBabbleEngine } from '../../plugin/server/speech/babble.js';
import { charTimesFromEvents, loadEspeakEngine } from '../../plugin/server/speech/espeak.js';
import { spokenPrefix, toFrames } from '../../plugin/server/speech/frames.js';
import { createResampler } from '../../plugin/server/speech/resample.js';
import { SentenceStream, splitSentences, substituteVariables } from '../../plugin/server/speech/text.js';
import { createPocketsphinxRecognizer } from '../../plugin/server/speech/pocketsphinx.js';
import { isDeclined, transcriptOf } from '../../plugin/server/speech/recognizer.js';
import { buildLanguageModel } from '../../plugin/server/speech/player-lm.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickReply } from '../../plugin/server/agent/brain.js';
import { speechLike } from '../../harness/speech.js';

const voice = (engineVoice: string, rate = 175, pitch = 50) => ({ engineVoice, rate, pitch });
const rms = (pcm: Int16Array): number =>
  Math.sqrt(pcm.reduce((n, v) => n + v * v, 0) / Math.max(1, pcm.length));
/** Dominant period by autocorrelation over 50-500 Hz. */
function f0(pcm: Int16Array, rate: number): number {
  const x = pcm.subarray(0, Math.min(pcm.length, rate));
  let best = 0;
  let bestLag = 0;
  for (let lag = Math.floor(rate / 500); lag < rate / 50; lag++) {
    let s = 0;
    for (let i = 0; i + lag < x.length; i++) s += x[i]! * x[i + lag]!;
    if (s > best) {
      best = s;
      bestLag = lag;
    }
  }
  return rate / bestLag;
}

describe('babble voice (MIT fallback)', () => {
  const babble = createBabbleEngine();
  const line = 'Healing potions are twenty gold each. Anything else?';

  it('speaks audibly, with a distinct voice per NPC', () => {
    const a = babble.synthesize(line, voice('en-us+f3', 175, 60));
    const b = babble.synthesize(line, voice('en-us+m2', 175, 40));
    expect(rms(a.pcm)).toBeGreaterThan(1000);
    expect(f0(a.pcm, 16000)).toBeGreaterThan(f0(b.pcm, 16000) * 1.4);
  });

  it('follows rate and gives every character a time, in order, within the audio', () => {
    const slow = babble.synthesize(line, voice('en', 120));
    const fast = babble.synthesize(line, voice('en', 250));
    expect(slow.pcm.length).toBeGreaterThan(fast.pcm.length * 1.6);
    const durMs = (slow.pcm.length / 16000) * 1000;
    for (let i = 1; i < line.length; i++)
      expect(slow.charStartMs[i]).toBeGreaterThanOrEqual(slow.charStartMs[i - 1]!);
    expect(slow.charStartMs[line.length - 1]).toBeLessThanOrEqual(durMs);
  });

  it('stops early when asked (barge-in)', () => {
    let calls = 0;
    const cut = babble.synthesize(line.repeat(4), voice('en'), () => ++calls > 2);
    const full = babble.synthesize(line.repeat(4), voice('en'));
    expect(cut.pcm.length).toBeLessThan(full.pcm.length / 2);
  });
});

describe('eSpeak NG alignment', () => {
  it('spreads word events over characters; spaces and punctuation take no time', () => {
    const text = 'Hello big world.';
    const events = [
      { type: 'word', text_position: 1, word_length: 5, audio_position: 0 },
      { type: 'word', text_position: 7, word_length: 3, audio_position: 500 },
      { type: 'word', text_position: 11, word_length: 5, audio_position: 800 },
      { type: 'phoneme', text_position: 11, word_length: 0, audio_position: 1300, id: '' },
    ];
    const { charStartMs, charDurMs } = charTimesFromEvents(text, events, 1500);
    expect([...charStartMs.slice(0, 5)]).toEqual([0, 100, 200, 300, 400]);
    expect(charStartMs[5]).toBe(500); // the space sits at the end of "Hello"
    expect(charDurMs[5]).toBe(0);
    expect(charStartMs[6]).toBe(500);
    expect(charDurMs[11]).toBe(100); // "world" ends at the pause, not at the end of the audio
    expect(charDurMs[15]).toBe(0);
  });

  it('when installed, gives distinct voices and word-aligned characters', async () => {
    const { engine } = await loadEspeakEngine();
    if (!engine) return expect(engine).toBeNull(); // optional dependency absent: babble covers it
    const text = 'Welcome traveller, the blacksmith is just past the old well.';
    const a = engine.synthesize(text, voice('en-us+f3', 175, 60));
    const b = engine.synthesize(text, voice('en-us+m3', 175, 40));
    expect(engine.sampleRate).toBe(22050);
    expect(Buffer.from(a.pcm.buffer).equals(Buffer.from(b.pcm.buffer))).toBe(false);
    const w = text.indexOf('blacksmith');
    expect(a.charStartMs[w]).toBeGreaterThan(a.charStartMs[0]!);
    expect(a.charStartMs[w + 1]).toBeGreaterThan(a.charStartMs[w]!);
  });
});

describe('framing and what was heard', () => {
  const synth = createBabbleEngine().synthesize('One two three. Four five.', voice('en'));

  it('cuts frames of ~frameMs whose alignments spell the sentence exactly once', () => {
    const frames = toFrames(synth, 50);
    expect(frames.map((f) => f.alignment.chars.join('')).join('')).toBe(synth.text);
    expect(frames.reduce((n, f) => n + f.pcm.length, 0)).toBe(synth.pcm.length);
    for (const f of frames) {
      expect(f.durationMs).toBeGreaterThanOrEqual(25);
      expect(f.durationMs).toBeLessThanOrEqual(50.1);
      for (const t of f.alignment.char_start_times_ms) expect(t).toBeLessThan(f.durationMs + 1);
    }
  });

  it('reports whole words heard so far', () => {
    const threeAt = synth.charStartMs[synth.text.indexOf('three')]!;
    expect(spokenPrefix(synth, 1)).toBe('One');
    expect(spokenPrefix(synth, threeAt + 1)).toBe('One two three.');
    expect(spokenPrefix(synth, 0)).toBe('');
  });
});

describe('resampling', () => {
  const tone = (hz: number, rate: number, ms = 500): Int16Array => {
    const n = Math.round((rate * ms) / 1000);
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 16000);
    return out;
  };

  it('keeps length and pitch, starts on time', async () => {
    const r = await createResampler(16000, 24000);
    const out = r.convert(tone(440, 16000));
    expect(out.length).toBe(12000);
    expect(Math.abs(f0(out, 24000) - 440)).toBeLessThan(10);
    // No filter delay: the first 2 ms are not silent.
    expect(rms(out.subarray(0, 48))).toBeGreaterThan(2000);
    r.destroy();
  });

  it('filters what the lower rate cannot carry (no aliasing)', async () => {
    const r = await createResampler(22050, 16000);
    const out = r.convert(tone(10_000, 22050));
    expect(rms(out)).toBeLessThan(rms(tone(10_000, 22050)) / 30);
    r.destroy();
  });
});

describe('text', () => {
  it('splits into sentences that concatenate back to the reply', () => {
    const t = 'Hello there! How are you? I am fine, thanks. ' + 'Long clause, '.repeat(20) + 'end.';
    const parts = splitSentences(t);
    expect(parts.join('')).toBe(t);
    expect(parts.slice(0, 3)).toEqual(['Hello there! ', 'How are you? ', 'I am fine, thanks. ']);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(150);
  });

  it('streams sentences out of LLM deltas as soon as they end', () => {
    const s = new SentenceStream();
    expect(s.push('Ah, the dra')).toEqual([]);
    expect(s.push('gon! It sle')).toEqual(['Ah, the dragon! ']);
    expect(s.push('eps.')).toEqual([]);
    expect(s.flush()).toEqual(['It sleeps.']);
  });

  it('fills {{variables}} and names the missing ones', () => {
    expect(substituteVariables('Hi {{ name }}, {{x}}!', { name: 'Ann' })).toEqual({
      text: 'Hi Ann, {{x}}!',
      missing: ['x'],
    });
  });

  it('picks the most specific matching reply', () => {
    const replies = [{ when: ['master'] }, { when: ['guild master'] }, { when: ['potion'] }];
    expect(pickReply(replies, 'Where is the Guild Master?')).toBe(replies[1]);
    expect(pickReply(replies, 'two potions please')).toBe(replies[2]);
    expect(pickReply(replies, 'hello')).toBeUndefined();
  });

  it('builds a language model from the NPC phrases, leaving out words it cannot pronounce', () => {
    const dict = new Set(
      'potion healing guild master the a do you sell have how much is what where i want to please yes no'.split(
        ' ',
      ),
    );
    const model = buildLanguageModel(
      { phrases: ['potion', 'guild master', 'Zyxqua'], keywords: ['Healing'] },
      (w) => dict.has(w),
    )!;
    expect(model.words).not.toContain('</s>');
    const lm = model.arpa;
    const section = (name: string) =>
      lm
        .split(`\\${name}:\n`)[1]!
        .split('\n\n')[0]!
        .split('\n')
        .map((l) => l.split(' '));
    const unigrams = section('1-grams');
    const vocab = unigrams.map((f) => f[1]);
    expect(new Set(model.words)).toEqual(new Set(vocab.filter((w) => w !== '<s>' && w !== '</s>')));
    expect(vocab).toEqual(expect.arrayContaining(['potion', 'guild', 'master', 'healing', 'sell', '</s>']));
    expect(vocab.every((w) => w === '<s>' || w === '</s>' || dict.has(w!))).toBe(true);
    expect(lm).not.toMatch(/zyxqua/i);
    // A proper distribution: the unigrams sum to 1, and every history's bigrams plus its backoff
    // mass do too (the decoder would silently favour a word whose probabilities do not).
    const p1 = new Map(unigrams.map((f) => [f[1]!, 10 ** Number(f[0])]));
    const bo = new Map(unigrams.filter((f) => f[2]).map((f) => [f[1]!, 10 ** Number(f[2])]));
    expect([...p1.entries()].filter(([w]) => w !== '<s>').reduce((a, [, p]) => a + p, 0)).toBeCloseTo(1, 3);
    const byHistory = new Map<string, Map<string, number>>();
    for (const [lp, h, w] of section('2-grams')) {
      const m = byHistory.get(h!) ?? new Map<string, number>();
      m.set(w!, 10 ** Number(lp));
      byHistory.set(h!, m);
    }
    expect(byHistory.size).toBeGreaterThan(5);
    for (const [h, next] of byHistory) {
      let mass = 0;
      for (const p of next.values()) mass += p;
      const unseen = [...p1.entries()]
        .filter(([w]) => w !== '<s>' && !next.has(w))
        .reduce((a, [, p]) => a + p, 0);
      expect(mass + bo.get(h)! * unseen, h).toBeCloseTo(1, 3);
    }
    // A frame puts the phrase where players say it: "do you sell" is followed by a determiner or a phrase.
    expect(byHistory.get('sell')!.get('potion')).toBeGreaterThan(p1.get('potion')!);
    expect(buildLanguageModel({ phrases: ['Zyxqua'], keywords: [] }, (w) => dict.has(w))).toBeNull();
  });
});

const sphinxInstalled = (() => {
  const r = createPocketsphinxRecognizer();
  void r?.close();
  return r !== null;
})();

describe.skipIf(!sphinxInstalled)('recognizer dump (VOICE_AGENTS_ASR_DUMP)', () => {
  it('writes each decoded utterance as a 16 kHz WAV named after what was heard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pva-asr-dump-'));
    const rec = createPocketsphinxRecognizer({ dumpDir: dir })!;
    try {
      const audio = speechLike('do you sell healing potions');
      const stream = rec.start({ phrases: ['healing potions'], keywords: [] }, () => {});
      stream.write(audio);
      const heard = await stream.finish();
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const text = isDeclined(heard) ? '' : transcriptOf(heard).text;
      const words = text.split(/\s+/).filter(Boolean).join('_');
      expect(files[0]).toMatch(new RegExp(`^\\d{4}-${words || 'nothing'}\\.wav$`));
      const wav = readFileSync(join(dir, files[0]!));
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt32LE(24)).toBe(16000);
      expect(wav.readUInt16LE(22)).toBe(1);
      const back = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
      expect(back).toEqual(audio);
    } finally {
      await rec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!sphinxInstalled)("the recognizer's real-time allowance", () => {
  it('a peek at a pause and the end of the turn pay once for the audio, so a turn with pauses is not "too fast"', async () => {
    // 3 s of allowance: a 2.4 s start, a peek at the pause, 0.5 s more, the end. Charged for all of
    // it twice (2.4 + 2.9 s), the end was refused and the player heard "say that again".
    const rec = createPocketsphinxRecognizer({ burstMs: 3000 })!;
    try {
      const stream = rec.start({ phrases: ['healing potions'], keywords: [] }, () => {});
      const start = new Int16Array(16000 * 2.4);
      start.set(speechLike('do you sell').subarray(0, start.length));
      stream.write(start);
      expect(isDeclined(await stream.peek!())).toBe(false);
      stream.write(speechLike('potions').subarray(0, 8000));
      expect(isDeclined(await stream.finish())).toBe(false);
      // Audio beyond the allowance is still refused: a fresh 4 s utterance from the same owner.
      const flood = rec.start({ phrases: ['healing potions'], keywords: [] }, () => {}, { owner: stream });
      flood.write(new Int16Array(16000 * 4));
      expect(await flood.finish()).toEqual({ declined: 'too_fast' });
    } finally {
      await rec.close();
    }
  });
});
