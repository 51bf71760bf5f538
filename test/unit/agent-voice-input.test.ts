/**
 * What a conversation does with the recognizer's answers, with a scripted recognizer (no
 * pocketsphinx needed): an overloaded recognizer gets an honest "say it again" instead of a long
 * wait, a superseded utterance gets no answer of its own, and a player who leaves has every
 * utterance of theirs cancelled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateLocalAgentOptions, LocalAgent } from '../../plugin/server/agent/index.js';
import { BUSY_LINE } from '../../plugin/server/agent/conversation.js';
import { SAY_AGAIN } from '../../plugin/server/agent/brain.js';
import type { Recognition, RecognitionDeclined, Recognizer } from '../../plugin/server/speech/recognizer.js';
import { ScriptedClient, type ClientOptions } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence, startQuietAgent } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';
import { until as untilTrue } from '../../harness/poll.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

interface Call {
  owner: object | undefined;
  finished: boolean;
  cancelled: boolean;
  answer(r: string | RecognitionDeclined): void;
  /** Answers to the peeks taken as the player went quiet, in order (only with `peeks: true`). */
  peeks: ((r: Recognition) => void)[];
}

/** A recognizer whose every utterance (and, with `peeks`, every peek) waits for the test to answer it. */
function scripted({ peeks = false } = {}): Recognizer & { calls: Call[]; prepared: number } {
  const calls: Call[] = [];
  const r = {
    name: 'scripted',
    calls,
    prepared: 0,
    prepare() {
      r.prepared++;
    },
    start(_hints: unknown, _partial: unknown, options?: { owner?: object }) {
      let answer!: (x: string | RecognitionDeclined) => void;
      const result = new Promise<string | RecognitionDeclined>((resolve) => (answer = resolve));
      const call: Call = { owner: options?.owner, finished: false, cancelled: false, answer, peeks: [] };
      calls.push(call);
      const peek = () => new Promise<Recognition>((resolve) => call.peeks.push(resolve));
      return {
        ...(peeks ? { peek } : {}),
        write() {},
        finish() {
          call.finished = true;
          return result;
        },
        cancel() {
          call.cancelled = true;
          answer({ declined: 'cancelled' });
        },
      };
    },
  };
  return r;
}

/**
 * A quiet agent per test (closed after it) with the test's options, and a client whose
 * conversation on it has started (`clientOptions` for every connection).
 */
function agentPerTest(clientOptions: ClientOptions = {}) {
  let agent: LocalAgent | null = null;
  afterEach(async () => {
    await agent?.close();
    agent = null;
  });
  return {
    async start(options: Partial<CreateLocalAgentOptions>): Promise<ScriptedClient> {
      agent = await startQuietAgent(options);
      return ScriptedClient.begin(agent.url, 'quiet', clientOptions);
    },
    agent(): LocalAgent {
      if (!agent) throw new Error('no agent started in this test');
      return agent;
    },
  };
}

const until = (condition: () => boolean) => untilTrue(condition, { timeout: 8000, interval: 10 });

/** One spoken turn: voice, then enough silence for the turn detector to end it. */
function speak(c: ScriptedClient, text = 'do you sell healing potions'): void {
  for (const chunk of chunks20ms(speechLike(text))) c.sendAudio(chunk);
  for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
}

