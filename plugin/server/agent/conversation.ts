/**
 * One conversation on one WebSocket, speaking the ConvAI protocol (shared/reference/convai-protocol.md):
 * initiation → metadata (then a short gap, as the service leaves) → greeting → turns. Turns start from typed
 * `user_message`s or from the microphone stream (VAD decides the end of a spoken turn). Player
 * speech while the NPC talks is a barge-in: `interruption` + `agent_response_correction`, with ids
 * as the service numbers them (interruption id > interrupted audio ids; next reply > interruption).
 */
import type { WebSocket } from 'ws';
import type { NpcDefinition } from '../../npc/types.js';
import {
  decodeClientFrame,
  type AudioFormatInfo,
  type ClientMessage,
  type ConversationInitiationClientData,
} from '../../protocol/index.js';
import { SentenceStream, splitSentences } from '../speech/text.js';
import type { Brain, ChatTurn } from './brain.js';
import { LlmError } from './llm.js';
import { buildPlan, type SessionPlan } from './persona.js';
import type { AgentRuntime } from './runtime.js';
import type { Speaker } from './speaker.js';
import { speakerFor } from './turn-speaker.js';
import { Channel, IdleWatch, Pinger } from './channel.js';
import { ContextStore, contextCutNotice } from './context-store.js';
import { ToolCalls } from './tools.js';
import { VoiceInput, type SpokenTurn } from './voice-input.js';
import { ASR_UNAVAILABLE_NOTICE, asrLanguageNotice, VoiceLines } from './voice-lines.js';
import { audioChunkPayload, frameBytes, frameText, isAudioChunkFrame, pcmFromBase64 } from './incoming.js';

export { ASR_UNAVAILABLE_NOTICE, BUSY_LINE } from './voice-lines.js';

/** Client-side recognition: how long a spoken turn waits for the client's words after it ended... */
const CLIENT_TEXT_WAIT_MS = 1500;
/** ...and how much earlier than its end the words may have come (a recognizer can beat our VAD). */
const CLIENT_TEXT_EARLY_MS = 2500;

interface Turn {
  abort: AbortController;
  eventId: number;
  text: string;
  responseSent: boolean;
  speaker: Speaker | null;
}

export class Conversation {
  #state: 'awaiting_init' | 'queued' | 'open' | 'closed' = 'awaiting_init';
  #plan: SessionPlan | null = null;
  #brain: Brain | null = null;
  #lastEventId = 0;
  #feedbackLogged = 0;
  readonly #idle: IdleWatch;
  #turn: Turn | null = null;
  readonly #history: ChatTurn[] = [];
  /** What the brain keeps between this conversation's turns (the reply it said last, …). */
  readonly #brainNotes = new Map<string, unknown>();
  /** The offline recognizer speaks this NPC's language (English). */
  #hearsSpeech = false;
  /** When the client last sent words (`user_message`), for client-side recognition. */
  #lastClientTextAt = -Infinity;
  /** What this NPC learned from this player, across the play session's conversations. */
  #memory: Map<string, string> | undefined;
  readonly #context: ContextStore;
  #toldContextCut = false;
  readonly #tools: ToolCalls;
  readonly #out: Channel;
  readonly #pinger: Pinger;
  readonly #voice: VoiceInput;
  readonly #voiceLines: VoiceLines;
  readonly #ws: WebSocket;
  readonly #rt: AgentRuntime<Conversation>;
  readonly #agentId: string;
  readonly #npc: NpcDefinition;
  readonly #format: AudioFormatInfo;
  readonly #waitForSlot: (() => Promise<boolean>) | undefined;
  readonly #clientAsr: boolean;

