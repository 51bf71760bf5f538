/**
 * The brain decides what the NPC says. Two implementations: the NPC file's `local` rules (the
 * default, instant and offline) and an OpenAI-compatible chat endpoint (./llm.ts). Both see the
 * conversation so far, the latest contextual updates and the dynamic variables.
 */
import type { DynamicVariableValue } from '../../protocol/index.js';
import { substituteVariables } from '../speech/text.js';
import type { SessionPlan } from './persona.js';
import type { NpcLocalConfig, NpcLocalReply } from '../../npc/types.js';
import { ReplyMatcher, type ReplyRule } from './understand/match.js';
import { voteOnReadings } from './understand/vote.js';
import { factValue } from '../../npc/conditions.js';

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
  /** The brain's own notes for this conversation (kept from turn to turn, gone with it). */
  notes?: Map<string, unknown>;
  /**
   * What this NPC learned from this player (replies' `remember`), kept for the rest of the play
   * session, across conversations.
   */
  memory?: Map<string, string>;
  /**
   * The words came from the offline recognizer, which turns noise and accents into plausible
   * junk: a reply that would act (call a tool) on one matched word asks again instead.
   */
  spoken?: boolean;
}

/** A fact's value now: what the NPC remembers, else what the game said (`setFact`). */
function factOf(ctx: Pick<BrainContext, 'context' | 'memory'>, name: string): string | undefined {
  return ctx.memory?.get(name) ?? factValue(name, ctx.context.get(name));
}

export type BrainStep =
  /**
   * `final`: nothing more will be said this turn (the full reply text is known). `unheard`: the
   * brain did not take the spoken words as heard (it asks again), so the player is not shown them.
   */
  | { kind: 'text'; text: string; final?: boolean; unheard?: boolean }
  | { kind: 'tool'; name: string; parameters: Record<string, unknown>; expectsResponse: boolean };

export interface Brain {
  readonly name: string;
  respond(userText: string, ctx: BrainContext, signal: AbortSignal): AsyncIterable<BrainStep>;
  /**
   * Whether it would answer these words (spoken) rather than ask again: then a player's short pause
   * ends their turn, instead of the full silence that ends a turn otherwise. Without it (an LLM,
   * which answers anything) the agent always waits for that silence.
   */
  sure?(userText: string, ctx: BrainContext): boolean;
  /**
   * Which of the recognizer's readings of spoken words to take (`readings`: its n-best list, best
   * first), before respond() and the transcript the player is shown. Without it, the best reading.
   */
  hear?(best: string, readings: readonly string[], ctx: BrainContext): string;
}

/** One matcher per NPC's replies (the plan's definition is shared by its conversations). */
const matchers = new WeakMap<object, ReplyMatcher<NpcLocalReply>>();

function matcherFor(local: NpcLocalConfig): ReplyMatcher<NpcLocalReply> {
  let m = matchers.get(local.replies);
  if (!m) matchers.set(local.replies, (m = new ReplyMatcher(local.replies, local.synonyms)));
  return m;
}

/** The reply whose `when` phrases best explain what the player said (see ./understand/match.ts). */
export function pickReply<R extends ReplyRule>(replies: readonly R[], text: string): R | undefined {
  return new ReplyMatcher(replies).understand(text).reply;
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

/** The brain's note of the reply it said last, so a reply with `after` can follow it. */
const LAST_REPLY = 'local:last-reply';
/** `say_again` when the NPC file has none. */
export const SAY_AGAIN = "Sorry, I didn't catch that. Could you say it again?";
/** The brain's note that it just asked the player to say something again. */
const ASKED_AGAIN = 'local:asked-again';

/**
 * What an NPC says to spoken words its brain did not take as heard: its `say_again`; asked once
 * already (the player tried again and it still made no sense), its fallback, which says what it
 * does know. Any brain that declines spoken words says this, so every NPC asks in its own words.
 */
export function unheardLine(ctx: BrainContext): string {
  const local = ctx.plan.npc.local;
  const again = ctx.notes?.get(ASKED_AGAIN) !== true;
  ctx.notes?.set(ASKED_AGAIN, again);
  return again ? (local.say_again ?? SAY_AGAIN) : fill(local.fallback, ctx, {});
}

/** The player's words (spoken or typed) were taken: the next miss asks again rather than falling back. */
export function understood(ctx: BrainContext): void {
  ctx.notes?.set(ASKED_AGAIN, false);
}

/**
 * Whether recognized speech holds enough of a reply to run its tool: two matched words (a filler
 * counts half), or one in a short line ("here is my lantern"). The recognizer's junk is long strings
 * of small words with one keyword in them ("the of lamp and to of in the to me the").
 */
const enoughToAct = (evidence: number, words: number) =>
  evidence >= 1.5 || evidence / Math.max(1, words) >= 0.25;

/**
 * The local brain's reading of the player's words: the reply, whether its tool may run, and whether
 * spoken words are too unsure to act on. Recognized speech that no reply explains, or that would
 * act on too little of its reply, is more likely the recognizer's junk than the player's words.
 */
function decide(userText: string, ctx: BrainContext) {
  // What the NPC said last: a reply's id, or its greeting when it has said nothing else yet.
  const said = ctx.notes?.get(LAST_REPLY);
  const after =
    typeof said === 'string'
      ? said
      : ctx.history.some((t) => t.role === 'assistant')
        ? 'greeting'
        : undefined;
  const { reply, toolAllowed, evidence, words } = matcherFor(ctx.plan.npc.local).understand(
    userText,
    after,
    (name) => factOf(ctx, name),
  );
  const unsure = !reply || (!!reply.tool && toolAllowed && !enoughToAct(evidence, words));
  return { reply, toolAllowed, unsure };
}

export function createLocalBrain(): Brain {
  return {
    name: 'npc-rules',
    sure: (userText, ctx) => !decide(userText, ctx).unsure,
    // Only a reading that would be answered votes, each for the reply it reaches (the same reply
    // object for the same rule, whatever words reached it).
    hear: (best, readings, ctx) =>
      voteOnReadings(best, readings, (text) => {
        const d = decide(text, ctx);
        return d.unsure ? null : d.reply;
      }),
    async *respond(userText, ctx) {
      const local = ctx.plan.npc.local;
      const { reply, toolAllowed, unsure } = decide(userText, ctx);
      // Unsure of spoken words: ask again rather than answer something else. Asked once already,
      // the fallback says what the NPC does know.
      if (ctx.spoken && unsure) {
        ctx.notes?.set(LAST_REPLY, '');
        yield { kind: 'text', text: unheardLine(ctx), final: true, unheard: true };
        return;
      }
      understood(ctx);
      ctx.notes?.set(LAST_REPLY, reply?.id ?? '');
      for (const fact of reply?.remember ?? []) ctx.memory?.set(fact, 'yes');
      const extra = { user_text: userText };
      if (reply?.tool && toolAllowed) {
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
    ...(brain.sure ? { sure: brain.sure.bind(brain) } : {}),
    ...(brain.hear ? { hear: brain.hear.bind(brain) } : {}),
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
        // An unheard line cut short is still unheard: the player's words stay unshown.
        yield { kind: 'text', text: `${text}…`, final: true, ...(step.unheard ? { unheard: true } : {}) };
        return;
      }
    },
  };
}