describe('spoken turns and the recognizer', () => {
  const quiet = agentPerTest();
  const start = (recognizer: Recognizer) => quiet.start({ recognizer });

  it('tells the player it did not catch a turn the recognizer was too busy for', async () => {
    const rec = scripted();
    const c = await start(rec);
    speak(c);
    await until(() => rec.calls.some((k) => k.finished));
    expect(rec.prepared).toBe(1); // the NPC's grammar was requested before the first turn ended
    expect(rec.calls[0]!.owner).toBeDefined(); // fairness needs to know whose utterance it is
    rec.calls[0]!.answer({ declined: 'busy' });
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe(BUSY_LINE);
    expect(c.of('user_transcript')).toEqual([]);
    // The agent counts it as declined (on the wire it looks like a turn the NPC did not understand).
    expect(quiet.agent().handler.metrics.spokenTurns).toEqual({ decoded: 0, declined: 1 });
    c.close();
  });

  it('says nothing for an utterance a newer one replaced, and answers the newer one', async () => {
    const rec = scripted();
    const c = await start(rec);
    speak(c);
    speak(c, 'how much is a lantern');
    await until(() => rec.calls.filter((k) => k.finished).length === 2);
    expect(rec.calls[0]!.owner).toBe(rec.calls[1]!.owner);
    rec.calls[0]!.answer({ declined: 'superseded' });
    rec.calls[1]!.answer('healing potion');
    const t = await c.waitType('user_transcript');
    expect(quiet.agent().handler.metrics.spokenTurns).toEqual({ decoded: 1, declined: 0 });
    expect(t.msg.user_transcription_event.user_transcript).toBe('healing potion');
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    expect(c.of('agent_response')).toHaveLength(1);
    c.close();
  });

  it('cancels the utterances of a player who disconnects', async () => {
    const rec = scripted();
    const c = await start(rec);
    speak(c); // finished, waiting for the recognizer
    for (const chunk of chunks20ms(speechLike('and another thing'))) c.sendAudio(chunk); // still speaking
    await until(() => rec.calls.length === 2 && rec.calls[0]!.finished);
    expect(rec.calls.map((k) => k.cancelled)).toEqual([false, false]);
    c.close();
    await until(() => rec.calls.every((k) => k.cancelled));
  });
});

// The detector reports a pause after 350 ms of silence and would end the turn after 600; the tests
// send less silence than that, so only the early end can answer.
describe('a pause that ends the turn (the brain is sure of the words)', () => {
  const quiet = agentPerTest();
  const start = (recognizer: Recognizer) => quiet.start({ recognizer });
  const say = (c: ScriptedClient, text: string, silenceMs: number) => {
    for (const chunk of chunks20ms(speechLike(text))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(silenceMs))) c.sendAudio(chunk);
  };

  it('answers at the pause when the words are a question the NPC answers, decoding them once', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'do you sell healing potions', 500);
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!('do you sell healing potions');
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    expect(c.of('user_transcript')[0]!.msg.user_transcription_event.user_transcript).toBe(
      'do you sell healing potions',
    );
    // The peek was the turn's transcript: the utterance was released, never decoded again.
    expect(rec.calls[0]!.finished).toBe(false);
    expect(rec.calls[0]!.cancelled).toBe(true);
    c.close();
  });

  it('decodes once the recognizer has all the words (270 ms), and answers at the pause (350 ms), not before', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'do you sell healing potions', 390); // the VAD's quiet is at about 350 ms of it, its pause at 430
    // Asked before the pause: the decode runs while the pause is still being waited out.
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!('do you sell healing potions');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.of('agent_response')).toEqual([]); // sure, but not yet a pause
    for (const chunk of chunks20ms(silence(100))) c.sendAudio(chunk);
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    expect(rec.calls[0]!.finished).toBe(false); // decoded once
    c.close();
  });

  it('after a pause the player talked on from, waits for the next pause even when the next decode is sure early', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'where is the', 500); // past the pause: the peek is not sure, so the turn waits
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!('the of and to');
    say(c, 'guild master', 390); // voice again, then quiet but not yet a pause
    await until(() => rec.calls[0]!.peeks.length === 2);
    rec.calls[0]!.peeks[1]!('where is the guild master'); // sure, and back before this pause
    await new Promise((r) => setTimeout(r, 300));
    expect(c.of('agent_response')).toEqual([]); // the first pause is over: this one is not reached yet
    for (const chunk of chunks20ms(silence(100))) c.sendAudio(chunk);
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('The guild master is upstairs.');
    c.close();
  });

  it('ends the turn at the pause even when the next words arrive in the same message, and they start the next turn', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'do you sell healing potions', 390);
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!('do you sell healing potions');
    // The rest of the pause and the next question in one message, as a network read can deliver them.
    const pause = silence(100),
      next = speechLike('and lanterns'),
      after = silence(100);
    const all = new Int16Array(pause.length + next.length + after.length);
    all.set(pause);
    all.set(next, pause.length);
    all.set(after, pause.length + next.length);
    c.sendAudio(all);
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    await until(() => rec.calls.length === 2); // the new words are a turn of their own
    expect(rec.calls[0]!.finished).toBe(false); // and the first turn was not decoded again
    c.close();
  });

  it('answers at the pause when the best reading is junk but 4 of its readings agree on a reply', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'bye then', 500); // 500 ms of silence: only the pause can end this turn
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!({
      text: 'the of and to',
      alternatives: ['the of', 'bye', 'bye now', 'wave bye', 'bye bye'],
    });
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Safe travels!');
    expect(c.of('user_transcript')[0]!.msg.user_transcription_event.user_transcript).toBe('bye');
    expect(rec.calls[0]!.finished).toBe(false);
    c.close();
  });

  it('waits for the full silence when the words are not enough, and uses the pause’s transcript then', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'the of and to', 500);
    await until(() => rec.calls[0]?.peeks.length === 1);
    rec.calls[0]!.peeks[0]!('the of and to');
    // Not sure of those words: the turn is still open, nothing is said.
    await new Promise((r) => setTimeout(r, 300));
    expect(c.of('agent_response')).toEqual([]);
    for (const chunk of chunks20ms(silence(300))) c.sendAudio(chunk); // the silence passes 600 ms
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe(QUIET_NPC.local.say_again ?? SAY_AGAIN);
    expect(c.of('user_transcript')).toEqual([]); // asked again: the junk is not shown as heard
    expect(rec.calls[0]!.finished).toBe(false);
    c.close();
  });

  it('keeps the turn open when the player goes on after the pause, and answers the whole of it', async () => {
    const rec = scripted({ peeks: true });
    const c = await start(rec);
    say(c, 'where is the', 500);
    await until(() => rec.calls[0]?.peeks.length === 1);
    say(c, 'guild master', 900); // voice again, a second pause, then the silence that ends the turn
    await until(() => rec.calls[0]!.peeks.length === 2);
    // The first pause's answer comes late and would be sure: it must not end or answer anything.
    rec.calls[0]!.peeks[0]!('potion');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.of('agent_response')).toEqual([]);
    // The second pause heard the whole question: that is the turn's transcript.
    rec.calls[0]!.peeks[1]!('where is the guild master');
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('The guild master is upstairs.');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.of('agent_response')).toHaveLength(1);
    expect(rec.calls).toHaveLength(1);
    expect(rec.calls[0]!.finished).toBe(false);
    c.close();
  });

  it('never ends a turn early without the pause length, or when switched off', async () => {
    const rec = scripted({ peeks: true });
    const c = await quiet.start({ recognizer: rec, vad: { pauseMs: 0 } });
    say(c, 'do you sell healing potions', 900);
    await until(() => rec.calls[0]?.finished === true);
    expect(rec.calls[0]!.peeks).toEqual([]);
    c.close();
  });
});