  constructor(
    ws: WebSocket,
    rt: AgentRuntime<Conversation>,
    readonly id: string,
    agentId: string,
    npc: NpcDefinition,
    format: AudioFormatInfo,
    /** Set when the agent is at capacity: resolves true once a slot is free, false when the wait ran out. */
    waitForSlot?: () => Promise<boolean>,
    /**
     * The client recognizes speech itself (the browser's recognizer, `?client_asr=1`) and sends
     * the words as `user_message`: a spoken turn waits briefly for them and is dropped when they
     * come; our recognizer's result is the fallback.
     */
    clientAsr = false,
  ) {
    this.#ws = ws;
    this.#rt = rt;
    this.#agentId = agentId;
    this.#npc = npc;
    this.#format = format;
    this.#waitForSlot = waitForSlot;
    this.#clientAsr = clientAsr;
    this.#out = new Channel(ws);
    this.#context = new ContextStore(rt.limits);
    this.#pinger = new Pinger(this.#out);
    this.#idle = new IdleWatch(
      rt.limits.idleTimeoutMs,
      () => this.#turn !== null,
      () =>
        this.fail(
          1002,
          'transport_receive_timeout',
          'No user input received for a while: the conversation timed out.',
        ),
    );
    this.#voiceLines = new VoiceLines(npc.local);
    this.#tools = new ToolCalls(id.slice(-6), rt.limits.toolTimeoutMs, (m) => this.#send(m));
    this.#voice = new VoiceInput(rt, {
      // No hints, no recognition: an NPC whose language the recognizer does not speak.
      hints: () => (this.#plan && this.#hearsSpeech ? this.#plan.hints : null),
      nextId: () => this.#nextId(),
      partial: (text, eventId) =>
        this.#send({
          type: 'tentative_user_transcript',
          tentative_user_transcription_event: { user_transcript: text, event_id: eventId },
        }),
      speechConfirmed: () => {
        this.#idle.input();
        if (this.#turn) this.#interrupt();
      },
      turn: (t) => this.#onVoiceTurn(t),
      crash: (err) => this.#crash(err),
    });
    this.#idle.input();
    ws.on('message', (data, isBinary) => this.#guard(() => this.#onFrame(data, isBinary)));
    ws.on('close', () => this.#dispose());
    ws.on('error', () => this.#dispose());
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  get awaitingInit(): boolean {
    return this.#state === 'awaiting_init';
  }

  // --- plumbing ---------------------------------------------------------------------------------

  #guard(fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((err: unknown) => this.#crash(err));
    } catch (err) {
      this.#crash(err);
    }
  }

  #crash(err: unknown): void {
    if (this.#state === 'closed') return;
    if (err instanceof LlmError) {
      this.#rt.log(`conversation ${this.id}: ${err.detail}`);
      return this.fail(1002, err.errorType, err.message);
    }
    this.#rt.log(`conversation ${this.id} crashed: ${(err as Error)?.stack ?? String(err)}`);
    this.fail(1011, 'unknown_websocket_crash', 'The local agent hit an internal error in this conversation.');
  }

  #sendRaw(frame: string): boolean {
    return this.#state !== 'closed' && this.#out.sendRaw(frame);
  }

  #send(message: Parameters<Channel['send']>[0]): boolean {
    return this.#state !== 'closed' && this.#out.send(message);
  }

  #nextId(): number {
    return ++this.#lastEventId;
  }

  /** An `error` frame, then the close with the same code (like the real service). */
  fail(code: 1000 | 1002 | 1008 | 1011, errorType: string, message: string): void {
    if (this.#state === 'closed') return;
    this.#dispose();
    this.#out.error(code, errorType, message);
  }

  close(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#dispose();
    this.#out.close(code, reason);
  }

  #dispose(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#pinger.stop();
    this.#idle.stop();
    this.#turn?.abort.abort();
    this.#turn?.speaker?.abort();
    this.#turn = null;
    this.#voice.close();
    this.#tools.cancelAll();
    this.#rt.onClosed(this);
  }

  // --- incoming frames ----------------------------------------------------------------------------

  #onFrame(data: unknown, isBinary: boolean): void | Promise<void> {
    if (this.#state === 'closed') return;
    const bytes = frameBytes(data);
    if (bytes > this.#rt.limits.maxFrameBytes) {
      return this.fail(
        1008,
        'invalid_message',
        `Frame of ${bytes} bytes exceeds the ${this.#rt.limits.maxFrameBytes}-byte limit.`,
      );
    }
    if (!isBinary && this.#state === 'open' && Buffer.isBuffer(data) && isAudioChunkFrame(data))
      return this.#onAudio(audioChunkPayload(data)); // no input until it holds speech (see onMessage)
    const text = frameText(data, isBinary);
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) {
      const e = decoded.error;
      if (
        this.#state === 'awaiting_init' ||
        ['not_text', 'malformed_json', 'not_an_object', 'missing_type'].includes(e.kind)
      ) {
        return this.fail(1008, 'invalid_message', `Invalid message: ${e.detail}`);
      }
      return; // unknown types and odd fields are ignored, like the real service
    }
    const msg = decoded.message;
    if (this.#state === 'awaiting_init') return this.#onInit(msg);
    // Like the service: what a client sends while it waits in line is dropped.
    if (this.#state === 'queued') return;
    return this.#onMessage(msg);
  }

  #onInit(msg: ClientMessage): void {
    if ('type' in msg && msg.type === 'enclave_setup_config') return;
    if (!('type' in msg) || msg.type !== 'conversation_initiation_client_data') {
      const what = 'type' in msg ? `"${msg.type}"` : 'user_audio_chunk';
      return this.fail(
        1008,
        'invalid_message',
        `Expected conversation_initiation_client_data first, got ${what}.`,
      );
    }
    if (!this.#waitForSlot) return this.#start(msg);
    void this.#queueThenStart(msg, this.#waitForSlot);
  }

  /** Every slot is taken: say so, wait in line, then start, or say the wait ran out and close. */
  async #queueThenStart(init: ConversationInitiationClientData, wait: () => Promise<boolean>): Promise<void> {
    this.#state = 'queued';
    this.#idle.pause(); // waiting is not the player's silence
    const status = (s: 'waiting' | 'admitted' | 'timed_out') =>
      this.#send({ type: 'queue_status', queue_status_event: { status: s } });
    status('waiting');
    const ok = await wait();
    if (this.#state !== 'queued') return; // closed meanwhile
    if (!ok) {
      status('timed_out');
      return this.fail(
        1002,
        'http_exception',
        `Every conversation slot stayed taken for ${this.#rt.limits.queueTimeoutMs} ms; try again later.`,
      );
    }
    status('admitted');
    this.#state = 'awaiting_init';
    this.#idle.resume();
    this.#start(init);
  }

  #start(init: ConversationInitiationClientData): void {
    const planned = buildPlan(
      this.#npc,
      init,
      { conversationId: this.id, agentId: this.#agentId },
      this.#rt.limits.maxFirstMessageChars,
    );
    if (!planned.ok) return this.fail(planned.code, planned.errorType, planned.message);
    this.#plan = planned.plan;
    this.#brain = this.#rt.brainFor(planned.plan);
    this.#memory = this.#rt.memoryFor(init.user_id, this.#npc.id);
    this.#state = 'open';
    this.#idle.input();
    this.#send({
      type: 'conversation_initiation_metadata',
      conversation_initiation_metadata_event: {
        conversation_id: this.id,
        agent_output_audio_format: this.#format.format,
        user_input_audio_format: 'pcm_16000',
      },
    });
    this.#out.hold();
    // The offline recognizer knows English only: an NPC speaking another language is typed to.
    const language = planned.plan.language || 'en';
    this.#hearsSpeech = this.#rt.recognizer !== null && /^en\b/.test(language);
    if (!planned.plan.textOnly && !this.#hearsSpeech)
      this.#send(this.#rt.recognizer ? asrLanguageNotice(language) : ASR_UNAVAILABLE_NOTICE);
    this.#pinger.start(this.#rt.pingIntervalMs);
    // The greeting starts after the gap too, so its synthesis cannot delay the metadata's delivery.
    setTimeout(
      () =>
        this.#guard(() => {
          this.#out.release();
          if (this.#state === 'open' && planned.plan.firstMessage && !this.#turn)
            this.#speakLine(planned.plan.firstMessage);
        }),
      this.#rt.metadataGapMs,
    );
  }

  #onMessage(msg: ClientMessage): void | Promise<void> {
    // Like the service, a microphone streaming silence is no input: only speech (and the messages
    // below) keep the conversation from timing out.
    if (!('type' in msg)) return this.#onAudio(msg.user_audio_chunk);
    switch (msg.type) {
      case 'pong':
        this.#pinger.pong(msg.event_id);
        return;
      case 'user_message':
        this.#idle.input();
        this.#lastClientTextAt = performance.now();
        if (msg.text && msg.text.trim()) return this.#userTurn(msg.text.trim());
        return;
      case 'multimodal_message':
        this.#idle.input();
        if (msg.text?.text?.trim()) return this.#userTurn(msg.text.text.trim());
        return;
      case 'contextual_update': {
        this.#idle.input();
        if (this.#context.update(msg.text, msg.context_id) && !this.#toldContextCut) {
          this.#toldContextCut = true;
          this.#send(contextCutNotice(msg.text.length, this.#rt.limits.maxContextUpdateChars));
        }
        return;
      }
      case 'user_activity':
        this.#idle.input();
        return;
      case 'client_tool_result':
        this.#idle.input();
        this.#tools.result(msg.tool_call_id, msg.result, msg.is_error);
        return;
      case 'feedback':
        // One line for the first few: a client sending feedback in a loop must not flood the log.
        if (++this.#feedbackLogged <= 3)
          this.#rt.log(
            `conversation ${this.id}: feedback ${msg.score ?? 'cleared'} on event ${msg.event_id}` +
              (this.#feedbackLogged === 3 ? ' (further feedback in this conversation is not logged)' : ''),
          );
        return;
      default:
        return; // conversation_initiation_client_data again, mcp approvals…: nothing to do
    }
  }

  // --- listening ------------------------------------------------------------------------------------

  #onAudio(b64: string): void {
    if (this.#plan?.textOnly) return;
    const pcm = pcmFromBase64(b64);
    if (pcm) this.#voice.push(pcm);
  }

  #onVoiceTurn(t: SpokenTurn): void | Promise<void> {
    if (this.#state !== 'open') return;
    this.#idle.input();
    if (this.#clientAsr && !t.late) {
      // The client's words for this turn may be on their way: wait a moment, and drop ours if they came.
      const endedAt = t.kind === 'heard' ? t.endedAt : performance.now();
      setTimeout(
        () =>
          this.#guard(() => {
            if (this.#lastClientTextAt >= endedAt - CLIENT_TEXT_EARLY_MS) return;
            return this.#onVoiceTurn({ ...t, late: true } as SpokenTurn);
          }),
        CLIENT_TEXT_WAIT_MS,
      );
      return;
    }
    if (t.kind === 'heard') return this.#userTurn(t.text, t.endedAt, t.eventId);
    const line = this.#voiceLines.lineFor(t.kind);
    if (line) this.#speakLine(line, { record: false });
  }

  // --- speaking -----------------------------------------------------------------------------------

  /** Barge-in: stop the current turn; tell the client what was actually heard. */
  #interrupt(): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#turn = null;
    turn.abort.abort();
    const heard = turn.speaker ? turn.speaker.abort() : '';
    if (!turn.responseSent && !turn.speaker?.hasSentAudio) return; // the player heard nothing of it
    if (!turn.responseSent) this.#sendResponse(turn);
    this.#send({ type: 'interruption', interruption_event: { event_id: this.#nextId() } });
    this.#send({
      type: 'agent_response_correction',
      agent_response_correction_event: {
        original_agent_response: turn.text,
        corrected_agent_response: heard,
        event_id: turn.eventId,
      },
    });
    const last = this.#history.at(-1);
    if (last?.role === 'assistant') last.content = heard;
  }

  #sendResponse(turn: Turn): void {
    turn.responseSent = true;
    this.#send({
      type: 'agent_response',
      agent_response_event: { agent_response: turn.text, event_id: turn.eventId },
    });
  }

  #newTurn(): Turn {
    if (this.#turn) this.#interrupt();
    return (this.#turn = {
      abort: new AbortController(),
      eventId: 0,
      text: '',
      responseSent: false,
      speaker: null,
    });
  }

  #ensureSpeaker(turn: Turn, startedAt?: number): Speaker | null {
    if (turn.speaker || this.#plan?.textOnly) return turn.speaker;
    turn.speaker = speakerFor(this.#rt, {
      voice: this.#plan!.voice,
      format: this.#format,
      eventId: turn.eventId,
      startedAt,
      socket: this.#ws,
      send: (f) => this.#sendRaw(f),
      crash: (err) => this.#crash(err),
      fail: (code, type, message) => this.fail(code, type, message),
    });
    return turn.speaker;
  }

  /** A fixed line (greeting, notices): agent_response, then its audio. */
  #speakLine(text: string, opts: { record?: boolean } = {}): void {
    const turn = this.#newTurn();
    turn.eventId = this.#nextId();
    turn.text = text;
    this.#sendResponse(turn);
    if (opts.record !== false) this.#history.push({ role: 'assistant', content: text });
    const speaker = this.#ensureSpeaker(turn);
    if (!speaker) {
      this.#turn = null;
      return;
    }
    for (const s of splitSentences(text)) speaker.enqueue(s);
    speaker.end();
    void this.#finishTurn(turn);
  }

  async #finishTurn(turn: Turn): Promise<void> {
    await turn.speaker?.done;
    if (this.#turn !== turn || !turn.speaker) return;
    const remaining = turn.speaker.playbackEndsAt - performance.now();
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    if (this.#turn === turn) {
      this.#turn = null;
      this.#idle.input();
    }
  }

  /** `heardAs`: spoken words, with the event id of their transcript (sent once the brain took them). */
  async #userTurn(text: string, startedAt = performance.now(), heardAs?: number): Promise<void> {
    if (!this.#plan || !this.#brain) return;
    const turn = this.#newTurn();
    const history = this.#history.slice();
    const said: ChatTurn = { role: 'user', content: text };
    this.#history.push(said);
    // A long conversation keeps its recent past only (memory, and the LLM's context window).
    if (this.#history.length > 40) this.#history.splice(0, this.#history.length - 40);
    const toolResults = new Map<string, string>();
    const sentences = new SentenceStream();
    const steps = this.#brain.respond(
      text,
      {
        plan: this.#plan,
        history,
        context: this.#context.entries,
        variables: this.#plan.variables,
        toolResults,
        notes: this.#brainNotes,
        ...(this.#memory ? { memory: this.#memory } : {}),
        spoken: heardAs !== undefined,
      },
      turn.abort.signal,
    );
    for await (const step of steps) {
      if (turn.abort.signal.aborted || this.#state !== 'open') return;
      if (heardAs !== undefined) {
        // Shown and kept only if the brain took them (`>>> 0`: if already trimmed, remove nothing).
        if (step.kind === 'text' && step.unheard) this.#history.splice(this.#history.indexOf(said) >>> 0, 1);
        else
          this.#send({
            type: 'user_transcript',
            user_transcription_event: { user_transcript: text, event_id: heardAs },
          });
        heardAs = undefined;
      }
      if (step.kind === 'tool') {
        const id = this.#nextId();
        const result = await this.#tools.call(
          step.name,
          step.parameters,
          step.expectsResponse,
          id,
          turn.abort.signal,
        );
        if (result !== null) toolResults.set(step.name, result);
        continue;
      }
      if (!turn.eventId) {
        turn.eventId = this.#nextId();
        if (!this.#history.at(-1) || this.#history.at(-1)!.role !== 'assistant')
          this.#history.push({ role: 'assistant', content: '' });
      }
      turn.text += step.text;
      this.#history.at(-1)!.content = turn.text;
      if (step.final && !turn.responseSent) this.#sendResponse(turn);
      const speaker = this.#ensureSpeaker(turn, startedAt);
      for (const s of sentences.push(step.text)) speaker?.enqueue(s);
    }
    if (turn.abort.signal.aborted || this.#state !== 'open') return;
    if (!turn.eventId) {
      this.#turn = null;
      return;
    }
    for (const s of sentences.flush()) turn.speaker?.enqueue(s);
    if (!turn.responseSent) this.#sendResponse(turn);
    turn.speaker?.end();
    if (!turn.speaker) {
      this.#turn = null;
      return;
    }
    await this.#finishTurn(turn);
  }
}
