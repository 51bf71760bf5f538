/**
 * The brain decides what the NPC says. Two implementations: the NPC file's `local` rules (the
 * default, instant and offline) and an OpenAI-compatible chat endpoint (./llm.ts). Both see the
 * conversation so far, the latest contextual updates and the dynamic variables.
 */
import type { DynamicVariableValue } from '../../protocol/index.js';
import { substituteVariables } from '../speech/text.js';
import type { SessionPlan } from './persona.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface BrainContext {
  plan: SessionPlan;
  history: readonly ChatTurn[];
  /** Latest `contextual_update` per `context_id` (updates without an id get their own slot). */
  context: ReadonlyMap<string, string>;
  variables: Readonly<Record<string, DynamicVariableValue>>;
  /** Results of client tools called earlier in this turn, by tool name. */
  toolResults: ReadonlyMap<string, string>;
}

export type BrainStep =
  /** `final`: nothing more will be said this turn (the full reply text is known). */
  | { kind: 'text'; text: string; final?: boolean }
  | { kind: 'tool'; name: string; parameters: Record<string, unknown>; expectsResponse: boolean };

export interface Brain {
  readonly name: string;
  respond(userText: string, ctx: BrainContext, signal: AbortSignal): AsyncIterable<BrainStep>;
}

/** Words, lower case, with a crude plural strip so "potions" matches "potion". */
export function matchWords(s: string): string[] {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/'s$/, '').replace(/(?<=\w{3})s$/, ''));
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (words[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * The reply whose `when` phrases match what the player said. A longer matching phrase is more
 * specific and wins ("guild master" over "master"); on a tie the earlier reply wins, so designers
 * order replies by importance.
 */
export function pickReply<R extends { when: string[] }>(replies: readonly R[], text: string): R | undefined {
  const words = matchWords(text);
  let best: R | undefined;
  let bestScore = 0;
  for (const reply of replies) {
    let score = 0;
    for (const w of reply.when) {
      const phrase = matchWords(w);
      if (containsPhrase(words, phrase)) score = Math.max(score, phrase.length);
    }
    if (score > bestScore) {
      best = reply;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Dynamic variables, the latest contextual updates (by context id) and tool results fill `{{…}}`.
 * One with no value yet (the game has not sent that context, the tool has not run) is left out:
 * an NPC must never read "{{context.weather}}" aloud. Validation warns about names no file defines.
 */
function fill(text: string, ctx: BrainContext, extra: Record<string, string>): string {
  const vars: Record<string, unknown> = { ...ctx.variables, ...extra };
  for (const [id, value] of ctx.context) vars[`context.${id}`] = value;
  for (const [name, value] of ctx.toolResults) vars[`tool.${name}`] = value;
  const { text: out, missing } = substituteVariables(text, vars);
  if (missing.length === 0) return out;
  return out
    .replace(/\{\{\s*[\w.-]+\s*\}\}/g, '')
    .replace(/\s+([,.!?;:])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export function createLocalBrain(): Brain {
  return {
    name: 'npc-rules',
    async *respond(userText, ctx) {
      const local = ctx.plan.npc.local;
      const reply = pickReply(local.replies, userText);
      const extra = { user_text: userText };
      if (reply?.tool) {
        yield {
          kind: 'tool',
          name: reply.tool.name,
          parameters: reply.tool.parameters ?? {},
          expectsResponse: reply.tool.expects_response ?? false,
        };
      }
      yield { kind: 'text', text: fill(reply ? reply.say : local.fallback, ctx, extra), final: true };
    },
  };
}

/**
 * The brain's reply cut to `maxChars` (at the last word before the cap), then ended: an LLM that
 * rambles, or a rule filled with a huge variable, cannot hold the shared speech engine. Ending the
 * iteration early also closes the LLM's stream.
 */
export function cappedBrain(brain: Brain, maxChars: number): Brain {
  return {
    name: brain.name,
    async *respond(userText, ctx, signal) {
      let said = 0;
      for await (const step of brain.respond(userText, ctx, signal)) {
        if (step.kind !== 'text') {
          yield step;
          continue;
        }
        if (said + step.text.length <= maxChars) {
          said += step.text.length;
          yield step;
          continue;
        }
        const room = maxChars - said;
        const space = step.text.lastIndexOf(' ', room);
        const text = step.text.slice(0, space > 0 ? space : room).trimEnd();
        yield { kind: 'text', text: `${text}…`, final: true };
        return;
      }
    },
  };
}
