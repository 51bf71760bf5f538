/**
 * N-best lists from the long-lived pocketsphinx_batch decoder (issue 15): the file format, a real
 * decoder that lists readings per utterance and keeps running, and decoders whose list is missing
 * or garbled (a stand-in binary), which must still answer with their hypothesis.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseNbest } from '../../plugin/server/speech/nbest.js';
import { startSphinxProcess, type Decoder } from '../../plugin/server/speech/sphinx-process.js';
import { createPocketsphinxRecognizer } from '../../plugin/server/speech/pocketsphinx.js';
import { isDeclined, transcriptOf } from '../../plugin/server/speech/recognizer.js';
import { buildLanguageModel } from '../../plugin/server/speech/player-lm.js';
import { espeakPcm16k } from '../../harness/speech.js';
import { poll } from '../../harness/poll.js';

vi.setConfig({ testTimeout: 60_000 });

describe('parseNbest', () => {
  it('reads "words score" lines, best first (as pocketsphinx_batch 0.8+5prealpha writes them)', () => {
    // Written by the Debian decoder for an en-gb "do you have any remedy", -nbest 20.
    const file = 'what i will have a remedy -33678\nwhat i will have any the me the -33828\n';
    expect(parseNbest(file)).toEqual(['what i will have a remedy', 'what i will have any the me the']);
  });

  it('drops fillers and pronunciation variants; a reading of silence is empty', () => {
    expect(
      parseNbest('<s> do you(2) sell <sil> [NOISE] potions ++BREATH++ </s> -120\n<s> </s> -9\n'),
    ).toEqual(['do you sell potions', '']);
  });

  it('takes the words before the score when word segments follow it', () => {
    expect(parseNbest('sell potions -500 sell 3 40 potions 41 90\n')).toEqual(['sell potions']);
  });

  it('skips what is not a reading: garbage, a line cut short, an empty file', () => {
    expect(parseNbest('garbage without a score\nhello there -12\nhow much is the pot')).toEqual([
      'hello there',
    ]);
    expect(parseNbest('\u0000\u0000\u0001binary')).toEqual([]);
    expect(parseNbest('')).toEqual([]);
  });
});

const MODEL = '/usr/share/pocketsphinx/model/en-us';
const dir = mkdtempSync(join(tmpdir(), 'pva-nbest-'));
const started: Decoder[] = [];
afterAll(async () => {
  for (const d of started) d.kill();
  await Promise.all(started.map((d) => d.exited));
  rmSync(dir, { recursive: true, force: true });
});

/** A decoder for `binary` in its own directory (the n-best files land there). */
function decoder(binary: string, args: string[], nbest = 20): { d: Decoder; dir: string } {
  const own = mkdtempSync(join(dir, 'd-'));
  const d = startSphinxProcess({ binary, args, dir: own, key: 'k', niceness: 0, nbest });
  started.push(d);
  return { d, dir: own };
}
const nbestFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.nbest'));

/**
 * Plays pocketsphinx_batch: answers every control line with `hello there`, writes the n-best file
 * (`good`, `slow` a second late, `quietfile`), a garbled one, or none, then logs the end of the
 * utterance, unless `quiet` or `quietfile`.
 */
const fakeBatch = (mode: string) => `#!/bin/sh
mode=${mode}; dir=
while [ $# -gt 0 ]; do [ "$1" = -nbestdir ] && dir=$2; shift; done
while read file s e id; do
  echo "hello there ($id -100)"
  [ "$mode" = slow ] && sleep 1
  case $mode in
    garbled) printf 'no score here\\n\\001\\002 hello' > "$dir/$id.nbest" ;;
    good|slow|quietfile) printf 'hello there -100\\nhallo there -120\\n' > "$dir/$id.nbest" ;;
  esac
  case $mode in quiet|quietfile) ;; *) echo "$id done --------------------------------------" ;; esac
done
`;

/** The stand-in decoder in `mode`. */
function fakeDecoder(mode: string): { d: Decoder; dir: string } {
  const script = join(dir, `fake-${mode}`);
  if (!existsSync(script)) {
    writeFileSync(script, fakeBatch(mode));
    chmodSync(script, 0o755);
  }
  return decoder(script, []);
}

