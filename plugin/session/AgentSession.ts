/**
 * One conversation with one agent over one WebSocket, in the browser or in Node. Frames are handled
 * synchronously as they arrive, and listeners are attached before `connect()`, so nothing sent in the
 * same burst as the metadata is lost (a caveat of the official client: it attaches listeners late).
 */
import {
  CloseCode,
  classifyClose,
  DEFAULT_AUDIO_FORMAT,
  encodeClientMessage,
  encodeSamples,
  encodeUserAudioChunk,
  parseAudioFormat,
  type ClientMessage,
  type ConversationInitiationClientData,
  type ConversationInitiationMetadataMessage,
  type EndReason,
  type FeedbackScore,
  type ServerErrorInfo,
} from '../protocol/index.js';
import { EventBus, type Unsubscribe } from '../common/emitter.js';
import { resolveEndpoint } from './endpoint.js';
import { Attempt, AttemptFailed, attemptFailure, BUSY } from './attempt.js';
import { AgentLine } from './line.js';
import { SessionError } from './errors.js';
import { buildInitiation } from './initiation.js';
import { reconnectDelay, resolveReconnect, shouldReconnect, type ResolvedReconnect } from './reconnect.js';
import type { WebSocketConstructor } from './socket.js';
import { ReconnectPause } from './pause.js';
import { ToolRegistry, type ClientToolHandler } from './tools.js';
import { TurnTracker } from './turns.js';
import { FrameRouter } from './receive.js';
import type { AgentSessionEvents, AgentSessionOptions, ConversationInfo, SessionState } from './types.js';

const USER_ENDED = 'User ended conversation';
const AGENT_ENDED = 'Agent ended the call';

