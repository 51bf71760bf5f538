/**
 * Conformance of the local agent with the ConvAI protocol, driven by a scripted client over a real
 * socket; every frame is checked by the protocol decoder: the handshake, the greeting and turns,
 * listening and barge-in. agent-protocol-limits.test.ts: keep-alive, limits, bad input, HTTP.
 */
import { describe, expect, it, vi } from 'vitest';
import { ulawToInt16 } from '../../plugin/protocol/index.js';
import type { LocalAgentHealth } from '../../plugin/server/agent/options.js';
import { agentFixture, ScriptedClient, frameSamples, INIT } from './agent-harness.js';
import { TEST_NPC } from '../../harness/npcs.js';
import { PROTOCOL_AGENT, silence, click, chunks20ms } from './agent-fixtures.js';
import { speechLike } from '../../harness/speech.js';

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const local = agentFixture(PROTOCOL_AGENT);
const connect = local.connect;

describe('handshake', () => {
  it('selects the convai sub-protocol, ignores bearer.*, and sends metadata first then a gap', async () => {
    const c = await connect(local.agent.url, 'tess', { protocols: ['convai', 'bearer.secret-token'] });
    expect(c.ws.protocol).toBe('convai');
    const meta = await c.waitType('conversation_initiation_metadata');
    expect(c.frames[0]).toBe(meta);
    expect(meta.msg.conversation_initiation_metadata_event.conversation_id).toMatch(/^conv_[a-z0-9]{26}$/);
    expect(meta.msg.conversation_initiation_metadata_event.agent_output_audio_format).toBe('pcm_16000');
    expect(meta.msg.conversation_initiation_metadata_event.user_input_audio_format).toBe('pcm_16000');
    const gap = async (client: ScriptedClient): Promise<number> => {
      const m = await client.waitType('conversation_initiation_metadata');
      return (await client.waitFor((f) => f !== m)).at - m.at;
    };
    // Client and server share this process: a busy moment can deliver both frames in one read.
    // A server without the gap fails every attempt; one with it passes at least one.
    const gaps = [await gap(c)];
    while (gaps.length < 3 && Math.max(...gaps) < 45)
      gaps.push(await gap(await connect(local.agent.url, 'tess')));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(45);
  });

  it('accepts a client that offers no sub-protocol (Python)', async () => {
    const c = await connect(local.agent.url, 'tess', { protocols: [] });
    expect(c.ws.protocol).toBe('');
    await c.waitType('conversation_initiation_metadata');
  });

  it('tells the client that spoken input is unavailable offline, without inventing a transcript', async () => {
    const c = await connect(local.agent.url, 'quiet');
    const notice = await c.waitType('local_agent_notice');
    expect(notice.raw).toContain('asr_unavailable');
    const health: LocalAgentHealth = await (await fetch(`${local.agent.httpUrl}/voice-agents/health`)).json();
    expect(health.recognizer.available).toBe(false);
  });
});

