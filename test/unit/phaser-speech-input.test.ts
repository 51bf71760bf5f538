/**
 * SpeechInput (plugin/phaser/speech-input.ts) loads the browser recognizer's code only when a game
 * turns browser recognition on. What the director asks while it loads must still happen, once it
 * has loaded; what a disposed input asked must not. The Web Speech API is a stand-in recording
 * what the recognizer was told.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpeechInput } from '../../plugin/phaser/speech-input.js';
import { until } from '../../harness/poll.js';

const asr = { started: [] as string[], stops: 0, live: null as StandIn | null };

class StandIn {
  lang = '';
  continuous = false;
  interimResults = true;
  onresult: ((e: { resultIndex: number; results: unknown[] }) => void) | null = null;
  onerror: ((e: { error: string }) => void) | null = null;
  onend: (() => void) | null = null;
  start(): void {
    asr.started.push(this.lang);
    asr.live = this;
  }
  stop(): void {
    asr.stops++;
  }
  abort(): void {
    this.stop();
  }
}

const g = globalThis as { SpeechRecognition?: unknown };
beforeEach(() => {
  g.SpeechRecognition = StandIn;
  asr.started = [];
  asr.stops = 0;
  asr.live = null;
});
afterEach(() => {
  delete g.SpeechRecognition;
});

/** Every promise callback already due has run (the recognizer module, once loaded, resolves at once). */
const settled = () => new Promise((r) => setTimeout(r, 0));

describe('SpeechInput: the browser recognizer, loaded on first use', () => {
  it('is available only where the browser has the API', () => {
    expect(SpeechInput.available()).toBe(true);
    delete g.SpeechRecognition;
    expect(SpeechInput.available()).toBe(false);
  });

  it('a live request made while the code loads starts it once loaded, in the NPC language; words reach the NPC', async () => {
    const said: string[] = [];
    const input = new SpeechInput();
    input.on('heard', (text) => said.push(text));
    input.update(true, true, 'fr');
    await until(() => asr.started.length > 0, { what: 'the recognizer to start' });
    expect(asr.started).toEqual(['fr-FR']);
    const result = Object.assign([{ transcript: ' Bonjour ', confidence: 0.9 }], { isFinal: true });
    asr.live!.onresult!({ resultIndex: 0, results: [result] });
    expect(said).toEqual(['Bonjour']);
    input.update(true, false, 'fr');
    expect(asr.stops).toBe(1);
    input.dispose();
  });

  it('the last request while loading wins: turned off meanwhile, nothing starts', async () => {
    const input = new SpeechInput();
    input.update(true, true, 'en');
    input.update(false, false, 'en');
    await settled();
    expect(asr.started).toEqual([]);
    input.update(true, true, 'en'); // loaded now: at once
    expect(asr.started).toEqual(['en-US']);
    input.dispose();
  });

  it('disposed while loading starts nothing; used again (a scene restart) it starts', async () => {
    const input = new SpeechInput();
    input.update(true, true, 'en');
    input.dispose();
    await settled();
    expect(asr.started).toEqual([]);
    input.update(true, true, 'de');
    await until(() => asr.started.length > 0, { what: 'the recognizer to start after the restart' });
    expect(asr.started).toEqual(['de-DE']);
    input.dispose();
  });
});
