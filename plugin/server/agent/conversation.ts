/**
 * One conversation on one WebSocket, speaking the ConvAI protocol (docs/convai-protocol.md):
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
import { LlmError } from './llm.js';
import { buildPlan, type SessionPlan } from './persona.js';
import type { AgentRuntime } from './runtime.js';
import { Channel, IdleWatch, Pinger } from './channel.js';
import { ContextStore, contextCutNotice } from './context-store.js';
import { ToolCalls } from './tools.js';
import { Turns } from './turns.js';
import { VoiceInput, type SpokenTurn } from './voice-input.js';
import { ASR_UNAVAILABLE_NOTICE, asrLanguageNotice, VoiceLines } from './voice-lines.js';
import { audioChunkPayload, frameBytes, frameText, isAudioChunkFrame, pcmFromBase64 } from './incoming.js';

export { ASR_UNAVAILABLE_NOTICE, BUSY_LINE } from './voice-lines.js';

/** Client-side recognition: how long a spoken turn waits for the client's words after it ended... */
const CLIENT_TEXT_WAIT_MS = 1500;
/** ...and how much earlier than its end the words may have come (a recognizer can beat our VAD). */
const CLIENT_TEXT_EARLY_MS = 2500;

export class Conversation {
  #state: 'awaiting_init' | 'queued' | 'open' | 'closed' = 'awaiting_init';
  #plan: SessionPlan | null = null;
  #lastEventId = 0;
  #feedbackLogged = 0;
  readonly #idle: IdleWatch;
  readonly #turns: Turns;
  /** The offline recognizer speaks this NPC's language (English). */
  #hearsSpeech = false;
  /** When the client last sent words (`user_message`), for client-side recognition. */
  #lastClientTextAt = -Infinity;
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
      () => this.#turns.busy,
      () =>
        this.fail(
          1002,
          'transport_receive_timeout',
          'No user input received for a while: the conversation timed out.',
        ),
    );
    this.#voiceLines = new VoiceLines(npc.local);
    this.#tools = new ToolCalls(id.slice(-6), rt.limits.toolTimeoutMs, (m) => this.#send(m));
    this.#turns = new Turns({
      rt,
      socket: ws,
      format,
      context: this.#context,
      tools: this.#tools,
      send: (m) => this.#send(m),
      sendRaw: (f) => this.#sendRaw(f),
      nextId: () => this.#nextId(),
      input: () => this.#idle.input(),
      crash: (err) => this.#crash(err),
      fail: (code, type, message) => this.fail(code, type, message),
    });
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
        this.#turns.interrupt();
      },
      turn: (t) => this.#onVoiceTurn(t),
      // With the client's own recognizer its words are the turn's: no reason to cut the player short.
      endsEarly: () => !this.#clientAsr && this.#turns.judges,
      sure: (text, readings) => this.#turns.wouldAnswer(text, readings),
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
    this.#turns.stop();
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
    // The official SDKs (they name themselves in source_info) take the metadata as the first frame
    // or never start (docs/convai-protocol.md §1.6): they wait in line without a word. Other clients,
    // this plugin's session among them, are told where they stand.
    const tell = init.source_info === undefined;
    const status = (s: 'waiting' | 'admitted' | 'timed_out') => {
      if (tell) this.#send({ type: 'queue_status', queue_status_event: { status: s } });
    };
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
    this.#turns.begin({
      plan: planned.plan,
      brain: this.#rt.brainFor(planned.plan),
      memory: this.#rt.memoryFor(init.user_id, this.#npc.id),
    });
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
          if (this.#state === 'open' && planned.plan.firstMessage && !this.#turns.busy)
            this.#turns.speakLine(planned.plan.firstMessage);
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
        if (msg.text && msg.text.trim()) return this.#turns.reply(msg.text.trim());
        return;
      case 'multimodal_message':
        this.#idle.input();
        // Only its text part, and only text: a malformed part is not worth ending the conversation.
        if (typeof msg.text?.text === 'string' && msg.text.text.trim())
          return this.#turns.reply(msg.text.text.trim());
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
    if (t.kind === 'heard') return this.#turns.reply(t.text, t.endedAt, t.eventId, t.readings);
    const line = this.#voiceLines.lineFor(t.kind);
    if (line) this.#turns.speakLine(line, { record: false });
  }
}