// The browser's own recognizer (speechRecognition: 'browser') sends the player's words as
// `user_message`, and the plugin connects with ?client_asr=1: the agent's recognizer is the fallback.
describe('a client that recognizes speech itself', () => {
  const quiet = agentPerTest({ query: '&client_asr=1' });
  const start = (recognizer: Recognizer) => quiet.start({ recognizer });

  it('answers the client’s words once, and drops its own transcript of the same turn', async () => {
    const rec = scripted();
    const c = await start(rec);
    speak(c);
    await until(() => rec.calls[0]?.finished === true);
    c.send({ type: 'user_message', text: 'do you sell healing potions' });
    rec.calls[0]!.answer('where is the guild master'); // what our recognizer made of it
    const reply = await c.waitType('agent_response');
    expect(reply.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    // Past the wait for the client's words (1.5 s): still one answer, and ours never shown.
    await new Promise((r) => setTimeout(r, 2000));
    expect(c.of('agent_response')).toHaveLength(1);
    expect(c.of('user_transcript')).toEqual([]);
    c.close();
  });

  it('answers from its own transcript when the client’s words do not come', async () => {
    const rec = scripted();
    const c = await start(rec);
    speak(c);
    await until(() => rec.calls[0]?.finished === true);
    const answeredAt = performance.now();
    rec.calls[0]!.answer('where is the guild master');
    const reply = await c.waitType('agent_response', 8000);
    expect(reply.msg.agent_response_event.agent_response).toBe('The guild master is upstairs.');
    expect(reply.at - answeredAt).toBeGreaterThan(1000); // it waited for the client first
    expect(c.of('user_transcript')[0]!.msg.user_transcription_event.user_transcript).toBe(
      'where is the guild master',
    );
    c.close();
  });
});
