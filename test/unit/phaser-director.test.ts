/**
 * The conversation director (plugin/phaser/director.ts) without Phaser: the one writer of each
 * NPC's conversation state, of the active NPC and of the microphone policy. Every collaborator is
 * a fake typed against the real interface (SessionLike, DirectedNpc, DirectedBubble, the parts of
 * AudioLink and SpeechInput it drives; see director-rig.ts), and what the director reports is read
 * from its events, in the order they arrive.
 */
import { describe, expect, it } from 'vitest';
import type { EndReason } from '../../plugin/protocol/index.js';
import type { NpcTalk } from '../../plugin/phaser/director-parts.js';
import { closedByGame, FakeNpc, FakeSession, FakeVoice, setup } from './director-rig.js';

/** Mira no longer the one talking: inactive, no NPC active, the mic and speech recognition released. */
const MIRA_LET_GO = [
  ['mira', 'active', false],
  ['active:change', null, 'mira'],
  ['mic', 0],
  ['speech', false, false, undefined],
];

describe('ConversationDirector: one owner of NPC conversation state, reporting through events', () => {
  it('walking up opens, activates and opens the mic; walking away releases it, then closes', () => {
    const { director, log, sessions } = setup();
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    director.frame(400, 0, 0); // far away: nothing happens
    expect(log).toEqual([]);

    director.frame(100, 0, 16);
    expect(log.splice(0)).toEqual([
      ['mira', 'state', 'connecting', 'idle'],
      ['mira', 'active', true],
      ['active:change', 'mira', null],
      // Not open yet: the microphone stays closed.
      ['mic', 0],
      ['speech', false, false, 'en'],
    ]);
    expect(director.active).toBe(mira);

    sessions[0]!.open('conv-1');
    expect(log.splice(0)).toEqual([
      ['mira', 'state', 'listening', 'connecting'],
      ['mic', 16000],
      ['speech', false, false, 'en'],
      ['mira', 'conversation:start', { conversationId: 'conv-1', prewarm: false }],
    ]);

    director.frame(400, 0, 32); // out of reach: the conversation lingers without the mic
    expect(log.splice(0)).toEqual([['mira', 'state', 'ready', 'listening'], ...MIRA_LET_GO]);
    expect(director.talk(mira)?.conversation).not.toBeNull();

    director.frame(400, 0, 32 + 1600); // past the linger time (1500 ms)
    expect(log.splice(0)).toEqual([
      ['mira', 'state', 'idle', 'ready'],
      ['mira', 'conversation:end', closedByGame],
    ]);
    expect(sessions[0]!.closed).toBe(true);
    expect(director.talk(mira)).toEqual(expect.objectContaining({ state: 'idle', conversation: null }));
    expect(director.talking.size).toBe(0);
  });

  it('microphone audio, typed and recognized words go to the active conversation only', () => {
    const { director, log, sessions } = setup();
    const mira = new FakeNpc('mira', 100);
    const bram = new FakeNpc('bram', 1000);
    director.add(mira);
    director.add(bram);
    expect(director.sendText(bram, 'hello?')).toBe(false); // nobody talks with Bram
    director.heard('hello?'); // nobody is active: the words go nowhere
    director.frame(100, 0, 0);
    sessions[0]!.open('conv-1');
    log.length = 0;
    director.micChunk(new Int16Array(320));
    expect(sessions[0]!.audioChunks).toBe(1);
    expect(director.sendText(mira, 'a potion please')).toBe(true);
    director.heard('and a lantern');
    expect(sessions[0]!.texts).toEqual(['a potion please', 'and a lantern']);
    expect(log).toEqual([
      ['player:said', 'a potion please'],
      ['player:said', 'and a lantern'],
    ]);
  });

  it('an idle end keeps the NPC active; the next typed line opens a new conversation without a greeting', () => {
    const seen: boolean[] = [];
    const { director, log, sessions, talkingToMira } = setup({
      createSession: (options) => {
        // The override that skips the greeting is sent only to the local agent, as here.
        seen.push(options.initiation?.conversation_config_override?.agent?.first_message === '');
        const s = new FakeSession();
        sessions.push(s);
        return s;
      },
    });
    const { mira } = talkingToMira();
    const idle: EndReason = {
      kind: 'error',
      code: 1000,
      error: 'operational',
      errorType: 'transport_receive_timeout',
      reason: 'No user input',
      message: 'No user input',
    };
    sessions[0]!.end(idle);
    expect(log.splice(0)).toEqual([
      ['mira', 'state', 'idle', 'listening'],
      // Nothing to talk to until the player wakes her: the mic closes (the recording light goes off).
      ['mic', 0],
      ['speech', false, false, 'en'],
      ['mira', 'conversation:end', idle],
    ]);
    expect(director.active).toBe(mira); // no error, no 'active' false: the player is still there

    expect(director.sendText(mira, 'are you there?')).toBe(true); // held until the new one opens
    expect(seen).toEqual([false, true]);
    expect(log.splice(0)).toEqual([
      ['mira', 'state', 'connecting', 'idle'],
      // The session reports connecting: the mic policy looks again (still nothing to open).
      ['mic', 0],
      ['speech', false, false, 'en'],
      ['player:said', 'are you there?'],
    ]);
    sessions[1]!.open('conv-2');
    expect(sessions[1]!.texts).toEqual(['are you there?']);
  });

  it('a session for a real agent (no overrides allowed) reconnects without asking it to skip its greeting', () => {
    const options: { reconnect?: unknown; override?: unknown }[] = [];
    const { director } = setup({
      brokerUrl: 'https://game.example/voice-agents/signed-url',
      createSession: (o) => {
        options.push({ reconnect: o.reconnect, override: o.initiation?.conversation_config_override });
        return new FakeSession();
      },
    });
    const real = new FakeNpc('mira', 100);
    real.setDefinition({
      ...real.definition,
      agent: { ...real.definition.agent, agent_id: 'agent_mira_live' },
    });
    director.add(real);
    director.frame(100, 0, 0);
    expect(options).toEqual([{ reconnect: { replayGreeting: true }, override: undefined }]);
  });

  it('an error end deactivates the NPC and reports the reason as the NPC error', () => {
    const { log, talkingToMira } = setup();
    const { session } = talkingToMira();
    const lost: EndReason = {
      kind: 'error',
      code: 1011,
      error: 'connection',
      reason: 'gone',
      message: 'The agent went away',
    };
    session.end(lost);
    expect(log).toEqual([
      ...MIRA_LET_GO,
      ['mira', 'state', 'idle', 'listening'],
      ['mira', 'conversation:end', lost],
      ['mira', 'error', { kind: 'ended', message: 'The agent went away', reason: lost }],
    ]);
  });

  it('an NPC the configuration cannot reach reports a config error and stays idle', () => {
    const { director, log } = setup({ localAgentUrl: null });
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    director.frame(100, 0, 0);
    // Once for the open and once for the activation that tries again, as before the director.
    expect(log.map((e) => e.slice(0, 2))).toEqual([
      ['mira', 'error'],
      ['mira', 'error'],
    ]);
    expect(log[0]![2]).toMatchObject({ kind: 'config', message: expect.stringContaining('has no agent') });
    expect(director.talk(mira)?.state).toBe('idle');
    expect(director.active).toBeNull();
  });

  it('push-to-talk makes the browser recognizer live only while held, in the NPC language', () => {
    const { director, log, talkingToMira } = setup({ speechRecognition: 'browser' });
    talkingToMira();
    director.pushToTalk(true);
    director.pushToTalk(false);
    expect(log).toEqual([
      ['mic', 16000],
      ['speech', true, true, 'en'],
      ['mic', 16000],
      ['speech', true, false, 'en'],
    ]);
  });

  it('a paused or sleeping scene closes the mic; running again opens it for the conversation still there', () => {
    const talked: boolean[] = [];
    const { director, log, audio, talkingToMira } = setup();
    audio.talk = (down) => talked.push(down);
    talkingToMira();
    director.pushToTalk(true); // held as the menu opens; Phaser drops the key without a key-up
    log.length = 0;
    director.setRunning(false);
    director.setRunning(false); // a second pause changes nothing
    director.setRunning(true);
    expect(log).toEqual([
      ['mic', 0],
      ['speech', false, false, 'en'],
      ['mic', 16000],
      ['speech', false, false, 'en'],
    ]);
    expect(talked).toEqual([true, false]); // released by the pause, not held again after it
  });

  it('push-to-talk held when the scene stops is not held in the restarted scene', () => {
    const { director, log, talkingToMira } = setup({ speechRecognition: 'browser' });
    talkingToMira();
    director.pushToTalk(true); // the key is down as the scene restarts (its key-up never comes)
    director.stop();
    director.start();
    talkingToMira();
    director.setMicMode('push-to-talk');
    expect(log).toEqual([
      ['mic', 16000],
      ['speech', true, false, 'en'],
    ]);
  });

  it('detach ends the conversation, releases the mic, and reports the NPC gone with its bubble', () => {
    const { director, log, talkingToMira } = setup();
    const { mira } = talkingToMira();
    director.detach(mira);
    expect(log).toEqual([
      ...MIRA_LET_GO,
      ['mira', 'state', 'idle', 'listening'],
      ['mira', 'conversation:end', closedByGame],
      ['detached', 'mira', true],
    ]);
    expect(director.talk(mira)).toBeUndefined();
    expect(director.npc('mira')).toBeUndefined();
    director.detach(mira); // twice: nothing more
    expect(log).toHaveLength(7);
  });

  it('a detach from a listener of the last events of a detaching NPC changes nothing more', () => {
    const { director, sessions } = setup();
    const mira = new FakeNpc('mira', 100);
    const bram = new FakeNpc('bram', 1000);
    director.add(mira);
    director.add(bram);
    director.frame(100, 0, 0);
    sessions[0]!.open('conv-1');
    let ends = 0;
    director.on('npc', (npc, ...[event]) => {
      if (npc === mira && event === 'conversation:end') {
        ends++;
        director.detach(mira); // game code reacting to the end (or the sprite destroyed by it)
      }
    });
    director.detach(mira);
    expect(ends).toBe(1);
    // Bram is still tracked where he walks to (a second removal would have unlisted him).
    bram.gameObject.x = 500;
    director.frame(500, 0, 16);
    expect(director.active).toBe(bram);
  });

  it('the scene stopping ends every conversation and keeps the microphone shut until it starts again', () => {
    const { director, log, sessions } = setup();
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    director.frame(100, 0, 0);
    director.stop();
    expect(log.filter((e) => e[0] === 'mic')).toEqual([
      ['mic', 0],
      ['mic', 0],
    ]);
    expect(director.npcs).toEqual([]);
    expect(sessions[0]!.closed).toBe(true);
    // Open after the stop (a late socket): the director no longer has it, nothing is reported.
    log.length = 0;
    sessions[0]!.open('late');
    expect(log).toEqual([]);
  });

  it('facts reach NPCs attached before and after; a hot reload restyles the bubble and waits for the next conversation', () => {
    const { director, sessions, bubbles } = setup();
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    director.setFact('gate_open', true);
    const bram = new FakeNpc('bram', 1000);
    director.add(bram);
    expect([mira.facts.get('gate_open'), bram.facts.get('gate_open')]).toEqual([true, true]);

    director.frame(100, 0, 0);
    sessions[0]!.open('conv-1');
    const wider = { ...mira.definition, bubble: { max_width: 320 } };
    expect(director.updateNpc(wider)).toBe(true);
    expect(mira.definition).toBe(wider);
    expect(bubbles[0]!.style?.maxWidth).toBe(320);
    expect(director.talk(mira)?.pendingReload).toBe(true);
    expect(director.updateNpc({ ...wider, id: 'nobody' })).toBe(false);
  });

  it("a game's mouth callback that throws is reported once as the NPC's error, and the frames go on", () => {
    const { director, log, audio, talkingToMira } = setup();
    const voice = new FakeVoice();
    audio.createVoice = () => voice;
    const { mira } = talkingToMira();
    mira.mouth = () => {
      throw new Error('no such sprite frame');
    };
    voice.level = 0.4;
    voice.fire('speaking', 1);
    for (let f = 1; f <= 5; f++) expect(() => director.frame(100, 0, f * 16)).not.toThrow();
    const errors = log.filter((e) => e[1] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]![2]).toMatchObject({
      kind: 'callback',
      message: expect.stringContaining('onMouth threw (no such sprite frame)'),
    });
  });

  it('refuses a second NPC with the same id or on the same object', () => {
    const { director } = setup();
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    expect(() => director.add(new FakeNpc('mira', 5))).toThrow(
      'NPC "mira" is already attached in this scene',
    );
    expect(() => director.add(new FakeNpc('bram', 5, mira.gameObject))).toThrow(
      'This game object already has NPC "mira"',
    );
  });

  it('what others read of an NPC has no setters (tsc checks the @ts-expect-error lines)', () => {
    const { director } = setup();
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    const view: NpcTalk = { ...director.talk(mira)! };
    // @ts-expect-error the NpcTalk view has no setter: the director is the one writer
    view.state = 'speaking';
    // @ts-expect-error nor can the conversation be swapped from outside
    view.conversation = null;
    expect(director.talk(mira)?.state).toBe('idle');
  });
});
