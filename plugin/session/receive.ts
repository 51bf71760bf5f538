/**
 * Server frames after the metadata -> session behaviour and typed events. Runs synchronously per
 * frame, so frames are handled in arrival order even when several arrive in one task.
 */
import {
  decodeSamples,
  decodeServerFrame,
  describeServerError,
  encodeClientMessage,
  type AudioFormatInfo,
  type AudioMessage,
  type ClientToolCallMessage,
  type DecodeError,
  type ErrorMessage,
  type ServerErrorInfo,
} from '../protocol/index.js';
import type { EventBus } from '../common/emitter.js';
import { SessionError } from './errors.js';
import type { Socket } from './socket.js';
import { toToolCall, type ToolRegistry } from './tools.js';
import type { TurnTracker } from './turns.js';
import type { AgentSessionEvents } from './types.js';

/** What the router needs from the session, passed in rather than reached for. */
export interface RouterContext {
  events: EventBus<AgentSessionEvents>;
  turns: TurnTracker;
  tools: ToolRegistry;
  now(): number;
  /** The socket of the current conversation. */
  socket(): Socket | undefined;
  outputFormat(): AudioFormatInfo | undefined;
  isOpen(): boolean;
  setLatency(ms: number): void;
  setLastError(info: ServerErrorInfo): void;
  /** The agent's end_call tool fired. */
  endByAgent(): void;
  /** `queue_status` arrived (after the metadata; before it, the attempt handles it). */
  queueStatus(status: string): void;
}

export function reportDecodeError(ctx: RouterContext, error: DecodeError): void {
  if (error.kind === 'unknown_type') return ctx.events.fire('unknownMessage', error);
  ctx.events.fire(
    'error',
    new SessionError('protocol', `Unreadable frame: ${error.detail}`, { decodeError: error }),
  );
}

export function reportServerError(ctx: RouterContext, message: ErrorMessage): void {
  const info = describeServerError(message);
  ctx.setLastError(info);
  ctx.events.fire('error', new SessionError('server', info.message, { serverError: info }));
}

export function routeFrame(ctx: RouterContext, data: unknown): void {
  const result = decodeServerFrame(data);
  if (!result.ok) return reportDecodeError(ctx, result.error);
  const m = result.message;
  const { events, turns } = ctx;
  switch (m.type) {
    case 'ping':
      // Answer first and at once: the server measures round trips from this.
      ctx.socket()?.send(encodeClientMessage({ type: 'pong', event_id: m.ping_event.event_id }));
      if (typeof m.ping_event.ping_ms === 'number') ctx.setLatency(m.ping_event.ping_ms);
      events.fire('ping', { eventId: m.ping_event.event_id, pingMs: m.ping_event.ping_ms ?? null });
      break;
    case 'audio':
      deliverAudio(ctx, m);
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
    case 'queue_status':
      ctx.queueStatus(m.queue_status_event.status);
      break;
    case 'client_tool_call':
      void runToolCall(ctx, m);
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
      if (name === 'end_call') ctx.endByAgent();
      break;
    }
    case 'error':
      reportServerError(ctx, m);
      break;
  }
  events.fire('message', m);
}

function deliverAudio(ctx: RouterContext, m: AudioMessage): void {
  const ev = m.audio_event;
  // Tracked even without listeners: interruption state and time-to-first-audio must stay right.
  const accepted = ctx.turns.audio(ev.event_id);
  const format = ctx.outputFormat();
  if (!accepted || !format || !ctx.events.has('audio')) return;
  const pcm = decodeSamples(ev.audio_base_64, format);
  if (!pcm) {
    ctx.events.fire(
      'error',
      new SessionError('protocol', `Audio of response ${ev.event_id} is not valid ${format.format} base64`),
    );
    return;
  }
  ctx.events.fire('audio', {
    pcm,
    sampleRate: format.sampleRate,
    format: format.format,
    base64: ev.audio_base_64,
    eventId: ev.event_id,
    firstOfResponse: accepted.firstOfResponse,
    ...(ev.alignment ? { alignment: ev.alignment } : {}),
    ...(ev.is_final !== undefined ? { isFinal: ev.is_final } : {}),
    receivedAt: ctx.now(),
  });
}

async function runToolCall(ctx: RouterContext, m: ClientToolCallMessage): Promise<void> {
  const call = toToolCall(m);
  const socket = ctx.socket();
  ctx.events.fire('tool', { ...call, handled: ctx.tools.has(call.name) });
  const result = await ctx.tools.run(call);
  // The answer belongs to the conversation that asked: never send it into a reconnected one.
  if (call.expectsResponse && socket && socket === ctx.socket() && ctx.isOpen()) {
    socket.send(encodeClientMessage(result));
  }
}
