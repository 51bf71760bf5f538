/**
 * The agent's side of one conversation: the turn it is speaking, the history its brain reads, and
 * barge-in. A turn is a fixed line (greeting, "say again", notices) or a reply to the player's words;
 * a new turn interrupts the one before it. Ids follow the service: an interruption's id is above
 * the interrupted audio's, and the next reply's is above the interruption's.
 */
import type { ServerMessage, AudioFormatInfo } from '../../protocol/index.js';
import { SentenceStream, splitSentences } from '../speech/text.js';
import type { Brain, BrainContext, ChatTurn } from './brain.js';
import type { LocalAgentNotice } from './channel.js';
import type { ContextStore } from './context-store.js';
import type { SessionPlan } from './persona.js';
import type { AgentRuntime } from './runtime.js';
import type { Speaker } from './speaker.js';
import type { ToolCalls } from './tools.js';
import { speakerFor } from './turn-speaker.js';

/** A long conversation keeps its recent past only (memory, and the LLM's context window). */
const HISTORY_TURNS = 40;

/** What the turns need from their conversation: its wire, its event ids, and how it gives up. */
interface TurnLink {
  readonly rt: AgentRuntime;
  readonly socket: { readonly bufferedAmount: number };
  readonly format: AudioFormatInfo;
  readonly context: ContextStore;
  readonly tools: ToolCalls;
  /** False once nothing may be sent (the conversation closed). */
  send(message: ServerMessage | LocalAgentNotice): boolean;
  sendRaw(frame: string): boolean;
  nextId(): number;
  /** A finished turn counts as activity: the idle timeout starts over. */
  input(): void;
  crash(err: unknown): void;
  fail(code: 1002, errorType: string, message: string): void;
}

/** Who the NPC is in this conversation: set once the initiation was accepted. */
interface TurnMind {
  plan: SessionPlan;
  brain: Brain;
  /** What this NPC learned from this player, across the play session's conversations. */
  memory: Map<string, string> | undefined;
}

interface Turn {
  abort: AbortController;
  eventId: number;
  text: string;
  responseSent: boolean;
  speaker: Speaker | null;
  /**
   * This turn's line in the history the brain reads, or null when it is kept out (an unheard
   * "say again", a notice). Held here, not found as the history's last entry: a line kept out
   * must not overwrite the NPC's previous answer.
   */
  recorded: ChatTurn | null;
}

export class Turns {
  #turn: Turn | null = null;
  #mind: TurnMind | null = null;
  #stopped = false;
  readonly #history: ChatTurn[] = [];
  /** What the brain keeps between this conversation's turns (the reply it said last, …). */
  readonly #brainNotes = new Map<string, unknown>();
  readonly #link: TurnLink;

  constructor(link: TurnLink) {
    this.#link = link;
  }

  /** A turn is being spoken (or prepared): the player's silence is not idleness yet. */
  get busy(): boolean {
    return this.#turn !== null;
  }

