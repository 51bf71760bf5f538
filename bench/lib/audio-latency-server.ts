/**
 * The audio-latency bench's ConvAI service (bench/audio-latency.bench.ts): a local WebSocket server
 * that answers a client's first frame with 16 kHz metadata and otherwise sends only what the bench
 * scripts, so both clients get the same service with nothing in between.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { until } from '../../harness/poll.js';

export interface ScriptedConvai {
  /** The conversation URL the pages connect to. */
  readonly url: string;
  /**
   * Runs `connect` (a page opening its conversation) and returns what it returned and the server's
   * end of that conversation, or null if none began within 5 s.
   */
  accept<T>(connect: () => Promise<T>): Promise<{ value: T; sock: WebSocket | null }>;
  close(): void;
}

export async function startScriptedConvai(): Promise<ScriptedConvai> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('convai') ? 'convai' : false),
  });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  let current: WebSocket | null = null;
  wss.on('connection', (sock) => {
    sock.once('message', () => {
      // First client frame is conversation_initiation_client_data: answer with metadata.
      sock.send(
        JSON.stringify({
          type: 'conversation_initiation_metadata',
          conversation_initiation_metadata_event: {
            conversation_id: 'conv_bench',
            agent_output_audio_format: 'pcm_16000',
            user_input_audio_format: 'pcm_16000',
          },
        }),
      );
      current = sock;
    });
  });
  return {
    url: `ws://127.0.0.1:${port}/v1/convai/conversation?agent_id=x`,
    async accept(connect) {
      // The pages connect one after another: whichever conversation begins next is this one.
      current = null;
      const value = await connect();
      // Not connected within 5 s: `sock` is null, and the bench says which client failed.
      await until(() => current !== null, {
        what: "the page's conversation to connect",
        timeout: 5000,
        interval: 5,
      }).catch(() => undefined);
      return { value, sock: current };
    },
    close: () => wss.close(),
  };
}

function tone(seconds: number): Int16Array {
  const n = Math.round(16000 * seconds);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * 440 * i) / 16000));
  return out;
}

/** A whole turn at once, 100 ms per frame (the real service also sends faster than real time). */
export function sendTurn(sock: WebSocket, id: number, seconds: number): void {
  const pcm = tone(seconds);
  for (let off = 0; off < pcm.length; off += 1600) {
    const part = pcm.subarray(off, off + 1600);
    const b64 = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64');
    sock.send(JSON.stringify({ type: 'audio', audio_event: { audio_base_64: b64, event_id: id } }));
  }
}
