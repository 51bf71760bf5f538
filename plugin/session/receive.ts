/**
 * Server frames after the metadata -> session behaviour and typed events. Runs synchronously per
 * frame, so frames are handled in arrival order even when several arrive in one task.
 */
import {
  decodeSamples,
  describeServerError,
  encodeClientMessage,
  type AudioMessage,
  type ClientToolCallMessage,
  type DecodeError,
  type ErrorMessage,
  type ServerMessage,
} from '../protocol/index.js';
import { Emitter, type EventBus } from '../common/emitter.js';
import { SessionError } from './errors.js';
import type { AgentLine } from './line.js';
import { toToolCall, type ToolRegistry } from './tools.js';
import type { TurnTracker } from './turns.js';
import type { AgentSessionEvents, ConversationInfo, SessionState } from './types.js';

/** What the router reads of its session: the session's own public getters, nothing it can change. */
interface SessionView {
  readonly state: SessionState;
  readonly conversation: ConversationInfo | undefined;
}

/** Where the router answers (pongs, tool results, held messages): the connection the frame came in on. */
interface Connection {
  send(frame: string): boolean;
}

/** The parts of the session the router works with; each owns its own state. */
interface RouterParts {
  /** The session's public events, which the router fires. */
  events: EventBus<AgentSessionEvents>;
  turns: TurnTracker;
  tools: ToolRegistry;
  line: AgentLine;
  now(): number;
}

/** What the router asks of the session, which owns how the conversation ends. */
interface RouterEvents {
  /** The agent's end_call tool fired. */
  agentEnded: () => void;
}

export class FrameRouter extends Emitter<RouterEvents> {
  readonly #p: RouterParts;
  readonly #session: SessionView;
  #latencyMs: number | undefined;

  constructor(parts: RouterParts, session: SessionView) {
    super();
    this.#p = parts;
    this.#session = session;
  }

  /** The server's round-trip estimate (`ping_ms` of the last ping that carried one). */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  /** A frame that did not decode (before or after the metadata). */
  unreadable(error: DecodeError): void {
    const { events } = this.#p;
    if (error.kind === 'unknown_type') return events.fire('unknownMessage', error);
    events.fire(
      'error',
      new SessionError('protocol', `Unreadable frame: ${error.detail}`, { decodeError: error }),
    );
  }

  /** An error frame (before or after the metadata). */
  serverError(message: ErrorMessage): void {
    const info = describeServerError(message);
    this.#p.events.fire('error', new SessionError('server', info.message, { serverError: info }));
  }

  /** One message of the open conversation, which came in on `via`. */
  route(m: ServerMessage, via: Connection): void {
    const { events, turns } = this.#p;
    switch (m.type) {
      case 'ping':
        // Answer first and at once: the server measures round trips from this.
        via.send(encodeClientMessage({ type: 'pong', event_id: m.ping_event.event_id }));
        if (typeof m.ping_event.ping_ms === 'number') this.#latencyMs = m.ping_event.ping_ms;
        events.fire('ping', { eventId: m.ping_event.event_id, pingMs: m.ping_event.ping_ms ?? null });
        break;
      case 'audio':
        this.#deliverAudio(m);
        break;
      case 'interruption':
        turns.serverInterruption(m.interruption_event.event_id);
        events.fire('interruption', { source: 'server', eventId: m.interruption_event.event_id });
        break;
      case 'agent_response':
        turns.agentResponse(m.agent_response_event.event_id);
        events.fire('response', {
          text: m.agent_response_event.agent_response,
          eventId: m.agent_response_event.event_id,
        });
        break;
      case 'agent_response_correction': {
        const e = m.agent_response_correction_event;
        events.fire('correction', {
          original: e.original_agent_response,
          corrected: e.corrected_agent_response,
          eventId: e.event_id,
        });
        break;
      }
      case 'user_transcript':
        turns.userTurnEnded();
        events.fire('transcript', {
          text: m.user_transcription_event.user_transcript,
          eventId: m.user_transcription_event.event_id,
          final: true,
        });
        break;
      case 'tentative_user_transcript':
        events.fire('transcript', {
          text: m.tentative_user_transcription_event.user_transcript,
          eventId: m.tentative_user_transcription_event.event_id,
          final: false,
        });
        break;
      case 'vad_score':
        events.fire('vadScore', m.vad_score_event.vad_score);
        break;
      case 'queue_status': {
        // Before the metadata the attempt handles the line; from here on, held messages go out on admission.
        const status = m.queue_status_event.status;
        this.#p.line.status(status, (frame) => via.send(frame));
        events.fire('queue', { status });
        break;
      }
      case 'client_tool_call':
        void this.#runToolCall(m, via);
        break;
      case 'agent_tool_request':
        events.fire('agentTool', m);
        break;
      case 'agent_tool_response':
      case 'agent_tool_response_full_payload': {
        events.fire('agentTool', m);
        const name =
          m.type === 'agent_tool_response'
            ? m.agent_tool_response.tool_name
            : m.agent_tool_response_full_payload.tool_name;
        // The agent's end_call system tool ends the conversation; the JS client ends it itself too.
        if (name === 'end_call') this.emit('agentEnded');
        break;
      }
      case 'error':
        this.serverError(m);
        break;
    }
    events.fire('message', m);
  }

  #deliverAudio(m: AudioMessage): void {
    const { events, turns, now } = this.#p;
    const ev = m.audio_event;
    // Tracked even without listeners: interruption state and time-to-first-audio must stay right.
    const accepted = turns.audio(ev.event_id);
    const format = this.#session.conversation?.outputFormat;
    if (!accepted || !format || !events.has('audio')) return;
    const pcm = decodeSamples(ev.audio_base_64, format);
    if (!pcm) {
      events.fire(
        'error',
        new SessionError('protocol', `Audio of response ${ev.event_id} is not valid ${format.format} base64`),
      );
      return;
    }
    events.fire('audio', {
      pcm,
      sampleRate: format.sampleRate,
      format: format.format,
      base64: ev.audio_base_64,
      eventId: ev.event_id,
      firstOfResponse: accepted.firstOfResponse,
      ...(ev.alignment ? { alignment: ev.alignment } : {}),
      ...(ev.is_final !== undefined ? { isFinal: ev.is_final } : {}),
      receivedAt: now(),
    });
  }

  async #runToolCall(m: ClientToolCallMessage, via: Connection): Promise<void> {
    const { events, tools } = this.#p;
    const call = toToolCall(m);
    events.fire('tool', { ...call, handled: tools.has(call.name) });
    const result = await tools.run(call);
    // The answer belongs to the conversation that asked: never send it into a reconnected one (whose
    // socket is another; the one that asked has closed and sends nothing), nor into one closing.
    if (call.expectsResponse && this.#session.state === 'open') via.send(encodeClientMessage(result));
  }
}
