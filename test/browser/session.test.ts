import { afterAll, beforeAll, afterEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { launchBrowser, startPageServer } from '../../harness/browser.js';
import { pollPage } from '../../harness/poll.js';
import { watchPage } from '../helpers/browser.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';
import { int16ToBase64, base64ToInt16, type UserAudioChunk } from '../../plugin/protocol/index.js';

// AgentSession on Chromium's own WebSocket (nothing injected): close codes, reasons, sub-protocol and
// message dispatch follow the browser's rules, not the `ws` package's.
const PAGE = '/test/browser/pages/session/index.html';
let pages: ViteDevServer;
let base: string;
let browser: Browser;
let agent: ScriptedServer;

beforeAll(async () => {
  ({ server: pages, url: base } = await startPageServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
});
afterEach(async () => {
  await agent?.close();
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  agent = await startScriptedServer();
  const page = await browser.newPage();
  const { errors } = watchPage(page);
  await page.goto(base + PAGE);
  await pollPage(
    page,
    () => window.__ready,
    (r) => r === true,
    {
      what: 'the session page to set window.__ready',
      timeout: 30_000,
    },
  );
  return { page, errors };
}

describe('AgentSession in Chromium', () => {
  it('connects with the browser WebSocket, handles a burst after the metadata, streams audio both ways, closes with 1000', async () => {
    const { page, errors } = await open();
    const started = page.evaluate(async (url) => {
      const lab = window.sessionLab;
      const s = new lab.AgentSession({
        endpoint: { kind: 'url', url },
        clientTools: { wave: () => 'waved' },
      });
      const w = window;
      w.session = s;
      w.got = { audio: [], responses: [], states: [] };
      s.on('audio', (c) => w.got!.audio.push([c.eventId, c.sampleRate, ...Array.from(c.pcm)]));
      s.on('response', (e) => w.got!.responses.push(e.text));
      s.on('state', (st) => w.got!.states.push(st));
      const info = await s.connect();
      return info.conversationId;
    }, agent.url);
    const conn = await agent.connection(0);
    expect(conn.protocol).toBe('convai');
    await conn.nextOfType('conversation_initiation_client_data');
    conn.burst([
      {
        type: 'conversation_initiation_metadata',
        conversation_initiation_metadata_event: {
          conversation_id: 'conv_browser',
          agent_output_audio_format: 'pcm_24000',
          user_input_audio_format: 'pcm_16000',
        },
      },
      {
        type: 'agent_response',
        agent_response_event: { agent_response: 'Hello from the server', event_id: 1 },
      },
      {
        type: 'audio',
        audio_event: { audio_base_64: int16ToBase64(Int16Array.from([1, -2, 30000])), event_id: 1 },
      },
      { type: 'ping', ping_event: { event_id: 3, ping_ms: 12 } },
      {
        type: 'client_tool_call',
        client_tool_call: { tool_name: 'wave', tool_call_id: 't1', parameters: {}, event_id: 1 },
      },
    ]);
    expect(await started).toBe('conv_browser');
    expect(await conn.nextOfType('pong')).toEqual({ type: 'pong', event_id: 3 });
    expect(await conn.nextOfType('client_tool_result')).toMatchObject({
      tool_call_id: 't1',
      result: 'waved',
    });
    await pollPage(
      page,
      () => window.got!.audio.length,
      (n) => n === 1,
      {
        what: "the page's session to deliver the one audio chunk",
        timeout: 30_000,
      },
    );
    expect(await page.evaluate(() => window.got)).toMatchObject({
      audio: [[1, 24000, 1, -2, 30000]],
      responses: ['Hello from the server'],
    });
    expect(await page.evaluate(() => window.session!.latencyMs)).toBe(12);

    await page.evaluate(() => window.session!.sendAudio(Int16Array.from([5, 6, -7])));
    const chunk = await conn.nextOfType<UserAudioChunk>('user_audio_chunk');
    expect(Array.from(base64ToInt16(chunk.user_audio_chunk)!)).toEqual([5, 6, -7]);

    await page.evaluate(() => window.session!.close());
    expect(await conn.closed).toEqual({ code: 1000, reason: 'User ended conversation' });
    expect(await page.evaluate(() => window.got!.states)).toEqual([
      'connecting',
      'open',
      'closing',
      'closed',
    ]);
    expect(errors).toEqual([]);
  });

  it('reports a refused override with the close code and reason the browser received', async () => {
    const { page } = await open();
    const result = page.evaluate(async (url) => {
      const lab = window.sessionLab;
      const s = new lab.AgentSession({ endpoint: { kind: 'url', url } });
      try {
        await s.connect();
        return null;
      } catch (e) {
        if (!(e instanceof lab.SessionError)) throw e;
        return { kind: e.kind, endReason: e.endReason, state: s.state };
      }
    }, agent.url);
    const conn = await agent.connection(0);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.close(1008, "Override for field 'voice_id' is not allowed by config.");
    expect(await result).toEqual({
      kind: 'connect_failed',
      state: 'closed',
      endReason: {
        kind: 'error',
        error: 'override',
        code: 1008,
        reason: "Override for field 'voice_id' is not allowed by config.",
        message: "Override for field 'voice_id' is not allowed by config.",
      },
    });
  });

  it('reconnects after the connection drops (browser close code 1006)', async () => {
    const { page } = await open();
    const connected = page.evaluate(async (url) => {
      const lab = window.sessionLab;
      const s = new lab.AgentSession({ endpoint: { kind: 'url', url }, reconnect: { baseDelayMs: 20 } });
      window.session = s;
      window.reconnects = [];
      s.on('reconnecting', (r) => window.reconnects!.push([r.attempt, r.cause.code]));
      await s.connect();
    }, agent.url);
    const first = await agent.connection(0);
    await first.nextOfType('conversation_initiation_client_data');
    first.sendMetadata();
    await connected;
    first.drop();
    const second = await agent.connection(1);
    await second.nextOfType('conversation_initiation_client_data');
    second.sendMetadata({ conversationId: 'conv_again' });
    await pollPage(
      page,
      () => window.session!.conversationId,
      (id) => id === 'conv_again',
      {
        what: 'the session to reconnect into conversation conv_again',
        timeout: 30_000,
      },
    );
    expect(await page.evaluate(() => window.reconnects)).toEqual([[1, 1006]]);
    await page.evaluate(() => window.session!.close());
  });
});