describe('a decoder whose n-best list is missing or garbled still answers', () => {
  for (const [mode, readings] of [
    ['good', ['hello there', 'hallo there']],
    ['garbled', []],
    ['none', []],
  ] as const)
    it(`${mode} file: the hypothesis, readings ${JSON.stringify(readings)}, no file left, the process lives on`, async () => {
      const { d, dir: own } = fakeDecoder(mode);
      for (let i = 0; i < 2; i++)
        expect(await d.decode(Buffer.alloc(3200), 5000)).toEqual({
          ok: true,
          text: 'hello there',
          alternatives: readings,
        });
      expect(d.alive).toBe(true);
      expect(nbestFiles(own)).toEqual([]);
    });

  it('a decoder that never logs the end of an utterance answers without readings, soon', async () => {
    const { d } = fakeDecoder('quiet');
    const t0 = performance.now();
    expect(await d.decode(Buffer.alloc(3200), 5000)).toEqual({ ok: true, text: 'hello there' });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(d.alive).toBe(true);
  });

  it('one that writes lists but never logs their end leaves none behind, answering or killed', async () => {
    const { d, dir: own } = fakeDecoder('quietfile');
    for (let i = 0; i < 2; i++)
      expect(await d.decode(Buffer.alloc(3200), 5000)).toEqual({ ok: true, text: 'hello there' });
    await poll(
      () => nbestFiles(own),
      (f) => f.length === 0,
      { what: 'the unread lists removed' },
    );
    d.kill();
    await d.exited;
    expect(nbestFiles(own)).toEqual([]);
  });

  it('a list later than the decode timeout: the hypothesis is the answer, the decoder is not replaced', async () => {
    const { d, dir: own } = fakeDecoder('slow');
    const pid = d.pid;
    expect(await d.decode(Buffer.alloc(3200), 300)).toEqual({ ok: true, text: 'hello there' });
    expect(d.alive).toBe(true);
    expect(d.pid).toBe(pid);
    // Its list arrives after the answer and is removed when its end is logged, which comes before
    // the next utterance's answer; that one, the end now known to be logged, waits for its list.
    expect(await d.decode(Buffer.alloc(3200), 5000)).toEqual({
      ok: true,
      text: 'hello there',
      alternatives: ['hello there', 'hallo there'],
    });
    await poll(
      () => nbestFiles(own),
      (f) => f.length === 0,
      { what: 'both lists removed' },
    );
  });
});

const sphinx = existsSync(`${MODEL}/en-us`) && createPocketsphinxRecognizer() !== null;

describe.skipIf(!sphinx)('the real decoder lists readings', () => {
  it('gives an utterance its n-best readings, removes the file, and decodes the next one', async () => {
    const dict = new Map<string, string>();
    for (const line of readFileSync(`${MODEL}/cmudict-en-us.dict`, 'utf8').split('\n')) {
      const w = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '');
      if (w) dict.set(w, dict.has(w) ? `${dict.get(w)}\n${line}` : line);
    }
    const lm = buildLanguageModel({ phrases: ['healing potion', 'lantern'], keywords: [] }, (w) =>
      dict.has(w),
    )!;
    writeFileSync(join(dir, 'lm.arpa'), lm.arpa);
    writeFileSync(join(dir, 'lm.dict'), `${lm.words.map((w) => dict.get(w)).join('\n')}\n`);
    const args = ['-hmm', `${MODEL}/en-us`, '-dict', join(dir, 'lm.dict'), '-lm', join(dir, 'lm.arpa')];
    const { d, dir: own } = decoder('pocketsphinx_batch', [...args, '-dither', 'yes']);
    const pcm = Buffer.from(espeakPcm16k('do you sell healing potions', 'en-us').buffer);
    const first = await d.decode(pcm, 20_000);
    expect(first.ok && first.text).toMatch(/healing/);
    const readings = first.ok ? (first.alternatives ?? []) : [];
    expect(readings.length).toBeGreaterThan(1);
    expect(readings.length).toBeLessThanOrEqual(20);
    expect(readings.some((r) => /healing potion/.test(r))).toBe(true);
    // Removed once read; the same process decodes the next utterance.
    await poll(
      () => nbestFiles(own),
      (f) => f.length === 0,
      { what: 'no n-best file left' },
    );
    const pid = d.pid;
    const second = await d.decode(pcm, 20_000);
    expect(second.ok && second.alternatives?.length).toBeGreaterThan(1);
    expect(d.pid).toBe(pid);
    expect(d.alive).toBe(true);
  });

  it('the recognizer hands the readings on with the transcript', async () => {
    const rec = createPocketsphinxRecognizer({ maxConcurrent: 1 })!;
    try {
      const s = rec.start({ phrases: ['healing potion', 'lantern'], keywords: [] }, undefined, { owner: {} });
      s.write(espeakPcm16k('do you sell healing potions', 'en-us'));
      const r = await s.finish();
      expect(isDeclined(r)).toBe(false);
      const t = transcriptOf(r as Exclude<typeof r, { declined: string }>);
      expect(t.text).toMatch(/healing/);
      expect(t.alternatives?.length).toBeGreaterThan(1);
    } finally {
      await rec.close();
    }
  });
});
