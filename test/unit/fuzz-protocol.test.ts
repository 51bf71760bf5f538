/**
 * Bad input at the wire boundary: thousands of generated malformed frames through both decoders
 * (never a throw, always a typed result), then a live AgentSession fed a storm of hostile frames by a
 * real server (it reports them, stays open, and still plays the next good turn).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import {
  decodeClientFrame,
  decodeSamples,
  decodeServerFrame,
  parseAudioFormat,
  type DecodeErrorKind,
  type DecodeResult,
} from '../../plugin/protocol/index.js';
import { AgentSession } from '../../plugin/session/index.js';
import { until } from '../../harness/poll.js';
import { CountingWebSocket, trapEscapes } from './fault-harness.js';

const KINDS: DecodeErrorKind[] = [
  'not_text',
  'malformed_json',
  'not_an_object',
  'missing_type',
  'unknown_type',
  'missing_field',
  'invalid_field',
];

const AUDIO_B64 = Buffer.from(new Int16Array([0, 1000, -1000, 32767]).buffer).toString('base64');

/** One valid frame of every server type the plugin acts on: the seeds for structural mutation. */
const SERVER_SEEDS: Record<string, unknown>[] = [
  {
    type: 'conversation_initiation_metadata',
    conversation_initiation_metadata_event: {
      conversation_id: 'conv_1',
      agent_output_audio_format: 'pcm_16000',
      user_input_audio_format: 'pcm_16000',
    },
  },
  {
    type: 'audio',
    audio_event: {
      audio_base_64: AUDIO_B64,
      event_id: 3,
      alignment: { chars: ['H', 'i'], char_start_times_ms: [0, 40], char_durations_ms: [40, 40] },
    },
  },
  { type: 'agent_response', agent_response_event: { agent_response: 'Hello', event_id: 3 } },
  {
    type: 'agent_response_correction',
    agent_response_correction_event: {
      original_agent_response: 'a b',
      corrected_agent_response: 'a',
      event_id: 3,
    },
  },
  { type: 'user_transcript', user_transcription_event: { user_transcript: 'hi', event_id: 2 } },
  {
    type: 'tentative_user_transcript',
    tentative_user_transcription_event: { user_transcript: 'h', event_id: 2 },
  },
  { type: 'interruption', interruption_event: { event_id: 4 } },
  { type: 'ping', ping_event: { event_id: 1, ping_ms: 20 } },
  { type: 'vad_score', vad_score_event: { vad_score: 0.5 } },
  {
    type: 'client_tool_call',
    client_tool_call: {
      tool_name: 'wave',
      tool_call_id: 't1',
      parameters: { a: 1 },
      event_id: 5,
      expects_response: true,
    },
  },
  {
    type: 'agent_tool_request',
    agent_tool_request: { tool_name: 'search', tool_call_id: 't2', tool_type: 'system', event_id: 6 },
  },
  { type: 'error', error_event: { code: 1011, message: 'boom', error_type: 'internal' } },
  { type: 'error', message: 'flat' },
];

const CLIENT_SEEDS: Record<string, unknown>[] = [
  {
    type: 'conversation_initiation_client_data',
    conversation_config_override: { agent: {} },
    dynamic_variables: {},
  },
  { user_audio_chunk: AUDIO_B64 },
  { type: 'user_message', text: 'hello' },
  { type: 'contextual_update', text: 'the bridge is out', context_id: 'bridge' },
  { type: 'pong', event_id: 1 },
  { type: 'client_tool_result', tool_call_id: 't1', result: 'ok', is_error: false },
  { type: 'feedback', score: 'like', event_id: 3 },
  { type: 'user_activity' },
];

/** String(x) throws for null-prototype objects; the generator must not. */
function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return '[object]';
  }
}

/** Every value fast-check can make, including prototype-ish keys and huge/odd numbers. */
const hostileValue = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: false, withBoxedValues: true, maxDepth: 3 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53 + 1, '', '\u0000', '__proto__', 'constructor'),
  fc.constantFrom(null, [], {}, true, 'pcm_999', 'ulaw_8000'),
);

/** A seed with one field (at any depth) deleted, replaced by a hostile value, or its type renamed. */
function mutated(seeds: Record<string, unknown>[]) {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.nat(), fc.constantFrom('delete', 'replace', 'retype'), hostileValue)
    .map(([seed, pick, op, value]) => {
      const copy = structuredClone(seed);
      const paths: string[][] = [];
      const walk = (o: Record<string, unknown>, path: string[]) => {
        for (const k of Object.keys(o)) {
          paths.push([...path, k]);
          const v = o[k];
          if (v && typeof v === 'object' && !Array.isArray(v))
            walk(v as Record<string, unknown>, [...path, k]);
        }
      };
      walk(copy, []);
      const path = paths[pick % paths.length]!;
      let parent = copy as Record<string, unknown>;
      for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
      const key = path.at(-1)!;
      if (op === 'delete') delete parent[key];
      else if (op === 'retype') copy.type = typeof value === 'string' ? value : safeString(value);
      else parent[key] = value;
      return copy;
    });
}

/** Serialized frames: mutated seeds, JSON of anything, truncated valid frames, raw strings. */
function frames(seeds: Record<string, unknown>[]) {
  const json = (v: unknown) => {
    try {
      return JSON.stringify(v) ?? 'undefined';
    } catch {
      return safeString(v);
    }
  };
  return fc.oneof(
    mutated(seeds).map(json),
    fc.jsonValue().map(json),
    fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([s, n]) => json(s).slice(0, n % (json(s).length + 1))),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '{"type":"audio","audio_event":{"audio_base_64":"@@@","event_id":1}}',
      '{"__proto__":{"type":"x"}}',
    ),
  );
}