export class AgentSession {
  readonly #options: AgentSessionOptions;
  readonly #WebSocket: WebSocketConstructor;
  readonly #reconnect: ResolvedReconnect | undefined;
  readonly #now: () => number;
  readonly #events = new EventBus<AgentSessionEvents>((event, error) => {
    // A throwing game listener is a bug to surface, not a reason to drop protocol handling.
    queueMicrotask(() => {
      throw error instanceof Error ? error : new Error(`'${event}' listener threw: ${String(error)}`);
    });
  });
  readonly #tools = new ToolRegistry();
  readonly #turns: TurnTracker;
  readonly #line = new AgentLine();
  readonly #router: FrameRouter;
  #state: SessionState = 'idle';
  #droppedAudioMs = 0;
  #dropping = false;
  /** The connection of the current conversation, or of the latest try to open one. */
  #connection: Attempt | undefined;
  #info: ConversationInfo | undefined;
  /** Set when we decide how the conversation ends before the socket has finished closing. */
  #pendingEnd: EndReason | undefined;
  #endReason: EndReason | undefined;
  readonly #pause = new ReconnectPause();
  /** When each reconnect attempt started (session clock), for the sliding-window budget. */
  #attemptTimes: number[] = [];
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(options: AgentSessionOptions) {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) {
      throw new SessionError(
        'config',
        'No WebSocket implementation: pass options.WebSocket (e.g. the ws package in Node).',
      );
    }
    this.#options = options;
    this.#WebSocket = Ctor;
    this.#reconnect = resolveReconnect(options.reconnect);
    this.#now = options.now ?? (() => performance.now());
    this.#turns = new TurnTracker(this.#now);
    const parts = {
      events: this.#events,
      turns: this.#turns,
      tools: this.#tools,
      line: this.#line,
      now: this.#now,
    };
    this.#router = new FrameRouter(parts, this);
    this.#router.on('agentEnded', () =>
      this.#endWith({ kind: 'agent', code: CloseCode.Normal, reason: AGENT_ENDED, via: 'end_call' }),
    );
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    for (const [name, handler] of Object.entries(options.clientTools ?? {}))
      this.#tools.register(name, handler);
  }

  // --- observable state -------------------------------------------------------------------------

  get state(): SessionState {
    return this.#state;
  }
  /** The current conversation (after `conversation:start`); a reconnect replaces it. */
  get conversation(): ConversationInfo | undefined {
    return this.#info;
  }
  get conversationId(): string | undefined {
    return this.#info?.conversationId;
  }
  /** The server's round-trip estimate (`ping_ms` of the last ping that carried one). */
  get latencyMs(): number | undefined {
    return this.#router.latencyMs;
  }
  /** End of the player's last turn -> first audio of the reply, in ms (session clock). */
  get lastTurnFirstAudioMs(): number | undefined {
    return this.#turns.lastTurnFirstAudioMs;
  }
  /** Why the conversation ended, once `closed`. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }
  /** Resolves when the session reaches `closed`, however that happens. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /**
   * Type-only (never set at run time): lets generic helpers infer the event map from a session,
   * which TypeScript cannot do from the generic `on` signature.
   */
  declare readonly eventTypes?: AgentSessionEvents;

  on<K extends keyof AgentSessionEvents>(event: K, listener: AgentSessionEvents[K]): Unsubscribe {
    return this.#events.on(event, listener);
  }

  /** Adds or replaces a client tool handler; returns its removal. */
  registerTool(name: string, handler: ClientToolHandler): Unsubscribe {
    return this.#tools.register(name, handler);
  }

  // --- lifecycle ----------------------------------------------------------------------------------

  /**
   * Opens the conversation and resolves once the server's metadata arrived. Rejects with a
   * {@link SessionError} (`connect_failed` with the end reason, or `aborted` if `close()` was called);
   * the session is then `closed`. A failed first connection is not retried: reconnects are for
   * conversations that were open.
   */
  async connect(): Promise<ConversationInfo> {
    if (this.#state !== 'idle')
      throw new SessionError('invalid_state', `connect() called in state ${this.#state}`);
    this.#setState('connecting');
    try {
      return await this.#attempt(0);
    } catch (error) {
      const failure = attemptFailure(error);
      const userClosed = this.#pendingEnd?.kind === 'user';
      this.#finish(failure.endReason);
      const reason = this.#endReason!;
      throw userClosed
        ? new SessionError('aborted', 'close() was called before the conversation opened', {
            endReason: reason,
          })
        : new SessionError('connect_failed', failure.message, { endReason: reason });
    }
  }

  /** Ends the conversation (close code 1000). Resolves when `closed`; safe to call any number of times. */
  close(): Promise<void> {
    this.#endWith({ kind: 'user', code: CloseCode.Normal, reason: USER_ENDED });
    return this.#closed;
  }

  #endWith(reason: EndReason): void {
    if (this.#state === 'closed' || this.#pendingEnd) return;
    if (this.#state === 'idle') return this.#finish(reason);
    this.#pendingEnd = reason;
    this.#setState('closing');
    this.#pause.wake();
    if (this.#connection?.live)
      this.#connection.close(reason.code, reason.reason, this.#options.closeTimeoutMs ?? 2000);
    // Between attempts (resolving an endpoint, waiting to reconnect) there is no socket to wait for.
    else this.#finish(reason);
  }

  // --- sending ------------------------------------------------------------------------------------

  /**
   * Sends one chunk of microphone audio: PCM16 mono at `conversation.inputFormat.sampleRate`, encoded
   * to the negotiated input format (PCM16-LE or μ-law). Returns false, sending nothing, unless `open`:
   * the mic keeps streaming through a reconnect, and those chunks have no conversation to go to.
   * Also false, dropping the chunk, while more than `maxAudioBacklogMs` of audio waits to leave.
   */
  sendAudio(samples: Int16Array): boolean {
    const connection = this.#connection;
    if (this.#state !== 'open' || !connection?.live || !this.#info || this.#line.waiting) return false;
    const frame = encodeUserAudioChunk(encodeSamples(samples, this.#info.inputFormat));
    const chunkMs = (samples.length / this.#info.inputFormat.sampleRate) * 1000;
    // The backlog in milliseconds of audio, from the bytes this very frame format takes per ms.
    const backlogMs = chunkMs > 0 ? (connection.bufferedAmount / frame.length) * chunkMs : 0;
    if (backlogMs > (this.#options.maxAudioBacklogMs ?? 1000)) {
      this.#droppedAudioMs += chunkMs;
      if (!this.#dropping) {
        this.#dropping = true;
        this.#events.fire('audioDropped', { backlogMs });
      }
      return false;
    }
    this.#dropping = false;
    return connection.send(frame);
  }

  /** Milliseconds of microphone audio dropped because the network could not keep up. */
  get droppedAudioMs(): number {
    return this.#droppedAudioMs;
  }

  /** Sends typed text as the player's turn (`user_message`). */
  sendText(text: string): void {
    this.#send({ type: 'user_message', text });
    this.#turns.userTurnEnded();
  }

  /** Background information for the agent that does not interrupt it; with `contextId` only the latest per id is kept. */
  sendContextualUpdate(text: string, contextId?: string): void {
    this.#send(
      contextId === undefined
        ? { type: 'contextual_update', text }
        : { type: 'contextual_update', text, context_id: contextId },
    );
  }

  /** The player is active (e.g. typing): keeps the agent from taking its turn or re-prompting. */
  sendUserActivity(): void {
    this.#send({ type: 'user_activity' });
  }

  /** Rates an agent turn (default: the latest one); `null` clears a rating. */
  sendFeedback(score: FeedbackScore | null, eventId = this.#turns.agentEventId): void {
    if (eventId === undefined)
      throw new SessionError('invalid_state', 'No agent turn to give feedback on yet');
    this.#send({ type: 'feedback', score, event_id: eventId });
  }

  /**
   * Stops the agent's current response on the client: its remaining audio is dropped and
   * `interruption` tells playback to flush. There is no wire message for this; the agent's next
   * response plays normally. Returns false when there was no response to cut.
   */
  interrupt(): boolean {
    const eventId = this.#turns.cutCurrent();
    if (eventId === undefined) return false;
    this.#events.fire('interruption', { source: 'client', eventId });
    return true;
  }

  #send(message: ClientMessage): void {
    const frame = encodeClientMessage(message);
    // Waiting in the agent's line: held, and sent in order once admitted.
    if (this.#state === 'open' && this.#line.hold(frame)) return;
    if (this.#state !== 'open' || !this.#connection?.send(frame)) {
      throw new SessionError('invalid_state', `Cannot send while the session is ${this.#state}`);
    }
  }

  // --- connecting ---------------------------------------------------------------------------------

  #initiation(reconnectAttempt: number): ConversationInitiationClientData {
    const replay = this.#reconnect?.replayGreeting ?? false;
    return buildInitiation(this.#options.initiation, reconnectAttempt > 0 && !replay);
  }

  /** One connection attempt: resolves on metadata, rejects with AttemptFailed if it ends before. */
  async #attempt(reconnectAttempt: number): Promise<ConversationInfo> {
    const url = await resolveEndpoint(
      this.#options.endpoint,
      this.#options.fetch ?? globalThis.fetch?.bind(globalThis),
    );
    if (this.#ending()) throw new AttemptFailed(this.#pendingEnd ?? this.#endReason!);
    const attempt = new Attempt({
      WebSocket: this.#WebSocket,
      url,
      initiation: () => encodeClientMessage(this.#initiation(reconnectAttempt)),
      metadataTimeoutMs: this.#options.metadataTimeoutMs ?? 10_000,
      queueWaitMs: this.#options.queueWaitMs ?? 120_000,
      now: this.#now,
    });
    this.#connection = attempt;
    // Subscribed in the task that opened the socket, so before anything can arrive on it.
    const router = this.#router;
    let info: ConversationInfo | undefined;
    attempt.on('opened', (message) => {
      // Taken before anything else runs, so nothing #opened does can leave `info` unset.
      info = conversationInfo(message, reconnectAttempt);
      this.#opened(message, info);
    });
    attempt.on('message', (message) => router.route(message, attempt));
    attempt.on('unreadable', (error) => router.unreadable(error));
    attempt.on('serverError', (message) => router.serverError(message));
    attempt.on('queue', (status) => this.#events.fire('queue', { status }));
    attempt.on('closed', (code, reason, lastError) => this.#closedAfterOpen(code, reason, lastError));
    await attempt.ready;
    // `ready` resolves only after `opened`.
    return info!;
  }

  #opened(message: ConversationInitiationMetadataMessage, info: ConversationInfo): void {
    this.#info = info;
    this.#turns.reset();
    this.#line.reset();
    // close() may have been called while the metadata was in flight: stay `closing`.
    if (this.#state === 'connecting') this.#setState('open');
    this.#events.fire('conversation:start', info);
    this.#events.fire('message', message);
  }

  #closedAfterOpen(code: number, reason: string, lastError: ServerErrorInfo | undefined): void {
    if (this.#pendingEnd) return this.#finish(this.#pendingEnd);
    const end = this.#line.busy ? BUSY : classifyClose({ code, reason, lastError });
    if (this.#reconnect && shouldReconnect(end)) void this.#reconnectLoop(this.#reconnect, end);
    else this.#finish(end);
  }

  async #reconnectLoop(policy: ResolvedReconnect, cause: EndReason): Promise<void> {
    this.#setState('connecting');
    let last = cause;
    let retryAfterMs: number | undefined;
    for (;;) {
      const now = this.#now();
      this.#attemptTimes = this.#attemptTimes.filter((t) => now - t < policy.windowMs);
      const attempt = this.#attemptTimes.length + 1;
      if (attempt > policy.maxAttempts) break;
      this.#attemptTimes.push(now);
      const delayMs = reconnectDelay(attempt, policy, last, retryAfterMs);
      this.#events.fire('reconnecting', { attempt, maxAttempts: policy.maxAttempts, delayMs, cause: last });
      await this.#pause.sleep(delayMs);
      if (this.#ending()) return;
      try {
        await this.#attempt(attempt);
        return;
      } catch (error) {
        if (this.#ending()) return this.#finish(this.#pendingEnd ?? last);
        const failure = attemptFailure(error);
        last = failure.endReason;
        retryAfterMs = failure.retryAfterMs;
        if (!shouldReconnect(last)) return this.#finish(last);
      }
    }
    const message = `Could not reconnect after ${policy.maxAttempts} attempts: ${last.kind === 'error' ? last.message : last.reason}`;
    this.#finish({ kind: 'error', error: 'reconnect_failed', code: last.code, reason: last.reason, message });
  }

  /** close() was called, the agent ended the call, or the session is already closed. */
  #ending(): boolean {
    return this.#pendingEnd !== undefined || this.#state === 'closed';
  }

  #finish(reason: EndReason): void {
    if (this.#state === 'closed') return;
    const end = this.#pendingEnd ?? reason;
    this.#pause.wake();
    // Unreachable in normal flow (the socket reports its close first), but never leave one open.
    this.#connection?.close(CloseCode.Normal, USER_ENDED, 0);
    this.#connection = undefined;
    this.#endReason = end;
    this.#setState('closed');
    this.#events.fire('conversation:end', end);
    this.#events.clear();
    this.#resolveClosed();
  }

  /** The single state setter. */
  #setState(next: SessionState): void {
    const previous = this.#state;
    if (previous === next || previous === 'closed') return;
    this.#state = next;
    this.#events.fire('state', next, previous);
  }
}

function conversationInfo(
  message: ConversationInitiationMetadataMessage,
  reconnectAttempt: number,
): ConversationInfo {
  const ev = message.conversation_initiation_metadata_event;
  return {
    conversationId: ev.conversation_id,
    // The decoder has already rejected formats outside the published set.
    outputFormat: parseAudioFormat(ev.agent_output_audio_format)!,
    inputFormat: parseAudioFormat(ev.user_input_audio_format ?? DEFAULT_AUDIO_FORMAT)!,
    reconnectAttempt,
  };
}
