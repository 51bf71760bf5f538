/**
 * The {@link Speaker} for one agent turn, wired to its conversation: the shared speech engine, the
 * agent's pacing, the turn-to-first-audio metric, and backpressure from the socket (a client that
 * stops reading is closed, so its unsent audio cannot grow without bound).
 */
import type { AudioFormatInfo } from '../../protocol/index.js';
import type { VoiceSpec } from '../speech/types.js';
import type { AgentRuntime } from './runtime.js';
import { Speaker } from './speaker.js';

interface TurnSpeakerHost {
  voice: VoiceSpec;
  format: AudioFormatInfo;
  eventId: number;
  /** When the player's turn ended (performance.now()), for the turn-to-first-audio metric. */
  startedAt?: number;
  socket: { readonly bufferedAmount: number };
  send(frame: string): boolean;
  crash(err: unknown): void;
  fail(code: 1002, errorType: string, message: string): void;
}

export function speakerFor(rt: AgentRuntime, host: TurnSpeakerHost): Speaker {
  const { startedAt } = host;
  return new Speaker({
    speech: rt.speech,
    voice: host.voice,
    format: host.format,
    eventId: host.eventId,
    frameMs: rt.frameMs,
    leadMs: rt.leadMs,
    send: host.send,
    onError: host.crash,
    onFirstFrame: (at) => {
      if (startedAt !== undefined) rt.metrics.turnToFirstAudioMs.push(at - startedAt);
    },
    buffered: () => host.socket.bufferedAmount,
    maxBufferedBytes: rt.limits.maxBufferedBytes,
    stallMs: rt.limits.sendStallMs,
    onStall: () =>
      host.fail(
        1002,
        'websocket_disconnect',
        'The client stopped reading the audio: closing the conversation.',
      ),
  });
}
