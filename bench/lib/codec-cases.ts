/**
 * The protocol-codec bench's measurements, run unchanged in Node and in Chromium (the page imports
 * this file), so the two environments time the same code the same way.
 *
 * Timing: a round calls the function in batches for `roundMs` and gives µs per call; every round is
 * kept. Ours and the official client's function alternate round by round, so a burst of load on the
 * shared machine hits both, and each round pair gives one ratio.
 */

export interface OursCodec {
  int16ToBase64(s: Int16Array): string;
  base64ToInt16(b64: string): Int16Array | undefined;
  /** The whole mic path after the worklet: PCM16 chunk -> the JSON text handed to WebSocket.send. */
  micMessage(s: Int16Array): string;
  micMessageUlaw(s: Int16Array): string;
  decodeServerFrame(frame: string): { ok: boolean };
}

/** `@elevenlabs/client` 1.25 `utils/audio.js` (its WebSocket mic path: attachInputToConnection). */
export interface OfficialCodec {
  arrayBufferToBase64(b: ArrayBufferLike): string;
  base64ToArrayBuffer(s: string): ArrayBuffer;
}

export interface RoundOptions {
  rounds: number;
  roundMs: number;
}

let sink = 0;

function warm(fn: () => unknown): void {
  for (let i = 0; i < 300; i++) fn();
}

/** µs per call over one round. */
function round(fn: () => unknown, roundMs: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < roundMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

/** Every round of `a` and `b`, alternating. */
export function pairedRounds(
  a: () => unknown,
  b: () => unknown,
  o: RoundOptions,
): { a: number[]; b: number[] } {
  warm(a);
  warm(b);
  const ra: number[] = [],
    rb: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    if (r % 2 === 0) {
      ra.push(round(a, o.roundMs));
      rb.push(round(b, o.roundMs));
    } else {
      rb.push(round(b, o.roundMs));
      ra.push(round(a, o.roundMs));
    }
  }
  return { a: ra, b: rb };
}

export function singleRounds(fn: () => unknown, o: RoundOptions): number[] {
  warm(fn);
  return Array.from({ length: o.rounds }, () => round(fn, o.roundMs));
}

export const CHUNKS = {
  'mic 20 ms @16k (320 samples, our chunk)': 320,
  'mic 32 ms @16k (512 samples, the official chunk)': 512,
  'agent 250 ms @16k (4000 samples)': 4000,
} as const;

export const samplesOf = (n: number): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 7) * 12000 + Math.sin(i / 3.1) * 3000));

export interface PairRounds {
  ours_us: number[];
  official_us: number[];
}

export interface CodecRounds {
  chunks: Record<
    string,
    {
      /** PCM16 -> base64 text. */
      base64_encode: PairRounds;
      /** PCM16 -> the JSON message text sent on the socket. */
      mic_message: PairRounds;
      /** base64 text -> PCM16 samples. */
      base64_decode: PairRounds;
    }
  >;
  frames: Record<string, number[]>;
  sink: boolean;
}

/** Runs every case; `check` gets our and the official base64 of the same samples (they must agree). */
export function runCodecCases(ours: OursCodec, official: OfficialCodec, o: RoundOptions): CodecRounds {
  const chunks: CodecRounds['chunks'] = {};
  for (const [label, n] of Object.entries(CHUNKS)) {
    const samples = samplesOf(n);
    const b64 = ours.int16ToBase64(samples);
    if (b64 !== official.arrayBufferToBase64(samples.buffer))
      throw new Error(`base64 mismatch at ${n} samples`);
    const msgOurs = JSON.parse(ours.micMessage(samples)).user_audio_chunk;
    if (msgOurs !== b64) throw new Error('mic message mismatch');
    const enc = pairedRounds(
      () => (sink += ours.int16ToBase64(samples).length),
      () => (sink += official.arrayBufferToBase64(samples.buffer).length),
      o,
    );
    const msg = pairedRounds(
      () => (sink += ours.micMessage(samples).length),
      // attachInputToConnection + WebSocketConnection.sendMessage: base64, then JSON.stringify.
      () =>
        (sink += JSON.stringify({ user_audio_chunk: official.arrayBufferToBase64(samples.buffer) }).length),
      o,
    );
    const dec = pairedRounds(
      () => (sink += ours.base64ToInt16(b64)!.length),
      () => (sink += new Int16Array(official.base64ToArrayBuffer(b64)).length),
      o,
    );
    chunks[label] = {
      base64_encode: { ours_us: enc.a, official_us: enc.b },
      mic_message: { ours_us: msg.a, official_us: msg.b },
      base64_decode: { ours_us: dec.a, official_us: dec.b },
    };
  }
  const mic = samplesOf(320);
  const frame = JSON.stringify({
    type: 'audio',
    audio_event: { audio_base_64: ours.int16ToBase64(samplesOf(4000)), event_id: 3 },
  });
  const frames = {
    mic_message_pcm_us: singleRounds(() => (sink += ours.micMessage(mic).length), o),
    mic_message_ulaw_us: singleRounds(() => (sink += ours.micMessageUlaw(mic).length), o),
    decode_audio_frame_us: singleRounds(() => (sink += ours.decodeServerFrame(frame).ok ? 1 : 0), o),
    json_parse_only_us: singleRounds(() => (sink += JSON.parse(frame).type.length), o),
  };
  return { chunks, frames, sink: sink > 0 };
}
