// Turn detection (fvad plus our rules) on synthetic speech: when a turn starts, pauses, is quiet
// enough to decode, resumes and ends, and what the recognizer is given.
import { describe, expect, it } from 'vitest';
import { createTurnDetector } from '../../plugin/server/speech/vad.js';
import { chunks20ms, click, silence } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';

describe('turn detection', () => {
  async function run(audio: Int16Array[]) {
    const events: string[] = [];
    const d = await createTurnDetector({
      onSpeechConfirmed: () => events.push('confirmed'),
      onTurnEnd: () => events.push('turn'),
      onDiscard: () => events.push('discard'),
    });
    const turnAt: number[] = [];
    let fed = 0;
    for (const a of audio)
      for (const c of chunks20ms(a)) {
        d.push(c);
        fed += c.length / 16;
        if (events.at(-1) === 'turn' && turnAt.length < events.filter((e) => e === 'turn').length)
          turnAt.push(fed);
      }
    d.destroy();
    return { events, turnAt };
  }

  it('reports the recognizer having all it will get (quiet, 270 ms) before a pause, and voice coming back after either', async () => {
    const events: string[] = [];
    let heardMs = 0;
    let heardAtQuiet = -1;
    const d = await createTurnDetector({
      onSpeechAudio: (f) => (heardMs += f.length / 16),
      onQuiet: () => {
        events.push('quiet');
        heardAtQuiet = heardMs;
      },
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
    });
    const feed = (pcm: Int16Array) => {
      for (const c of chunks20ms(pcm)) d.push(c);
    };
    feed(speechLike('do you sell healing potions'));
    // The VAD itself hears voice for 70-90 ms after the words end: counted from the silence it
    // reports, quiet is at 270 ms, the pause at 350 (here about 350 and 430 after the words).
    feed(silence(200));
    expect(events).toEqual([]);
    feed(silence(190));
    expect(events).toEqual(['quiet']); // not yet a pause
    feed(silence(110));
    // The decode a pause starts can start at the quiet: the recognizer was given nothing since.
    expect(events).toEqual(['quiet', 'pause']);
    expect(heardMs).toBe(heardAtQuiet);
    feed(speechLike('and lanterns'));
    feed(silence(390));
    feed(speechLike('too'));
    expect(events).toEqual(['quiet', 'pause', 'resume', 'quiet', 'resume']); // a quiet, and no pause
    d.destroy();

    const off: string[] = [];
    const d2 = await createTurnDetector(
      { onQuiet: () => off.push('quiet'), onPause: () => off.push('pause') },
      { pauseMs: 0 },
    );
    for (const c of chunks20ms(speechLike('do you sell healing potions'))) d2.push(c);
    for (const c of chunks20ms(silence(500))) d2.push(c);
    expect(off).toEqual([]); // no early end: nothing to decode early for
    d2.destroy();
  });

  it('reports a pause of 350 ms in confirmed speech once, and voice coming back; endTurn() ends the turn', async () => {
    const events: string[] = [];
    const d = await createTurnDetector({
      onSpeechConfirmed: () => events.push('confirmed'),
      onPause: () => events.push('pause'),
      onResume: () => events.push('resume'),
      onTurnEnd: () => events.push('turn'),
      onDiscard: () => events.push('discard'),
    });
    const feed = (pcm: Int16Array) => {
      for (const c of chunks20ms(pcm)) d.push(c);
    };
    feed(speechLike('do you sell healing potions'));
    feed(silence(250));
    expect(events).toEqual(['confirmed']); // not yet a pause
    feed(silence(250));
    expect(events).toEqual(['confirmed', 'pause']);
    feed(silence(50));
    expect(events).toEqual(['confirmed', 'pause']); // the same pause is reported once
    feed(speechLike('and lanterns'));
    expect(events).toEqual(['confirmed', 'pause', 'resume']);
    feed(silence(500));
    expect(events).toEqual(['confirmed', 'pause', 'resume', 'pause']);
    d.endTurn();
    expect(events).toEqual(['confirmed', 'pause', 'resume', 'pause', 'turn']);
    d.endTurn(); // no turn in progress: nothing happens
    feed(silence(1000));
    expect(events.filter((e) => e === 'turn')).toHaveLength(1);
    d.destroy();
  });

  it('ends a turn after the hangover of silence, not before', async () => {
    const speech = speechLike('do you sell healing potions');
    const { events, turnAt } = await run([silence(300), speech, silence(1000)]);
    expect(events).toEqual(['confirmed', 'turn']);
    const speechEnd = 300 + speech.length / 16;
    expect(turnAt[0]! - speechEnd).toBeGreaterThanOrEqual(550);
    expect(turnAt[0]! - speechEnd).toBeLessThan(800);
  });

  it('gives the recognizer a pause inside a turn but not the silence that ends it', async () => {
    const first = speechLike('do you sell');
    const second = speechLike('healing potions');
    let heardMs = 0;
    let turns = 0;
    const d = await createTurnDetector({
      onSpeechAudio: (f) => (heardMs += f.length / 16),
      onTurnEnd: () => turns++,
    });
    for (const a of [silence(300), first, silence(450), second, silence(1000)])
      for (const c of chunks20ms(a)) d.push(c);
    d.destroy();
    expect(turns).toBe(1);
    const spoken = (first.length + second.length) / 16 + 450;
    // Pre-roll (300 ms) + both parts with the pause between them + at most 240 ms of the hangover.
    expect(heardMs).toBeGreaterThanOrEqual(spoken);
    expect(heardMs).toBeLessThanOrEqual(spoken + 300 + 240 + 60);
  });

  it('drops clicks and coughs', async () => {
    const { events } = await run([silence(200), click(), silence(800), click(), silence(800)]);
    expect(events).not.toContain('turn');
    expect(events).not.toContain('confirmed');
  });
});
