import type { AgentAudioChunk } from '../session/types.js';
import type { ClientToolHandler } from '../session/tools.js';
import { gameToolHandler } from './conversation-tools.js';
import type { EndReason } from '../protocol/index.js';
import { TurnReveal } from './bubble/reveal.js';
import { cleanAgentText } from './bubble/text.js';
import type { NpcState, VoiceAgentsError } from './events.js';
import type {
  ConversationBubble,
  ConversationInputs,
  ConversationVoice,
  NpcEmission,
  SessionLike,
} from './conversation-parts.js';
import { Emitter } from '../common/emitter.js';
import { SessionError } from '../session/errors.js';

/**
 * What a conversation reports. It owns none of its NPC's state: whoever owns that (the director)
 * listens and decides.
 */
interface ConversationEvents {
  /** The NPC's state as this conversation sees it. */
  state: (state: NpcState) => void;
  /** Something game code hears as the NPC's own event. */
  npc: (...event: NpcEmission) => void;
  /** The player's words (a transcript): the player's bubble shows them. */
  'player:said': (text: string) => void;
  /** The session ended (not reported for a disposed conversation). */
  end: (reason: EndReason) => void;
}

/** A voice quiet this long has finished its turn (a late chunk is far quicker than this). */
const QUIET_END_MS = 1000;

/** A turn's text with no audio after this long is shown as text only. */
const TEXT_ONLY_AFTER_MS = 800;

/** Greeting audio held back while prewarmed is capped (about 60 s at 16 kHz). */
const MAX_HELD_SAMPLES = 16000 * 60;

/**
 * One open conversation: an AgentSession, the NPC's voice and its speech bubble. Created when the
 * proximity tracker opens it (prewarm or active), disposed when it closes or its sprite goes away.
 * While prewarmed it is connected but silent: the greeting is held back and plays the moment the
 * NPC becomes active, and no microphone audio is sent.
 */
export class Conversation extends Emitter<ConversationEvents> {
  readonly #offs: (() => void)[] = [];
  #held: AgentAudioChunk[] | null = [];
  #heldSamples = 0;
  readonly #reveals = new Map<number, TurnReveal>();
  /** When each turn's text arrived (a turn with no audio after a while is text-only). */
  readonly #respondedAt = new Map<number, number>();
  readonly #corrected = new Set<number>();
  readonly #startedTurns = new Set<number>();
  /** The voice reported that it cannot play (see the constructor). */
  #voiceless = false;
  readonly #sentContext = new Map<string, string>();
  #disposed = false;
  #opened = false;
  /** Typed before the conversation opened: sent, in order, once it does. */
  readonly #typedEarly: string[] = [];
  #active = false;
  /** Whether the player ever arrived (a prewarm that timed out unused is not worth an error). */
  everActive = false;
  #userTurnEndedAt = -1;
  /** When the voice last went quiet (-1 while speaking). */
  #quietSince = -1;
  #activatedAt = -1;
  conversationId = '';
  inputRate = 16000;
  pingMs: number | null = null;
  /** End of the player's turn (or activation, for the greeting) to the reply being audible. */
  timeToFirstAudioMs: number | null = null;

