/**
 * The official @elevenlabs/client (text-only: its voice path needs a browser) against the local
 * agent: it must not be able to tell it from the real service. Node 20 has no global WebSocket, so
 * `ws` stands in (docs/convai-protocol.md §10).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { TEST_NPC } from '../../harness/npcs.js';
import { until as untilTrue } from '../../harness/poll.js';

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let agent: LocalAgent;
const hadWebSocket = 'WebSocket' in globalThis;
const previous = (globalThis as { WebSocket?: unknown }).WebSocket;

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  agent = await createLocalAgent({ npcs: [TEST_NPC], recognizer: 'none', llm: false });
}, 60_000);
afterAll(async () => {
  await agent.close();
  if (hadWebSocket) (globalThis as { WebSocket?: unknown }).WebSocket = previous;
  else delete (globalThis as { WebSocket?: unknown }).WebSocket;
});

const until = (condition: () => boolean) => untilTrue(condition, { timeout: 8000, interval: 10 });

describe('official @elevenlabs/client against the local agent', () => {
  it('starts a session, receives the greeting, answers a typed question and runs a client tool', async () => {
    const { Conversation } = await import('@elevenlabs/client');
    const messages: { source: string; message: string; event_id?: number }[] = [];
    const errors: unknown[] = [];
    const toolCalls: unknown[] = [];
    let disconnect: { reason: string } | null = null;
    const conversation = await Conversation.startSession({
      agentId: 'tess',
      textOnly: true,
      connectionType: 'websocket',
      origin: agent.url,
      onMessage: (m: { source: string; message: string; event_id?: number }) => messages.push(m),
      onError: (e: unknown) => errors.push(e),
      onDisconnect: (d: { reason: string }) => {
        disconnect = d;
      },
      clientTools: {
        check_gold: async (params: unknown) => {
          toolCalls.push(params);
          return '42';
        },
      },
    } as Parameters<typeof Conversation.startSession>[0]);
    expect(conversation.getId()).toMatch(/^conv_/);
    await until(() => messages.length >= 1);
    expect(messages[0]).toMatchObject({ source: 'ai', message: TEST_NPC.agent.first_message, event_id: 1 });

    conversation.sendUserMessage('how much gold is in my purse?');
    await until(() => messages.some((m) => m.message === 'You have 42 gold.'));
    expect(toolCalls).toEqual([{ currency: 'gold' }]);
    expect(errors).toEqual([]);
    await conversation.endSession();
    await until(() => disconnect !== null);
    expect(disconnect).toMatchObject({ reason: 'user' });
  });

  it('surfaces a refused conversation (missing dynamic variable) as the real service would', async () => {
    const { Conversation } = await import('@elevenlabs/client');
    await expect(
      Conversation.startSession({
        agentId: 'tess',
        textOnly: true,
        connectionType: 'websocket',
        origin: agent.url,
        overrides: { agent: { firstMessage: 'Hi {{player_name}}' } },
      } as Parameters<typeof Conversation.startSession>[0]),
    ).rejects.toMatchObject({ closeCode: 1008 });
  });
});
