import { describe, expect, it } from 'vitest';
import { endpointFor, withServedEndpoints } from '../../plugin/phaser/config.js';
import type { NpcDefinition } from '../../plugin/npc/types.js';

const local = { id: 'mira', name: 'Mira' } as NpcDefinition;
const real = { id: 'brenna', name: 'Brenna', agent: { agent_id: 'agent_123' } } as NpcDefinition;
const served = { broker: '/voice-agents/signed-url', localAgent: '/v1/convai/conversation' };

describe('connecting with no URL in the game code (the Vite plugin serves the endpoints)', () => {
  it('an NPC without an agent_id talks to the local agent on the page’s own origin', () => {
    const c = withServedEndpoints({}, served, 'http://localhost:5173/index.html');
    expect(endpointFor(local, c)).toEqual({
      kind: 'url',
      url: 'ws://localhost:5173/v1/convai/conversation?agent_id=mira',
    });
  });

  it('a page served over https connects with wss, and an agent_id goes through the broker', () => {
    const c = withServedEndpoints({}, served, 'https://game.example/play/');
    expect(endpointFor(local, c)).toMatchObject({
      url: 'wss://game.example/v1/convai/conversation?agent_id=mira',
    });
    expect(endpointFor(real, c)).toEqual({
      kind: 'broker',
      brokerUrl: 'https://game.example/voice-agents/signed-url',
      agentId: 'agent_123',
      npcId: 'brenna',
    });
  });

  it('explicit URLs win, null opts out, and without the Vite plugin nothing is invented', () => {
    const page = 'http://localhost:5173/';
    const own = withServedEndpoints({ localAgentUrl: 'ws://localhost:8787' }, served, page);
    expect(endpointFor(local, own)).toMatchObject({
      url: 'ws://localhost:8787/v1/convai/conversation?agent_id=mira',
    });
    const publicAgents = withServedEndpoints({ brokerUrl: null }, served, page);
    expect(endpointFor(real, publicAgents)).toEqual({
      kind: 'agent',
      agentId: 'agent_123',
      region: 'global',
    });
    expect(endpointFor(local, withServedEndpoints({}, undefined, page))).toMatch(/has no agent/);
    expect(endpointFor(local, withServedEndpoints({}, served, undefined))).toMatch(/has no agent/);
    // A dev server without an API key mounts no broker: real agents connect directly (public agents).
    const noBroker = withServedEndpoints({}, { broker: null, localAgent: served.localAgent }, page);
    expect(endpointFor(real, noBroker)).toMatchObject({ kind: 'agent' });
  });
});