describe('greeting and turns', () => {
  it('greets with agent_response and 20-100 ms audio frames whose alignment spells the greeting', async () => {
    const c = await connect(local.agent.url, 'tess');
    const response = await c.waitType('agent_response');
    expect(response.msg.agent_response_event.agent_response).toBe(TEST_NPC.agent.first_message);
    const id = response.msg.agent_response_event.event_id;
    expect(id).toBe(1);
    await c.audioText(id, TEST_NPC.agent.first_message!);
    const frames = c.of('audio');
    expect(frames.length).toBeGreaterThan(10);
    for (const f of frames) {
      expect(f.msg.audio_event.event_id).toBe(id);
      const ms = frameSamples(f) / 16;
      expect(ms).toBeLessThanOrEqual(100);
      if (f !== frames.at(-1)) expect(ms).toBeGreaterThanOrEqual(20);
      const a = f.msg.audio_event.alignment!;
      expect(a.chars.length).toBe(a.char_start_times_ms.length);
      expect(a.chars.length).toBe(a.char_durations_ms.length);
    }
    // Paced at real time (plus a small lead), not dumped at once: a barge-in must be able to stop it.
    const spanMs = frames.at(-1)!.at - frames[0]!.at;
    const audioMs = frames.reduce((n, f) => n + frameSamples(f) / 16, 0);
    expect(spanMs).toBeGreaterThan(audioMs - 400);
  });

  it('answers a typed question with the matching reply, a new event id, and the most specific phrase', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'user_message', text: 'Do you sell healing potions?' });
    const r = await c.waitType('agent_response');
    expect(r.msg.agent_response_event.agent_response).toBe('Healing potions are twenty gold each.');
    await c.audioText(r.msg.agent_response_event.event_id, 'Healing potions are twenty gold each.');
    const n = c.frames.length;
    c.send({ type: 'user_message', text: 'Where is the guild master?' });
    const r2 = await c.waitType('agent_response', 8000, n);
    expect(r2.msg.agent_response_event.agent_response).toBe('The guild master is upstairs.');
    expect(r2.msg.agent_response_event.event_id).toBeGreaterThan(r.msg.agent_response_event.event_id);
    const n2 = c.frames.length;
    c.send({ type: 'user_message', text: 'Tell me a joke' });
    const r3 = await c.waitType('agent_response', 8000, n2);
    expect(r3.msg.agent_response_event.agent_response).toBe(TEST_NPC.local.fallback);
  });

  it('honours overrides: first message with dynamic variables, voice, output format', async () => {
    const c = await connect(local.agent.url, 'tess', {
      query: '&output_format=pcm_24000',
      init: {
        ...INIT,
        conversation_config_override: {
          agent: { first_message: 'Hi {{player_name}}!' },
          tts: { voice_id: 'en+m1' },
          conversation: {},
        },
        dynamic_variables: { player_name: 'Ann' },
      },
    });
    const meta = await c.waitType('conversation_initiation_metadata');
    expect(meta.msg.conversation_initiation_metadata_event.agent_output_audio_format).toBe('pcm_24000');
    const r = await c.waitType('agent_response');
    expect(r.msg.agent_response_event.agent_response).toBe('Hi Ann!');
    await c.audioText(r.msg.agent_response_event.event_id, 'Hi Ann!');
    const samples = c.of('audio').reduce((n, f) => n + frameSamples(f), 0);
    // Same line, default voice: a different voice gives different audio.
    const d = await connect(local.agent.url, 'tess', {
      init: {
        ...INIT,
        conversation_config_override: { agent: { first_message: 'Hi {{player_name}}!' } },
        dynamic_variables: { player_name: 'Ann' },
      },
    });
    await d.audioText(1, 'Hi Ann!');
    const a1 = c
      .of('audio')
      .map((f) => f.msg.audio_event.audio_base_64)
      .join('');
    const a2 = d
      .of('audio')
      .map((f) => f.msg.audio_event.audio_base_64)
      .join('');
    expect(a1).not.toBe(a2);
    // 24 kHz: about 1.5x the samples of the 16 kHz rendering of similar length.
    const samples16 = d.of('audio').reduce((n, f) => n + frameSamples(f), 0);
    expect(samples / samples16).toBeGreaterThan(1.2);
  });

  it('refuses a conversation whose first message needs a missing dynamic variable (1008)', async () => {
    const c = await connect(local.agent.url, 'tess', {
      init: { ...INIT, conversation_config_override: { agent: { first_message: 'Hi {{player_name}}!' } } },
    });
    const err = await c.waitType('error');
    expect(err.msg.error_event?.error_type).toBe('missing_dynamic_variable');
    expect((await c.closed).code).toBe(1008);
  });

  it('speaks μ-law at 8 kHz when asked', async () => {
    const c = await connect(local.agent.url, 'tess', { query: '&output_format=ulaw_8000' });
    const meta = await c.waitType('conversation_initiation_metadata');
    expect(meta.msg.conversation_initiation_metadata_event.agent_output_audio_format).toBe('ulaw_8000');
    const f = await c.waitType('audio');
    const bytes = Buffer.from(f.msg.audio_event.audio_base_64, 'base64').length;
    // One byte per sample at 8 kHz: a 20-100 ms frame is 160-800 bytes (PCM16 would be twice that).
    expect(bytes).toBeGreaterThanOrEqual(160);
    expect(bytes).toBeLessThanOrEqual(800);
    // Decoded as μ-law it is audible speech, and its alignment fits the frame's 8 kHz duration.
    const pcm = ulawToInt16(Buffer.from(f.msg.audio_event.audio_base_64, 'base64'));
    expect(Math.sqrt(pcm.reduce((n, v) => n + v * v, 0) / pcm.length)).toBeGreaterThan(300);
    for (const t of f.msg.audio_event.alignment!.char_start_times_ms)
      expect(t).toBeLessThanOrEqual(bytes / 8);
  });

  it('lets contextual updates (latest per context_id) and tool results reach the replies', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    // Before the game sent any news, the placeholder is not read aloud.
    c.send({ type: 'user_message', text: 'any news?' });
    const before = await c.waitType('agent_response');
    expect(before.msg.agent_response_event.agent_response).toBe('Latest news:');
    c.send({ type: 'contextual_update', text: 'The bridge is out.', context_id: 'news' });
    c.send({ type: 'contextual_update', text: 'The dragon was seen.', context_id: 'news' });
    const m = c.frames.length;
    c.send({ type: 'user_message', text: 'any news?' });
    const r = await c.waitType('agent_response', 8000, m);
    expect(r.msg.agent_response_event.agent_response).toBe('Latest news: The dragon was seen.');

    const n = c.frames.length;
    c.send({ type: 'user_message', text: 'how much gold is in my purse' });
    const call = await c.waitType('client_tool_call', 8000, n);
    expect(call.msg.client_tool_call).toMatchObject({
      tool_name: 'check_gold',
      parameters: { currency: 'gold' },
      expects_response: true,
    });
    // The agent waits for the result before answering.
    expect(c.frames.slice(n).some((f) => f.msg.type === 'agent_response')).toBe(false);
    c.send({
      type: 'client_tool_result',
      tool_call_id: call.msg.client_tool_call.tool_call_id,
      result: '42',
      is_error: false,
    });
    const answer = await c.waitType('agent_response', 8000, n);
    expect(answer.msg.agent_response_event.agent_response).toBe('You have 42 gold.');
    expect(answer.msg.agent_response_event.event_id).toBeGreaterThan(call.msg.client_tool_call.event_id);
  });

  it('never reads a failed tool aloud: an error result leaves its {{tool.…}} out', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'user_message', text: 'how much gold is in my purse' });
    const call = await c.waitType('client_tool_call');
    // What the official client answers for a tool the game did not register.
    c.send({
      type: 'client_tool_result',
      tool_call_id: call.msg.client_tool_call.tool_call_id,
      result: 'Client tool with name check_gold is not defined on client',
      is_error: true,
    });
    const answer = await c.waitType('agent_response');
    expect(answer.msg.agent_response_event.agent_response).toBe('You have gold.');
  });

  it('sends a fire-and-forget tool call with expects_response false', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'user_message', text: 'bye then' });
    const call = await c.waitType('client_tool_call');
    expect(call.msg.client_tool_call.tool_name).toBe('wave_goodbye');
    expect(call.msg.client_tool_call.expects_response).toBe(false);
    const r = await c.waitType('agent_response');
    expect(r.msg.agent_response_event.agent_response).toBe('Safe travels!');
  });
});

