/**
 * The shared speech worker under many conversations (issue 12.2): one conversation's flood waits
 * behind others, a conversation's waiting sentences are dropped when it ends, and a sentence being
 * synthesized stops inside the worker when its caller stops it. The real worker thread, babble voice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerSpeech, splitSentences, type Speech } from '../../plugin/server/speech/index.js';
import { MAX_SYNTH_CHARS } from '../../plugin/server/speech/text.js';
import { FairSpeech, SpeechBusyError, SpeechCancelledError } from '../../plugin/server/speech/fair-queue.js';

const VOICE = { engineVoice: 'en-us', rate: 175, pitch: 50 };
let speech: Speech;

beforeAll(async () => {
  speech = await createWorkerSpeech('babble');
});
afterAll(() => speech.close());

describe('the speech worker', () => {
  it('stops a sentence in progress when its caller stops it', async () => {
    const text = 'a long unbroken stretch of words '.repeat(600);
    const full = await speech.synthesize(text, VOICE, 16_000);
    const started = performance.now();
    let stop = false;
    setTimeout(() => (stop = true), 5);
    const cut = await speech.synthesize(text, VOICE, 16_000, () => stop);
    expect(cut.pcm.length).toBeLessThan(full.pcm.length / 2);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('FairSpeech', () => {
  it('takes conversations in turn, caps what one may have waiting, and drops a closed one', async () => {
    const fair = new FairSpeech(speech, 4);
    const flooder = fair.owner();
    const player = fair.owner();
    const order: string[] = [];
    const outcomes = Array.from({ length: 50 }, (_, i) =>
      flooder.synthesize(`flood sentence number ${i}.`, VOICE, 16_000).then(
        () => order.push(`flood ${i}`),
        (e: Error) => e,
      ),
    );
    const mine = player
      .synthesize('Potions are twenty gold each.', VOICE, 16_000)
      .then(() => order.push('player'));
    const settled = await Promise.all([...outcomes, mine]);
    const busy = settled.filter((r) => r instanceof SpeechBusyError).length;
    // One in the engine at once, four waiting: the other 45 were refused.
    expect(busy).toBe(45);
    // The player waited for the flooder's sentence already in the engine and one more turn, not for
    // the flooder's whole queue (first in, first out would put it after every accepted sentence).
    expect(order.indexOf('player')).toBeLessThanOrEqual(2);
    expect(order.indexOf('player')).toBeLessThan(order.length - 1);

    const dropped = [0, 1, 2].map((i) =>
      flooder.synthesize(`after ${i}.`, VOICE, 16_000).catch((e: Error) => e),
    );
    flooder.cancel();
    const ends = await Promise.all(dropped);
    expect(ends.filter((e) => e instanceof SpeechCancelledError).length).toBeGreaterThanOrEqual(2);
    await expect(flooder.synthesize('again.', VOICE, 16_000)).rejects.toBeInstanceOf(SpeechCancelledError);
    // Others are unaffected.
    await expect(player.synthesize('Still here.', VOICE, 16_000)).resolves.toMatchObject({
      text: 'Still here.',
    });
  });
});

describe('splitSentences', () => {
  it('cuts text without any punctuation into segments one synthesis call can take', () => {
    const text = 'x'.repeat(300) + ' ' + 'word '.repeat(50_000);
    const parts = splitSentences(text);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(MAX_SYNTH_CHARS);
    expect(parts.join('')).toBe(text);
  });
});
