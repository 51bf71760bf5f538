/**
 * The local agent's limits against hostile clients (issue 12): malformed requests, close reasons cut
 * inside a character, one client holding every slot, silent sockets, oversized context, long text,
 * speech floods and clients that never read. Real agent, real sockets on loopback, polling not sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import {
  createLocalAgent,
  type CreateLocalAgentOptions,
  type LocalAgent,
} from '../../plugin/server/agent/index.js';
import { ScriptedClient } from './agent-harness.js';
import { FAULT_NPC, GREETING, POTION_REPLY } from './fault-harness.js';

const started: LocalAgent[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

async function agentWith(extra: Partial<CreateLocalAgentOptions> = {}): Promise<LocalAgent> {
  const a = await createLocalAgent({
    npcs: [FAULT_NPC],
    recognizer: 'none',
    llm: false,
    speechEngine: 'babble',
    ...extra,
  });
  started.push(a);
  return a;
}

/** Sends raw bytes and returns everything the server answers before it closes the socket. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error(`no answer; got ${JSON.stringify(got)}`)));
  });
}

async function greeted(a: LocalAgent): Promise<ScriptedClient> {
  const c = await ScriptedClient.connect(a.url, 'fault');
  await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(GREETING));
  return c;
}

describe('malformed requests (issue 12.1)', () => {
  it('answers an unparseable URL with 400, as plain HTTP and as an upgrade, and keeps serving', async () => {
    const a = await agentWith();
    const plain = await rawRequest(a.port, 'GET //x:99999 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(plain).toMatch(/^HTTP\/1\.1 400/);
    const upgrade = await rawRequest(
      a.port,
      'GET //x:99999 HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 400/);
    const c = await greeted(a);
    c.send({ type: 'user_message', text: 'potion?' });
    await c.waitFor((f) => f.msg.type === 'agent_response' && f.raw.includes(POTION_REPLY));
    c.close();
  });
});
