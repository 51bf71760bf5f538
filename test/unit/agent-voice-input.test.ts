/**
 * What a conversation does with the recognizer's answers, with a scripted recognizer (no
 * pocketsphinx needed): an overloaded recognizer gets an honest "say it again" instead of a long
 * wait, a superseded utterance gets no answer of its own, and a player who leaves has every
 * utterance of theirs cancelled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { BUSY_LINE } from '../../plugin/server/agent/conversation.js';
import type { RecognitionDeclined, Recognizer } from '../../plugin/server/speech/recognizer.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC, chunks20ms, silence } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';
import { until as untilTrue } from '../helpers/poll.js';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

interface Call {
  owner: object | undefined;
  finished: boolean;
  cancelled: boolean;
  answer(r: string | RecognitionDeclined): void;
}

/** A recognizer whose every utterance waits for the test to answer it. */
function scripted(): Recognizer & { calls: Call[]; prepared: number } {
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
      const call: Call = { owner: options?.owner, finished: false, cancelled: false, answer };
      calls.push(call);
      return {
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

const until = (condition: () => boolean) => untilTrue(condition, { timeout: 8000, interval: 10 });

/** One spoken turn: voice, then enough silence for the turn detector to end it. */
function speak(c: ScriptedClient, text = 'do you sell healing potions'): void {
  for (const chunk of chunks20ms(speechLike(text))) c.sendAudio(chunk);
  for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
}

describe('spoken turns and the recognizer', () => {
  let agent: LocalAgent | null = null;
  afterEach(async () => {
    await agent?.close();
    agent = null;
  });

  async function start(recognizer: Recognizer): Promise<ScriptedClient> {
    agent = await createLocalAgent({ npcs: [QUIET_NPC], recognizer, llm: false, speechEngine: 'babble' });
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    return c;
  }

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
    expect(agent!.handler.metrics.spokenTurns).toEqual({ decoded: 0, declined: 1 });
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
    expect(agent!.handler.metrics.spokenTurns).toEqual({ decoded: 1, declined: 0 });
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
