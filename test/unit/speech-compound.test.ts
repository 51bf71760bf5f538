/**
 * Game words the pronunciation dictionary lacks but that are made of two words it has ("moonwell",
 * "passphrase") get a pronunciation from their parts, so an NPC's phrases with them stay in its
 * language model; a word that splits into nothing known stays unknown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compoundLine } from '../../plugin/server/speech/compound.js';

const DICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

describe('pronunciations of compound words', () => {
  const tiny = new Map([
    ['moon', 'moon M UW N'],
    ['well', 'well W EH L\nwell(2) W AH L'],
    ['mo', 'mo M OW'],
    ['onwell', 'onwell AA N W EH L'],
    ['sun', 'sun S AH N'],
    ['sunset', 'sunset S AH N S EH T'],
    ['set', 'set S EH T'],
    ['tee', 'tee T IY'],
    ['settee', 'settee S EH T IY'],
    ['ox', 'ox AA K S'],
    ['box', 'box B AA K S'],
  ]);
  const lookup = (w: string) => tiny.get(w);

  it('joins the first pronunciation of each part, parts of three letters or more', () => {
    expect(compoundLine('moonwell', lookup)).toBe('moonwell M UW N W EH L');
    // "mo" + "onwell" is the only split here, and a two-letter part would match far too much.
    expect(
      compoundLine('moonwel', (w) =>
        w === 'mo' ? 'mo M OW' : w === 'onwel' ? 'onwel AA N W EH L' : undefined,
      ),
    ).toBeUndefined();
    expect(compoundLine('boxox', lookup)).toBeUndefined(); // box + ox: "ox" is too short
  });

  it('gives every split that works as an alternative, the longest first part first', () => {
    expect(compoundLine('sunsettee', lookup)).toBe(
      ['sunsettee S AH N S EH T T IY', 'sunsettee(2) S AH N S EH T IY'].join('\n'),
    );
  });

  it('leaves a word that is not two known words unknown, and does not try words of over 32 letters', () => {
    expect(compoundLine('zyxqua', lookup)).toBeUndefined();
    expect(compoundLine('moonzyx', lookup)).toBeUndefined();
    expect(compoundLine('moo', lookup)).toBeUndefined();
    const calls: string[] = [];
    expect(compoundLine('moon'.repeat(9), (w) => (calls.push(w), 'x X'))).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it.skipIf(!existsSync(DICT))('gives the village words the Debian dictionary lacks a pronunciation', () => {
    const words = new Map<string, string>();
    for (const line of readFileSync(DICT, 'utf8').split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0 && !line.includes('(')) words.set(line.slice(0, sp), line);
    }
    expect(words.has('moonwell')).toBe(false);
    expect(compoundLine('moonwell', (w) => words.get(w))).toBe('moonwell M UW N W EH L');
    expect(compoundLine('passphrase', (w) => words.get(w))).toBe('passphrase P AE S F R EY Z');
  });
});
