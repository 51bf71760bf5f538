/**
 * The event-id rule for interruptions. All chunks of one agent response share an `event_id`;
 * ids increase through a conversation. After `interruption {event_id: N}` audio with `event_id < N`
 * belongs to the interrupted response and is dropped; `event_id >= N` is a later response and plays
 * (the JS and Unity rule: both keep the equality case, and the local agent never produces it for stale
 * audio, as the service does).
 */

/** True when audio of `eventId` must be dropped given the id below which everything is stale. */
export function isStaleAudio(eventId: number, dropBelow: number): boolean {
  return eventId < dropBelow;
}

/**
 * Tracks which agent audio may still play. Server interruptions and local (client-side) interrupts
 * both only ever raise the threshold, so a late or duplicated interruption can never resurrect audio.
 */
export class InterruptionGate {
  #dropBelow = -Infinity;

  /** Audio with an id below this is stale. `-Infinity` until the first interruption. */
  get dropBelow(): number {
    return this.#dropBelow;
  }

  /** Server `interruption {event_id: N}`: drop everything below N. */
  serverInterruption(eventId: number): void {
    if (eventId > this.#dropBelow) this.#dropBelow = eventId;
  }

  /**
   * Local interrupt of the response `eventId` (no wire message exists): drop that response and
   * everything before it. Returns false when that response was already cut.
   */
  cutResponse(eventId: number): boolean {
    if (eventId + 1 <= this.#dropBelow) return false;
    this.#dropBelow = eventId + 1;
    return true;
  }

  accepts(eventId: number): boolean {
    return !isStaleAudio(eventId, this.#dropBelow);
  }

  reset(): void {
    this.#dropBelow = -Infinity;
  }
}
