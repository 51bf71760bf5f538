import type { ClientToolHandler } from '../session/tools.js';
import type { ConversationInputs } from './conversation-parts.js';

/**
 * What the session calls for one of the game's tools. The game's handler is looked up when the
 * call arrives, so one set after the conversation opened counts; a name the game only listens for
 * (`tool:<name>`) gets the default success result. A handler that throws or rejects gives the agent
 * an error result, and the game hears through `failed` that its own handler broke.
 */
export function gameToolHandler(
  name: string,
  game: Pick<ConversationInputs, 'toolHandler' | 'hasToolListener'>,
  failed: (message: string, cause: unknown) => void,
): ClientToolHandler {
  return (params, call) => {
    const h = game.toolHandler(name);
    if (!h) {
      if (game.hasToolListener(name)) return undefined;
      throw new Error(`Client tool with name ${name} is not defined on client`);
    }
    const fail = (err: unknown): never => {
      failed(`The ${name} tool handler threw: ${(err as Error)?.message ?? String(err)}`, err);
      throw err;
    };
    try {
      const result = h(params, call);
      return result instanceof Promise ? result.catch(fail) : result;
    } catch (err) {
      return fail(err);
    }
  };
}
