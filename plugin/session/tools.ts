/**
 * Client tools: the agent asks the game to do something (`client_tool_call`) and, unless the tool is
 * fire-and-forget, waits for a `client_tool_result`. Decisions (documented in the README):
 * - a handler's string result is sent verbatim, `undefined` becomes the official client's
 *   "Client tool execution successful.", anything else is JSON-encoded;
 * - a throw or rejection becomes `is_error: true` with the error's message (a {@link ClientToolError}
 *   also sets `error_type`);
 * - an unknown tool gets an error result naming it: the agent is told, never left waiting;
 * - `expects_response: false` (the tool's "wait for response" is off) runs the handler and sends
 *   nothing, as Unity does: the service is not waiting and an unexpected result is not defined for it.
 *   Absent means "reply", as the JS client does.
 */
import type {
  ClientToolCallMessage,
  ClientToolErrorType,
  ClientToolResultMessage,
} from '../protocol/index.js';
import type { Unsubscribe } from '../common/emitter.js';

export interface ToolCall {
  name: string;
  id: string;
  parameters: Record<string, unknown>;
  eventId: number;
  expectsResponse: boolean;
}

export type ClientToolHandler = (parameters: Record<string, unknown>, call: ToolCall) => unknown;

/** Throw this from a handler to report a specific `error_type` (e.g. the player said no: `user_rejected`). */
export class ClientToolError extends Error {
  override readonly name = 'ClientToolError';
  constructor(
    message: string,
    readonly errorType: ClientToolErrorType = 'unknown',
  ) {
    super(message);
  }
}

export const DEFAULT_TOOL_RESULT = 'Client tool execution successful.';

export function toToolCall(message: ClientToolCallMessage): ToolCall {
  const c = message.client_tool_call;
  return {
    name: c.tool_name,
    id: c.tool_call_id,
    parameters: c.parameters,
    eventId: c.event_id,
    expectsResponse: c.expects_response !== false,
  };
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return DEFAULT_TOOL_RESULT;
  const json = JSON.stringify(value);
  // JSON.stringify returns undefined for functions and symbols.
  return json === undefined ? String(value) : json;
}

export class ToolRegistry {
  #handlers = new Map<string, ClientToolHandler>();

  /** Registers (or replaces) the handler for `name`. The returned function removes this handler only. */
  register(name: string, handler: ClientToolHandler): Unsubscribe {
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /** Runs the handler; never rejects. The result message is what should be sent (if the call expects one). */
  async run(call: ToolCall): Promise<ClientToolResultMessage> {
    const handler = this.#handlers.get(call.name);
    const base = { type: 'client_tool_result', tool_call_id: call.id } as const;
    if (!handler) {
      return {
        ...base,
        result: `Client tool with name ${call.name} is not defined on client`,
        is_error: true,
      };
    }
    try {
      return { ...base, result: stringify(await handler(call.parameters, call)), is_error: false };
    } catch (error) {
      const message = error instanceof Error ? error.message || error.name : String(error);
      const result: ClientToolResultMessage = { ...base, result: message, is_error: true };
      if (error instanceof ClientToolError) result.error_type = error.errorType;
      return result;
    }
  }
}