  get #open(): boolean {
    return this.#mind !== null && !this.#stopped;
  }

  begin(mind: TurnMind): void {
    this.#mind = mind;
  }

  /** The conversation closed: the current turn stops where it is, and nothing new starts. */
  stop(): void {
    this.#stopped = true;
    this.#turn?.abort.abort();
    this.#turn?.speaker?.abort();
    this.#turn = null;
  }

  /** Barge-in: stop the current turn; tell the client what was actually heard. */
  interrupt(): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#turn = null;
    turn.abort.abort();
    const heard = turn.speaker ? turn.speaker.abort() : '';
    if (!turn.responseSent && !turn.speaker?.hasSentAudio) return; // the player heard nothing of it
    if (!turn.responseSent) this.#sendResponse(turn);
    const link = this.#link;
    link.send({ type: 'interruption', interruption_event: { event_id: link.nextId() } });
    link.send({
      type: 'agent_response_correction',
      agent_response_correction_event: {
        original_agent_response: turn.text,
        corrected_agent_response: heard,
        event_id: turn.eventId,
      },
    });
    if (turn.recorded) turn.recorded.content = heard;
  }

  /** A fixed line (greeting, notices): agent_response, then its audio. `record: false` keeps it out of the history. */
  speakLine(text: string, opts: { record?: boolean } = {}): void {
    if (!this.#open) return;
    const turn = this.#newTurn();
    turn.eventId = this.#link.nextId();
    turn.text = text;
    this.#sendResponse(turn);
    if (opts.record !== false) this.#history.push((turn.recorded = { role: 'assistant', content: text }));
    const speaker = this.#ensureSpeaker(turn);
    if (!speaker) {
      this.#turn = null;
      return;
    }
    for (const s of splitSentences(text)) speaker.enqueue(s);
    speaker.end();
    void this.#finish(turn);
  }

  /** The brain can tell whether it would answer spoken words (see wouldAnswer). */
  get judges(): boolean {
    return !!this.#mind?.brain.sure && this.#open;
  }

  /**
   * Whether the brain would answer these spoken words now rather than ask again (Brain.sure): the
   * player's pause may then end their turn. False for a brain that cannot tell.
   */
  wouldAnswer(text: string, readings?: readonly string[]): boolean {
    const mind = this.#mind;
    if (!mind?.brain.sure || !this.#open) return false;
    const ctx = this.#brainContext(mind, this.#history.slice(), new Map(), true);
    return mind.brain.sure(this.#hear(mind, text, readings, ctx), ctx);
  }

  /** The reading of spoken words the brain takes (Brain.hear), when the recognizer gave several. */
  #hear(mind: TurnMind, best: string, readings: readonly string[] | undefined, ctx: BrainContext): string {
    return readings?.length && mind.brain.hear ? mind.brain.hear(best, readings, ctx) : best;
  }

  #brainContext(
    mind: TurnMind,
    history: ChatTurn[],
    toolResults: Map<string, string>,
    spoken: boolean,
  ): BrainContext {
    return {
      plan: mind.plan,
      history,
      context: this.#link.context.entries,
      variables: mind.plan.variables,
      toolResults,
      notes: this.#brainNotes,
      ...(mind.memory ? { memory: mind.memory } : {}),
      spoken,
    };
  }

  /**
   * The player's words. `heardAs`: spoken words, with the event id of their transcript (sent once the
   * brain took them); `readings`: the recognizer's other readings of them, best first.
   */
  async reply(
    heardText: string,
    startedAt = performance.now(),
    heardAs?: number,
    readings?: readonly string[],
  ): Promise<void> {
    const mind = this.#mind;
    if (!mind || !this.#open) return;
    const link = this.#link;
    const turn = this.#newTurn();
    const history = this.#history.slice();
    // The reading taken is what the player is shown and what the history keeps: the words answered.
    const text =
      heardAs === undefined
        ? heardText
        : this.#hear(mind, heardText, readings, this.#brainContext(mind, history, new Map(), true));
    const said: ChatTurn = { role: 'user', content: text };
    this.#history.push(said);
    if (this.#history.length > HISTORY_TURNS) this.#history.splice(0, this.#history.length - HISTORY_TURNS);
    const toolResults = new Map<string, string>();
    const sentences = new SentenceStream();
    let unheard = false;
    const steps = mind.brain.respond(
      text,
      this.#brainContext(mind, history, toolResults, heardAs !== undefined),
      turn.abort.signal,
    );
    for await (const step of steps) {
      if (turn.abort.signal.aborted || !this.#open) return;
      if (heardAs !== undefined) {
        // Shown and kept only if the brain took them (`>>> 0`: if already trimmed, remove nothing).
        if (step.kind === 'text' && step.unheard) {
          this.#history.splice(this.#history.indexOf(said) >>> 0, 1);
          unheard = true; // and the "say again" stays out too: the history reads as if nothing was said
        } else
          link.send({
            type: 'user_transcript',
            user_transcription_event: { user_transcript: text, event_id: heardAs },
          });
        heardAs = undefined;
      }
      if (step.kind === 'tool') {
        const id = link.nextId();
        const result = await link.tools.call(
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
        turn.eventId = link.nextId();
        if (!unheard) this.#history.push((turn.recorded = { role: 'assistant', content: '' }));
      }
      turn.text += step.text;
      if (turn.recorded) turn.recorded.content = turn.text;
      if (step.final && !turn.responseSent) this.#sendResponse(turn);
      const speaker = this.#ensureSpeaker(turn, startedAt);
      for (const s of sentences.push(step.text)) speaker?.enqueue(s);
    }
    if (turn.abort.signal.aborted || !this.#open) return;
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
    await this.#finish(turn);
  }

  #sendResponse(turn: Turn): void {
    turn.responseSent = true;
    this.#link.send({
      type: 'agent_response',
      agent_response_event: { agent_response: turn.text, event_id: turn.eventId },
    });
  }

  #newTurn(): Turn {
    if (this.#turn) this.interrupt();
    return (this.#turn = {
      abort: new AbortController(),
      eventId: 0,
      text: '',
      responseSent: false,
      speaker: null,
      recorded: null,
    });
  }

  #ensureSpeaker(turn: Turn, startedAt?: number): Speaker | null {
    const plan = this.#mind?.plan;
    if (turn.speaker || !plan || plan.textOnly) return turn.speaker;
    const link = this.#link;
    turn.speaker = speakerFor(link.rt, {
      voice: plan.voice,
      format: link.format,
      eventId: turn.eventId,
      startedAt,
      socket: link.socket,
      send: (f) => link.sendRaw(f),
      crash: (err) => link.crash(err),
      fail: (code, type, message) => link.fail(code, type, message),
    });
    return turn.speaker;
  }

  /** The turn ends when its audio has played out at the client, not when the last frame was sent. */
  async #finish(turn: Turn): Promise<void> {
    await turn.speaker?.done;
    if (this.#turn !== turn || !turn.speaker) return;
    const remaining = turn.speaker.playbackEndsAt - performance.now();
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    if (this.#turn === turn) {
      this.#turn = null;
      this.#link.input();
    }
  }
}