describe('listening and barge-in', () => {
  it('treats player speech during the greeting as a barge-in with ids that satisfy every client', async () => {
    const c = await connect(local.agent.url, 'tess');
    const greeting = await c.waitType('agent_response');
    const gid = greeting.msg.agent_response_event.event_id;
    await c.waitFor((f) => c.of('audio').length >= 8 && f.msg.type === 'audio');
    for (const chunk of chunks20ms(speechLike('wait wait, a question'))) c.sendAudio(chunk);
    const interruption = await c.waitType('interruption');
    const iid = interruption.msg.interruption_event.event_id;
    expect(iid).toBeGreaterThan(gid); // JS/Unity drop E < N, Python drops E <= N: all drop the greeting
    const correction = await c.waitType('agent_response_correction');
    const ev = correction.msg.agent_response_correction_event;
    expect(ev.event_id).toBe(gid);
    expect(ev.original_agent_response).toBe(TEST_NPC.agent.first_message);
    expect(ev.corrected_agent_response.length).toBeGreaterThan(0);
    expect(ev.corrected_agent_response.length).toBeLessThan(ev.original_agent_response.length);
    expect(ev.original_agent_response.startsWith(ev.corrected_agent_response)).toBe(true);
    // What the correction claims was heard matches the alignment actually sent, to a word or so.
    const sentText = c
      .of('audio')
      .filter((f) => f.at <= interruption.at)
      .map((f) => f.msg.audio_event.alignment!.chars.join(''))
      .join('');
    expect(sentText.length).toBeGreaterThanOrEqual(ev.corrected_agent_response.length - 12);
    // No greeting audio after the interruption.
    const idx = c.frames.indexOf(interruption);
    for (const f of c.of('audio').filter((a) => c.frames.indexOf(a) > idx))
      expect(f.msg.audio_event.event_id).toBeGreaterThan(iid);
    // End of the spoken turn (no recognizer here): the NPC says so plainly and never fakes a transcript.
    for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
    const reply = await c.waitFor((f) => f.msg.type === 'agent_response' && f !== greeting);
    const r = reply.msg as Extract<typeof reply.msg, { type: 'agent_response' }>;
    expect(r.agent_response_event.agent_response).toMatch(/type/i);
    expect(r.agent_response_event.event_id).toBeGreaterThan(iid);
    expect(c.of('user_transcript')).toEqual([]);
    expect(c.of('tentative_user_transcript')).toEqual([]);
  });

  it('does not take a click or a cough as a turn', async () => {
    const c = await connect(local.agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    for (const chunk of chunks20ms(click())) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(1200))) c.sendAudio(chunk);
    // A real utterance afterwards is a turn, which proves the stream was being listened to.
    for (const chunk of chunks20ms(speechLike('hello there'))) c.sendAudio(chunk);
    for (const chunk of chunks20ms(silence(900))) c.sendAudio(chunk);
    await c.waitType('agent_response');
    expect(c.of('agent_response')).toHaveLength(1);
  });

  it('stops the current reply when a new typed message arrives', async () => {
    const c = await connect(local.agent.url, 'tess');
    const g = await c.waitType('agent_response');
    await c.waitType('audio');
    c.send({ type: 'user_message', text: 'healing potion' });
    const i = await c.waitType('interruption');
    const r = await c.waitTypeWhere('agent_response', (f) => f !== g);
    const id = r.msg.agent_response_event.event_id;
    expect(id).toBeGreaterThan(i.msg.interruption_event.event_id);
    expect(id).toBeGreaterThan(g.msg.agent_response_event.event_id);
  });
});
