import { describe, it, expect } from 'vitest';
import { npcAgentToInitiation, npcAgentToOverride } from '../../plugin/phaser/overrides.js';
import { decodeClientFrame, encodeClientMessage } from '../../plugin/protocol/index.js';

describe('NPC agent config -> conversation_initiation_client_data', () => {
  it('maps every overridable field of the docs/design.md §3 table, and nothing else', () => {
    const init = npcAgentToInitiation({
      agent_id: 'agent_123',
      prompt: { text: 'You are Mira.', temperature: 0.7, max_tokens: 150 },
      first_message: 'Welcome, traveler!',
      language: 'en',
      voice: {
        voice_id: 'JBFqnCBsd6RMkjVDRZzb',
        model_id: 'eleven_turbo_v2_5',
        voice_settings: { stability: 0.5, similarity_boost: 0.75, style: 0.3, speed: 1.1 },
      },
      asr: { keywords: ['Mira', 'potion'] },
      dynamic_variables: { shop_name: "Mira's Wares", level: 3, open: true },
    });
    expect(init).toEqual({
      type: 'conversation_initiation_client_data',
      conversation_config_override: {
        agent: { prompt: { prompt: 'You are Mira.' }, first_message: 'Welcome, traveler!', language: 'en' },
        tts: { voice_id: 'JBFqnCBsd6RMkjVDRZzb', stability: 0.5, similarity_boost: 0.75, speed: 1.1 },
        asr: { keywords: ['Mira', 'potion'] },
      },
      dynamic_variables: { shop_name: "Mira's Wares", level: 3, open: true },
    });
    // temperature, max_tokens, model_id and style are agent configuration, not overrides.
    const wire = encodeClientMessage(init);
    for (const never of ['temperature', 'max_tokens', 'model_id', 'style', 'agent_id'])
      expect(wire).not.toContain(never);
    expect(decodeClientFrame(wire).ok).toBe(true);
  });

  it('omits sub-objects and fields that are not overridden (the service rejects unexpected overrides)', () => {
    expect(npcAgentToInitiation(undefined)).toEqual({ type: 'conversation_initiation_client_data' });
    expect(npcAgentToInitiation({})).toEqual({ type: 'conversation_initiation_client_data' });
    expect(
      npcAgentToInitiation({
        prompt: { text: '', temperature: 0.2 },
        language: '',
        voice: { voice_id: '', voice_settings: { style: 0.4 } },
        asr: { keywords: [] },
        dynamic_variables: {},
      }),
    ).toEqual({ type: 'conversation_initiation_client_data' });
    expect(npcAgentToOverride({ voice: { voice_settings: { stability: 0 } } })).toEqual({
      tts: { stability: 0 },
    });
  });

  it('sends only languages the service knows (an unknown code would close the socket)', () => {
    expect(npcAgentToOverride({ language: 'pt-br' })).toEqual({ agent: { language: 'pt-br' } });
    expect(npcAgentToOverride({ language: 'klingon' })).toBeUndefined();
    expect(npcAgentToOverride({ language: 'EN' })).toBeUndefined();
  });

  it('keeps an empty first_message: it means the player speaks first', () => {
    expect(npcAgentToOverride({ first_message: '' })).toEqual({ agent: { first_message: '' } });
  });

  it('does not share the NPC definition objects with the wire message', () => {
    const agent = { dynamic_variables: { gold: 5 }, asr: { keywords: ['a'] } };
    const init = npcAgentToInitiation(agent);
    init.dynamic_variables!.gold = 6;
    init.conversation_config_override!.asr!.keywords!.push('b');
    expect(agent).toEqual({ dynamic_variables: { gold: 5 }, asr: { keywords: ['a'] } });
  });
});
