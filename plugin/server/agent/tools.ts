/**
 * Client tool calls: `client_tool_call` out, and, when the tool expects a response, a wait for the
 * matching `client_tool_result` (or a timeout, or the turn being interrupted).
 */
import type { ClientToolCallMessage } from '../../protocol/index.js';

export class ToolCalls {
  readonly #waiters = new Map<string, (result: string | null) => void>();
  #count = 0;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #send: (m: ClientToolCallMessage) => void;

  constructor(prefix: string, timeoutMs: number, send: (m: ClientToolCallMessage) => void) {
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
    this.#send = send;
  }

  /**
   * Resolves with the result text, or null: nothing was awaited, the turn was interrupted, or the
   * tool failed or did not answer in time. A failure is not a value: a reply's `{{tool.…}}` then
   * has none and is left out, so an NPC never reads "error: …" aloud.
   */
  call(
    name: string,
    parameters: Record<string, unknown>,
    expectsResponse: boolean,
    eventId: number,
    signal: AbortSignal,
  ): Promise<string | null> {
    const id = `toolu_local_${this.#prefix}_${++this.#count}`;
    this.#send({
      type: 'client_tool_call',
      client_tool_call: {
        tool_name: name,
        tool_call_id: id,
        parameters,
        event_id: eventId,
        expects_response: expectsResponse,
      },
    });
    if (!expectsResponse) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (result: string | null): void => {
        clearTimeout(timer);
        this.#waiters.delete(id);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = (): void => done(null);
      const timer = setTimeout(() => done(null), this.#timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.#waiters.set(id, done);
    });
  }

  /** A `client_tool_result` arrived; unknown ids (late, duplicate) are ignored. */
  result(toolCallId: string, result: string, isError: boolean): void {
    this.#waiters.get(toolCallId)?.(isError ? null : result);
  }

  cancelAll(): void {
    for (const done of [...this.#waiters.values()]) done(null);
  }
}
