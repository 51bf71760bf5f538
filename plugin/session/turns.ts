/**
 * Turn bookkeeping: which agent response is playing, which audio is stale after an interruption
 * (server `interruption` or a local `interrupt()`), which turn feedback applies to, and the time from
 * the end of the player's turn to the first audio of the reply.
 */
import { InterruptionGate } from '../protocol/index.js';

export class TurnTracker {
  readonly #gate = new InterruptionGate();
  #now: () => number;
  /** Event id of the newest accepted agent audio. */
  #audioEventId: number | undefined;
  /** Event id of the newest agent turn (audio or agent_response): the default feedback target. */
  #agentEventId: number | undefined;
  /** When the player's last turn ended (user_transcript arrived or text was sent); cleared once measured. */
  #userTurnEndedAt: number | undefined;
  #lastTurnFirstAudioMs: number | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  get agentEventId(): number | undefined {
    return this.#agentEventId;
  }

  get lastTurnFirstAudioMs(): number | undefined {
    return this.#lastTurnFirstAudioMs;
  }

  userTurnEnded(): void {
    this.#userTurnEndedAt = this.#now();
  }

  agentResponse(eventId: number): void {
    if (this.#agentEventId === undefined || eventId > this.#agentEventId) this.#agentEventId = eventId;
  }

  /**
   * An audio chunk arrived. Returns undefined when it belongs to an interrupted response (drop it),
   * otherwise whether it is the first chunk of its response.
   */
  audio(eventId: number): { firstOfResponse: boolean } | undefined {
    if (!this.#gate.accepts(eventId)) return undefined;
    const first = eventId !== this.#audioEventId;
    if (first) {
      this.#audioEventId = eventId;
      this.agentResponse(eventId);
      if (this.#userTurnEndedAt !== undefined) {
        this.#lastTurnFirstAudioMs = this.#now() - this.#userTurnEndedAt;
        this.#userTurnEndedAt = undefined;
      }
    }
    return { firstOfResponse: first };
  }

  serverInterruption(eventId: number): void {
    this.#gate.serverInterruption(eventId);
  }

  /** Local interrupt: cut the response now playing. Returns its id, or undefined if nothing to cut. */
  cutCurrent(): number | undefined {
    const id = this.#audioEventId;
    return id !== undefined && this.#gate.cutResponse(id) ? id : undefined;
  }

  /** A reconnect is a new conversation with its own event ids. */
  reset(): void {
    this.#gate.reset();
    this.#audioEventId = undefined;
    this.#agentEventId = undefined;
    this.#userTurnEndedAt = undefined;
  }
}