/** Non-string frames as the browser or `ws` might deliver them. */
const binaryFrames = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }).map((u) => u.buffer),
  fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u)),
  fc.constantFrom(undefined, null, 42, {}, [], Symbol('frame'), () => 'x'),
);

function expectTyped(result: DecodeResult<unknown>): void {
  if (result.ok) {
    const m = result.message as Record<string, unknown>;
    expect(typeof m).toBe('object');
    expect(typeof m.type === 'string' || typeof m.user_audio_chunk === 'string').toBe(true);
    return;
  }
  expect(KINDS).toContain(result.error.kind);
  expect(typeof result.error.detail).toBe('string');
  expect(result.error.detail.length).toBeGreaterThan(5);
  expect(typeof result.error.raw).toBe('string');
}

describe('frame decoders under generated malformed input', () => {
  it('decodeServerFrame never throws and always answers a typed result (5,000 frames)', () => {
    fc.assert(
      fc.property(frames(SERVER_SEEDS), (raw) => {
        const r = decodeServerFrame(raw);
        expectTyped(r);
        // What the decoder accepts, the session can use: audio decodes or is refused, never throws.
        if (r.ok && r.message.type === 'audio') {
          const pcm = decodeSamples(r.message.audio_event.audio_base_64, parseAudioFormat('pcm_16000')!);
          expect(pcm === undefined || pcm instanceof Int16Array).toBe(true);
        }
        // Accepted frames survive a round trip unchanged in meaning.
        if (r.ok) expect(decodeServerFrame(JSON.stringify(r.message)).ok).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('decodeClientFrame never throws and always answers a typed result (5,000 frames)', () => {
    fc.assert(
      fc.property(frames(CLIENT_SEEDS), (raw) => {
        const r = decodeClientFrame(raw);
        expectTyped(r);
        if (r.ok) expect(decodeClientFrame(JSON.stringify(r.message)).ok).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('binary and non-string frames are "not_text", on both sides', () => {
    fc.assert(
      fc.property(binaryFrames, (raw) => {
        for (const r of [decodeServerFrame(raw), decodeClientFrame(raw)]) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.kind).toBe('not_text');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('deeply nested and very large frames are answered, not thrown on', () => {
    const deep = '{"type":"audio","audio_event":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    const r1 = decodeServerFrame(deep);
    expect(r1).toMatchObject({ ok: false, error: { kind: 'invalid_field', field: 'audio_event' } });
    const huge = JSON.stringify({
      type: 'agent_response',
      agent_response_event: { agent_response: 'a'.repeat(5e6), event_id: 1 },
    });
    expect(decodeServerFrame(huge).ok).toBe(true);
    const overDeep = '['.repeat(200_000);
    expect(decodeServerFrame(overDeep)).toMatchObject({ ok: false, error: { kind: 'malformed_json' } });
  });
});

describe('a live session fed hostile frames', () => {
  let wss: WebSocketServer;
  let url: string;
  let storm: string[] = [];
  const sockets: ServerSocket[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'convai' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    wss.on('connection', (ws) => {
      sockets.push(ws);
      ws.once('message', () => {
        ws.send(JSON.stringify(SERVER_SEEDS[0]!));
        for (const f of storm) ws.send(f);
        // The sentinel: a good turn after the storm.
        ws.send(
          JSON.stringify({
            type: 'agent_response',
            agent_response_event: { agent_response: 'still here', event_id: 99999 },
          }),
        );
        ws.send(
          JSON.stringify({ type: 'audio', audio_event: { audio_base_64: AUDIO_B64, event_id: 99999 } }),
        );
      });
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  it('reports unreadable frames as protocol errors, stays open, and plays the next good turn', async () => {
    // Frames that legitimately end the conversation (end_call) are not hostile; everything else is.
    storm = fc
      .sample(frames(SERVER_SEEDS), { numRuns: 2000, seed: 8 })
      .filter((f) => !f.includes('end_call') && !f.includes('agent_tool_response'));
    const escapes = trapEscapes();
    const session = new AgentSession({
      endpoint: { kind: 'url', url },
      WebSocket: CountingWebSocket,
      reconnect: false,
    });
    const errors: { kind: string; message: string }[] = [];
    const texts: string[] = [];
    const audioIds: number[] = [];
    session.on('error', (e) => errors.push({ kind: e.kind, message: e.message }));
    session.on('response', (r) => texts.push(r.text));
    session.on('audio', (a) => audioIds.push(a.eventId));
    try {
      await session.connect();
      await until(() => texts.includes('still here'), { timeout: 10_000 });
      await until(() => audioIds.includes(99999), { timeout: 5000 });
      expect(session.state).toBe('open');
      const unreadable = storm.filter((f) => {
        const r = decodeServerFrame(f);
        return !r.ok && r.error.kind !== 'unknown_type';
      }).length;
      const protocolErrors = errors.filter((e) => e.kind === 'protocol');
      // Every unreadable frame was reported, each in words ("Unreadable frame: …").
      expect(protocolErrors.length).toBeGreaterThanOrEqual(unreadable);
      for (const e of protocolErrors)
        expect(e.message).toMatch(/^(Unreadable frame: .{5,}|Audio of response \d+ is not valid)/);
      // Server error frames are relayed in the server's own words, never as an empty message.
      for (const e of errors.filter((x) => x.kind === 'server')) expect(e.message.length).toBeGreaterThan(0);
      await session.close();
      expect(session.endReason).toMatchObject({ kind: 'user' });
    } finally {
      escapes.dispose();
    }
    expect(escapes.errors).toEqual([]);
  });
});
