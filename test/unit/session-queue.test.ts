import { describe, expect, it } from 'vitest';
import { recordEvents } from '../helpers/events.js';
import { until } from '../../harness/poll.js';
import { scriptedSessions } from './session-setup.js';
import { SessionError } from '../../plugin/session/index.js';

// The agent's line (issue 14.5): when an agent's concurrency is full the service sends
// `queue_status` waiting, drops what the client sends meanwhile, then admitted, or timed_out just
// before an error close. The session holds what the game sends, drops mic audio, and never retries
// a timed-out wait.
const { server, make, open } = scriptedSessions();

const queue = (status: string) => ({ type: 'queue_status' as const, queue_status_event: { status } });

describe('queue_status before the conversation opens', () => {
  it('waits past the metadata timeout while the service says waiting, then opens when admitted', async () => {
    // Long enough for the handshake on a loaded machine; the wait below still outlasts three of them.
    const session = make({ metadataTimeoutMs: 1000 });
    const events = recordEvents(session, ['queue', 'state']);
    const connected = session.connect();
    const conn = await server().connection(0);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.send(queue('waiting'));
    await until(() => events.of('queue').length === 1);
    // Three metadata timeouts pass: still connecting, not failed.
    await new Promise((r) => setTimeout(r, 3000));
    expect(session.state).toBe('connecting');
    conn.send(queue('admitted'));
    conn.sendMetadata();
    await connected;
    expect(session.state).toBe('open');
    expect(events.of('queue').map((e) => e.status)).toEqual(['waiting', 'admitted']);
  });

  it('timed_out then an error close ends with a plain-words "busy" reason, and is not retried', async () => {
    const session = make();
    const connected = session.connect();
    const conn = await server().connection(0);
    await conn.nextOfType('conversation_initiation_client_data');
    conn.send(queue('waiting'));
    conn.send(queue('timed_out'));
    conn.close(1002, 'Too many concurrent conversations');
    const err = await connected.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect(err).toMatchObject({ endReason: { kind: 'error', error: 'busy' } });
    expect((err as SessionError).message).toMatch(/busy/);
    await new Promise((r) => setTimeout(r, 100));
    expect(server().connections).toHaveLength(1);
  });
});

describe('queue_status during a conversation', () => {
  it('holds text and context while waiting, drops mic audio, and sends what was held in order once admitted', async () => {
    const { session, conn } = await open();
    const events = recordEvents(session, ['queue']);
    conn.send(queue('waiting'));
    await until(() => events.of('queue').length === 1);
    expect(session.sendAudio(new Int16Array(320))).toBe(false);
    session.sendText('Do you sell lanterns?');
    session.sendContextualUpdate('The player holds a torch', 'inventory');
    await new Promise((r) => setTimeout(r, 100));
    const typed = () =>
      conn.received.filter(
        (m) => 'type' in m && (m.type === 'user_message' || m.type === 'contextual_update'),
      );
    expect(typed()).toEqual([]);
    expect(conn.received.filter((m) => !('type' in m))).toEqual([]); // no user_audio_chunk
    conn.send(queue('admitted'));
    await until(() => typed().length === 2);
    expect(typed()).toEqual([
      { type: 'user_message', text: 'Do you sell lanterns?' },
      { type: 'contextual_update', text: 'The player holds a torch', context_id: 'inventory' },
    ]);
    expect(session.sendAudio(new Int16Array(320))).toBe(true);
  });

  it('timed_out during the conversation ends it as busy, without the reconnect a dropped connection gets', async () => {
    const { session, conn } = await open();
    const events = recordEvents(session, ['reconnecting', 'conversation:end']);
    conn.send(queue('waiting'));
    conn.send(queue('timed_out'));
    conn.close(1002, 'Too many concurrent conversations');
    await until(() => events.of('conversation:end').length === 1);
    expect(events.of('conversation:end')[0]).toMatchObject({ kind: 'error', error: 'busy' });
    expect(events.of('reconnecting')).toEqual([]);
    expect(server().connections).toHaveLength(1);
  });
});
