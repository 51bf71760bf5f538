/**
 * The LLM brain against a local fake of an OpenAI-compatible endpoint (a real http server on port 0
 * streaming server-sent events): prompt, context and variables reach it, and the reply is spoken
 * sentence by sentence while it is still streaming.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalAgent, type LocalAgent } from '../../plugin/server/agent/index.js';
import { llmConfigFromEnv } from '../../plugin/server/agent/llm.js';
import { ScriptedClient } from './agent-harness.js';
import { QUIET_NPC } from './agent-fixtures.js';

// Each file starts real agents (speech engines warm up at boot): generous limits for a busy CI machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

interface Request {
  headers: Record<string, string | string[] | undefined>;
  body: { model: string; stream: boolean; messages: { role: string; content: string }[] };
}

let fake: Server;
let baseUrl: string;
const requests: Request[] = [];
/** The test releases the second half of the streamed answer. */
let release: () => void = () => {};
let mode: 'ok' | 'fail' = 'ok';
const logLines: string[] = [];

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: JSON.parse(raw) });
      if (req.url !== '/v1/chat/completions' || mode === 'fail') {
        // An upstream that quotes the request's key in its error body, as some do.
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(`{"error":"model overloaded","auth":${JSON.stringify(req.headers.authorization ?? '')}}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const delta = (text: string): void => {
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`);
      };
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { role: 'assistant' } }] })}\n\n`);
      delta('Ah, the ');
      delta('dragon! ');
      delta('It sleeps ');
      release = () => {
        delta('under the hill. ');
        delta('Do not wake it.');
        res.write('data: [DONE]\n\n');
        res.end();
      };
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  baseUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
}, 60_000);
afterAll(async () => {
  release();
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
});

describe('LLM brain (OpenAI-compatible, streamed)', () => {
  let agent: LocalAgent;
  beforeAll(async () => {
    agent = await createLocalAgent({
      npcs: [{ ...QUIET_NPC, agent: { ...QUIET_NPC.agent, first_message: 'Hello {{player_name}}.' } }],
      recognizer: 'none',
      llm: { baseUrl, model: 'fake-model', apiKey: 'sk-test' },
      log: (line) => void logLines.push(line),
    });
  }, 60_000);
  afterAll(() => agent.close());

  it('sends the NPC prompt, context and variables, and speaks the first sentence before the stream ends', async () => {
    const c = await ScriptedClient.connect(agent.url, 'quiet', {
      init: {
        type: 'conversation_initiation_client_data',
        conversation_config_override: {
          agent: { prompt: { prompt: 'You are Tess of {{town}}, a dragon expert.' } },
        },
        dynamic_variables: { player_name: 'Ann' },
      },
    });
    const greeting = await c.waitType('agent_response');
    expect(greeting.msg.agent_response_event.agent_response).toBe('Hello Ann.');
    c.send({ type: 'contextual_update', text: 'The player carries a torch.', context_id: 'inventory' });
    c.send({ type: 'user_message', text: 'Tell me about the dragon' });

    // Audio of the reply arrives while the model is still generating.
    const firstAudio = await c.waitTypeWhere('audio', (f) => f.msg.audio_event.event_id > 1);
    const replyId = firstAudio.msg.audio_event.event_id;
    expect(c.of('agent_response')).toHaveLength(1);
    release();
    const r = await c.waitTypeWhere('agent_response', (f) => f !== greeting);
    const full = 'Ah, the dragon! It sleeps under the hill. Do not wake it.';
    expect(r.msg.agent_response_event).toEqual({ agent_response: full, event_id: replyId });
    await c.audioText(replyId, full);

    const req = requests.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('fake-model');
    expect(req.body.stream).toBe(true);
    const system = req.body.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('You are Tess of Testbury, a dragon expert.');
    expect(system.content).toContain('The player carries a torch.');
    expect(system.content).toContain('player_name = Ann');
    // The question may have cut the greeting short: the history then holds what was heard.
    const correction = c
      .of('agent_response_correction')
      .find((f) => f.msg.agent_response_correction_event.event_id === 1);
    const heardGreeting = correction
      ? correction.msg.agent_response_correction_event.corrected_agent_response
      : 'Hello Ann.';
    // (A greeting cut off before its first word leaves nothing worth sending.)
    expect(req.body.messages.slice(1)).toEqual([
      ...(heardGreeting ? [{ role: 'assistant', content: heardGreeting }] : []),
      { role: 'user', content: 'Tell me about the dragon' },
    ]);
    c.close();
  });

  it('ends the conversation with llm_error and 1002 when the endpoint fails', async () => {
    mode = 'fail';
    try {
      const c = await ScriptedClient.connect(agent.url, 'quiet', {
        init: { type: 'conversation_initiation_client_data', dynamic_variables: { player_name: 'Bo' } },
      });
      await c.waitType('agent_response');
      c.send({ type: 'user_message', text: 'hello?' });
      const err = await c.waitType('error');
      expect(err.msg.error_event).toMatchObject({ code: 1002, error_type: 'llm_error' });
      expect(err.msg.error_event?.message).toContain('HTTP 500');
      // The upstream body (and the key it quotes) stays in the developer's log.
      expect(c.frames.map((f) => f.raw).join('\n')).not.toContain('overloaded');
      expect(c.frames.map((f) => f.raw).join('\n')).not.toContain('sk-test');
      expect(logLines.some((l) => l.includes('model overloaded'))).toBe(true);
      expect((await c.closed).code).toBe(1002);
    } finally {
      mode = 'ok';
    }
  });

  it('reads its configuration from the environment', () => {
    expect(llmConfigFromEnv({})).toBeUndefined();
    expect(
      llmConfigFromEnv({
        VOICE_AGENTS_LLM_BASE_URL: 'http://localhost:11434/v1',
        VOICE_AGENTS_LLM_MODEL: 'llama3',
        VOICE_AGENTS_LLM_API_KEY: 'k',
      }),
    ).toEqual({ baseUrl: 'http://localhost:11434/v1', model: 'llama3', apiKey: 'k' });
  });
});

// A slow local model (Ollama or llama.cpp on a CPU) streams for longer than the timeout as a whole:
// the timeout is for an answer that does not come or a stream that stops, not for a long answer.
describe('LLM brain timeout', () => {
  let slow: Server;
  let agent: LocalAgent;
  let stall = false;
  beforeAll(async () => {
    slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = ['The ', 'road ', 'north ', 'is ', 'long ', 'and ', 'cold.'];
        let i = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (i === words.length) {
            res.end('data: [DONE]\n\n');
            return;
          }
          res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: words[i++] } }] })}\n\n`);
          // Stalled: one word, then nothing.
          if (!(stall && i === 1)) setTimeout(next, 150);
        };
        next();
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1`;
    agent = await createLocalAgent({
      npcs: [QUIET_NPC],
      recognizer: 'none',
      llm: { baseUrl: url, model: 'slow-model', timeoutMs: 500 },
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await agent.close();
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  it('lets a model that keeps streaming finish an answer longer than the timeout', async () => {
    stall = false;
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'user_message', text: 'Which way is north?' });
    const r = await c.waitType('agent_response', 10_000);
    // Seven pieces 150 ms apart: about a second, twice the 500 ms limit.
    expect(r.msg.agent_response_event.agent_response).toBe('The road north is long and cold.');
    expect(c.of('error')).toEqual([]);
    c.close();
  });

  it('ends the conversation with llm_timeout when the stream stops', async () => {
    stall = true;
    const c = await ScriptedClient.connect(agent.url, 'quiet');
    await c.waitType('conversation_initiation_metadata');
    c.send({ type: 'user_message', text: 'Which way is north?' });
    const err = await c.waitType('error', 10_000);
    expect(err.msg.error_event).toMatchObject({ code: 1002, error_type: 'llm_timeout' });
    expect((await c.closed).code).toBe(1002);
  });
});
