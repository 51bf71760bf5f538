/**
 * The "did not understand" marker of the LLM brain, as models really write it (issue 15.1): split
 * across stream chunks, after a few words, quoted, in other cases and brackets, after a real answer,
 * cut off by the token limit. It never reaches the player; at the start of an answer to spoken
 * words it means "say again". And a capped "say again" line stays unheard.
 */
import { describe, expect, it } from 'vitest';
import { MarkerFilter } from '../../plugin/server/agent/say-again-marker.js';
import {
  cappedBrain,
  type Brain,
  type BrainContext,
  type BrainStep,
} from '../../plugin/server/agent/brain.js';

/** What a filter lets through for these deltas, and whether it found the model unsure. */
function run(deltas: string[], holdLead = 0): { spoken: string[]; unclear: boolean } {
  const f = new MarkerFilter({ holdLead });
  const spoken: string[] = [];
  for (const d of deltas) {
    const t = f.push(d);
    if (f.unclear) return { spoken, unclear: true };
    if (t) spoken.push(t);
  }
  const rest = f.end();
  if (rest) spoken.push(rest);
  return { spoken, unclear: f.unclear };
}

describe('the say-again marker in a streamed answer', () => {
  it('at the start of a spoken answer, however it is split, cased, bracketed or quoted: unclear, nothing spoken', () => {
    for (const deltas of [
      ['[[SAY_AGAIN]]'],
      [' [[SAY', '_AGAIN]]'],
      ['[', '[', 'S', 'A', 'Y', '_', 'A', 'G', 'A', 'I', 'N', ']', ']'],
      ['[[say again]]'],
      ['`[[SAY_AGAIN]]`'],
      ['"[SAY-AGAIN]"'],
      ['Hmm. ', '[[SAY_AGAIN]]'],
    ])
      expect(run(deltas, 24), JSON.stringify(deltas)).toEqual({ spoken: [], unclear: true });
  });

  it('after the first words were let through it is only dropped, and the answer stands', () => {
    const r = run(
      ['The lantern costs fifteen gold, traveller. ', '[[SAY_', 'AGAIN]]', ' Anything else?'],
      24,
    );
    expect(r.unclear).toBe(false);
    expect(r.spoken.join('')).toBe('The lantern costs fifteen gold, traveller.  Anything else?');
  });

  it('never lets the marker through on typed words either, and holds nothing there', () => {
    expect(run(['Hello', ' there [[SAY', '_AGAIN]] friend'])).toEqual({
      spoken: ['Hello', ' there ', ' friend'],
      unclear: false,
    });
  });

  it('lets ordinary brackets through once they cannot be the marker', () => {
    expect(run(['[', 'laughs] Welcome!'], 0).spoken.join('')).toBe('[laughs] Welcome!');
    expect(run(['Welcome [s', 'ighs] back'], 0).spoken.join('')).toBe('Welcome [sighs] back');
    expect(run(['Look [left]'], 0).spoken.join('')).toBe('Look [left]');
  });

  it('a short spoken answer is held to its end and then spoken; a marker cut off at the end is dropped', () => {
    expect(run(['Aye.'], 24)).toEqual({ spoken: ['Aye.'], unclear: false });
    expect(run(['Go north. [[SAY_AG'], 0).spoken.join('')).toBe('Go north. ');
    expect(run(['A lone bracket ['], 0).spoken.join('')).toBe('A lone bracket [');
  });
});

describe('cappedBrain', () => {
  it('keeps a cut "say again" line unheard, so the junk is still not shown as heard', async () => {
    const long: Brain = {
      name: 'long',
      async *respond() {
        yield { kind: 'text', text: 'word '.repeat(100), final: true, unheard: true };
      },
    };
    const steps: BrainStep[] = [];
    for await (const s of cappedBrain(long, 40).respond(
      'x',
      {} as BrainContext,
      new AbortController().signal,
    ))
      steps.push(s);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'text', final: true, unheard: true });
    expect((steps[0] as { text: string }).text.length).toBeLessThanOrEqual(41);
  });
});