  readonly #in: ConversationInputs;
  constructor(
    inputs: ConversationInputs,
    readonly session: SessionLike,
    readonly voice: ConversationVoice | null,
    readonly bubble: ConversationBubble,
  ) {
    super();
    this.#in = inputs;
    const s = session;
    this.#offs.push(
      s.on('state', (st) => {
        if (st === 'connecting') this.emit('state', 'connecting');
      }),
      s.on('conversation:start', (info) => {
        if (info.reconnectAttempt > 0) this.#startOver();
        this.#opened = true;
        this.conversationId = info.conversationId;
        this.inputRate = info.inputFormat.sampleRate;
        this.#sentContext.clear();
        for (const [k, v] of this.#in.contexts()) this.sendContext(k, v);
        for (const text of this.#typedEarly.splice(0)) this.sendText(text);
        this.emit('state', this.#active ? 'listening' : 'ready');
        this.emit('npc', 'conversation:start', {
          conversationId: info.conversationId,
          prewarm: !this.#active,
        });
      }),
      s.on('audio', (chunk) => this.#onAudio(chunk)),
      s.on('response', (e) => this.#onResponse(e.text, e.eventId)),
      s.on('correction', (e) => this.#onCorrection(e.corrected, e.original, e.eventId)),
      s.on('interruption', (e) => {
        this.#cutBubble();
        this.voice?.flush();
        if (this.#held) this.#held = this.#held.filter((c) => c.eventId > e.eventId);
        this.emit('npc', 'interruption', e.eventId);
      }),
      s.on('transcript', (e) => {
        if (e.final) this.#userTurnEndedAt = this.#in.now();
        this.emit('npc', 'transcript', e.text, e.final);
        this.emit('player:said', e.text);
      }),
      s.on('ping', (e) => {
        if (e.pingMs !== null) this.pingMs = e.pingMs;
      }),
      s.on('tool', (call) => {
        const { handled: _handled, ...c } = call;
        this.emit('npc', 'tool', c);
        this.emit('npc', `tool:${call.name}`, call.parameters, c);
      }),
      s.on('error', (err) => {
        // The idle timeout's error frame comes just before its close: the end says it, quietly.
        if (err.serverError?.errorType === 'transport_receive_timeout') return;
        const e: VoiceAgentsError = { kind: 'connection', message: err.message, cause: err };
        this.emit('npc', 'error', e);
      }),
      s.on('queue', ({ status }) => {
        if (status === 'waiting') this.emit('state', 'queued');
        else if (status === 'admitted')
          this.emit('state', this.#opened ? (this.#active ? 'listening' : 'ready') : 'connecting');
      }),
      s.on('reconnecting', (e) => {
        this.emit('state', 'connecting');
        this.emit('npc', 'reconnecting', {
          attempt: e.attempt,
          maxAttempts: e.maxAttempts,
          delayMs: e.delayMs,
          message: e.cause.kind === 'error' ? e.cause.message : 'The connection to the agent was lost.',
        });
      }),
      s.on('conversation:end', (reason) => this.#onEnd(reason)),
    );
    if (voice) {
      this.#offs.push(
        voice.on('turnstart', (turn) => {
          this.#startedTurns.add(turn);
          const since = this.#userTurnEndedAt >= 0 ? this.#userTurnEndedAt : this.#activatedAt;
          if (since >= 0) this.timeToFirstAudioMs = this.#in.now() - since;
          this.#userTurnEndedAt = this.#activatedAt = -1;
        }),
        voice.on('speaking', () => {
          this.#quietSince = -1;
          this.emit('state', 'speaking');
        }),
        voice.on('listening', () => {
          // Not the end of the bubble by itself: a late chunk (underrun) also drains the queue.
          this.#quietSince = this.#in.now();
          if (this.#opened && !this.#disposed) this.emit('state', this.#active ? 'listening' : 'ready');
        }),
        // Its processor could not load (a Content-Security-Policy, a page without AudioWorklet): the
        // turns it cannot play are read at their own pace instead of waiting for playback forever.
        voice.on('error', () => {
          this.#voiceless = true;
        }),
      );
    }
    this.#registerTools();
  }

  get active(): boolean {
    return this.#active;
  }

  get isOpen(): boolean {
    return this.#opened && !this.#disposed && this.session.state === 'open';
  }

  /** A tool handler for every name the game answers or listens for (read when the call arrives). */
  #registerTools(): void {
    // The session answers unknown tools with an error; listening for `tool:<name>` counts as handling it.
    const names = this.#in.toolNames();
    for (const name of names) this.#offs.push(this.session.registerTool(name, this.#toolProxy(name)));
  }

  /** Register a tool that the game started answering while this conversation was open. */
  addTool(name: string): void {
    if (this.#disposed) return;
    this.#offs.push(this.session.registerTool(name, this.#toolProxy(name)));
  }

  #toolProxy(name: string): ClientToolHandler {
    return gameToolHandler(name, this.#in, (message, cause) =>
      this.emit('npc', 'error', { kind: 'tool', message, cause }),
    );
  }

  async connect(): Promise<void> {
    try {
      await this.session.connect();
    } catch {
      // A failed connect also ends the session: its 'conversation:end' event reports the reason (once).
    }
  }

  /** The player arrived: release the held greeting, route the microphone here (done by the plugin). */
  activate(): void {
    if (this.#active || this.#disposed) return;
    this.#active = true;
    this.everActive = true;
    this.#activatedAt = this.#in.now();
    const held = this.#held ?? [];
    this.#held = null;
    this.#heldSamples = 0;
    for (const c of held) this.#deliver(c);
    if (this.#opened) this.emit('state', this.voice?.mode === 'speaking' ? 'speaking' : 'listening');
  }

  /** The player walked out of range: the conversation stays open (lingers) but no longer gets the mic. */
  deactivate(): void {
    this.#active = false;
  }

  #onAudio(chunk: AgentAudioChunk): void {
    if (this.#held) {
      if (this.#heldSamples + chunk.pcm.length <= MAX_HELD_SAMPLES) {
        this.#held.push(chunk);
        this.#heldSamples += chunk.pcm.length;
      }
      return;
    }
    this.#deliver(chunk);
  }

  #deliver(chunk: AgentAudioChunk): void {
    const reveal = this.#revealFor(chunk.eventId);
    reveal.addAudio((chunk.pcm.length / chunk.sampleRate) * 1000, chunk.alignment ?? null);
    if (this.voice) this.voice.push(chunk.pcm, chunk.sampleRate, chunk.eventId);
  }

  #revealFor(eventId: number): TurnReveal {
    let r = this.#reveals.get(eventId);
    if (!r) {
      r = new TurnReveal();
      this.#reveals.set(eventId, r);
      // Keep only the last few turns' bookkeeping.
      for (const k of this.#reveals.keys()) if (k < eventId - 8) this.#reveals.delete(k);
    }
    return r;
  }

  #onResponse(text: string, eventId: number): void {
    this.#respondedAt.set(eventId, this.#in.now());
    for (const k of this.#respondedAt.keys()) if (k < eventId - 8) this.#respondedAt.delete(k);
    const clean = cleanAgentText(text, 'drop').text;
    this.emit('npc', 'response', clean, eventId);
    if (this.#disposed) return; // a listener detached the NPC: its bubble is gone
    const reveal = this.#revealFor(eventId);
    reveal.setText(clean); // the same text whatever the tag style: tags only add emotes
    this.bubble.show(text, this.#in.now(), { turnId: eventId, followsAudio: this.voice !== null, reveal });
    if (this.#corrected.has(eventId)) this.bubble.end(this.#in.now());
  }

  #onCorrection(corrected: string, original: string, eventId: number): void {
    this.#corrected.add(eventId);
    this.emit(
      'npc',
      'correction',
      cleanAgentText(corrected, 'drop').text,
      cleanAgentText(original, 'drop').text,
      eventId,
    );
    if (!this.#disposed && this.bubble.turnId === eventId) this.bubble.correct(corrected, this.#in.now());
  }

  /**
   * A reconnect opened a new conversation, whose turn ids start over: nothing keyed by the old ids
   * may stand (a new turn 3 is not the old turn 3), and what the old one was saying has ended.
   */
  #startOver(): void {
    this.#cutBubble();
    this.voice?.restart();
    this.#reveals.clear();
    this.#respondedAt.clear();
    this.#corrected.clear();
    this.#startedTurns.clear();
    if (this.#held) this.#held = [];
    this.#heldSamples = 0;
  }

  /**
   * A barge-in or skip is about to cut the voice: until the server's correction arrives (it does
   * not for a local skip), the bubble keeps exactly what was heard.
   */
  #cutBubble(): void {
    const turn = this.bubble.turnId;
    if (turn < 0 || this.#corrected.has(turn)) return;
    const reveal = this.#reveals.get(turn);
    if (!reveal) return;
    const pos = this.voice && this.voice.turnId === turn ? this.voice.playbackPositionMs : 0;
    const heard =
      this.#startedTurns.has(turn) && this.voice?.turnId !== turn ? reveal.length : reveal.countAt(pos);
    this.bubble.cutAt(heard, this.#in.now());
  }

  /** Voice playback position for the bubble's turn (null: not started yet). */
  positionFor(turnId: number): number | null {
    const v = this.voice;
    if (!v) return null;
    if (!this.#startedTurns.has(turnId)) {
      // A turn whose text came without audio (a text-only agent): reveal at reading speed. Not
      // while prewarmed: the greeting's audio is held back, not missing.
      const at = this.#respondedAt.get(turnId);
      const r = this.#reveals.get(turnId);
      if (this.#held || at === undefined || !r || (r.hasAudio && !this.#voiceless)) return null;
      const waited = this.#in.now() - at - TEXT_ONLY_AFTER_MS;
      return waited > 0 ? waited : null;
    }
    // Moved on to another turn, or quiet for longer than any underrun: the turn was all heard.
    if (v.turnId !== turnId || (this.#quietSince >= 0 && this.#in.now() - this.#quietSince > QUIET_END_MS))
      return Number.MAX_SAFE_INTEGER;
    return v.playbackPositionMs;
  }

  sendAudio(pcm: Int16Array): void {
    if (this.#active && this.isOpen) this.session.sendAudio(pcm);
  }

  /** Typed words: sent now, or kept for the moment the conversation opens (false once it ended). */
  sendText(text: string): boolean {
    if (this.#disposed) return false;
    if (!this.#opened && this.#typedEarly.length < 8) {
      this.#typedEarly.push(text);
      return true;
    }
    if (!this.isOpen || !this.#sent(() => this.session.sendText(text))) return false;
    this.#userTurnEndedAt = this.#in.now();
    return true;
  }

  sendContext(key: string, text: string): void {
    if (!this.isOpen || this.#sentContext.get(key) === text) return;
    if (this.#sent(() => this.session.sendContextualUpdate(text, key))) this.#sentContext.set(key, text);
  }

  /**
   * Whether a send went out. When the agent closes the socket, the session says `open` for one more
   * round trip while the socket is already closing, and a send then throws: that is a message lost
   * with the conversation (whose end follows), not an exception for the game's update loop.
   */
  #sent(send: () => void): boolean {
    try {
      send();
      return true;
    } catch (err) {
      if (err instanceof SessionError) return false;
      throw err;
    }
  }

  /** The local interrupt: stop this turn now; the bubble keeps what was heard. */
  skip(): void {
    if (this.#disposed) return;
    if (this.session.state === 'open') this.session.interrupt();
    else this.voice?.flush();
  }

  #onEnd(reason: EndReason): void {
    if (!this.#disposed) this.emit('end', reason);
  }

  /** Close the session and release the voice and listeners. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#offs.splice(0)) off();
    this.#held = null;
    try {
      const closing = this.session.close();
      if (closing && typeof (closing as Promise<unknown>).catch === 'function')
        (closing as Promise<unknown>).catch(() => undefined);
    } catch {
      // Closing an already dead socket: nothing to do.
    }
    this.voice?.dispose();
    this.bubble.end(this.#in.now());
    this.removeAllListeners();
  }
}
