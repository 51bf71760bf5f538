/**
 * A brain backed by any OpenAI-compatible chat endpoint (OpenAI, llama.cpp server, Ollama, vLLM,
 * LM Studio…): `POST {baseUrl}/chat/completions` with `stream: true`, read as server-sent events.
 * The NPC's prompt is the system prompt; contextual updates and dynamic variables go in as extra
 * system lines. Text is yielded as it streams, and the speaker speaks it sentence by sentence.
 */
import { understood, unheardLine, type Brain, type BrainContext, type BrainStep } from './brain.js';
import { MarkerFilter, SAY_AGAIN_MARKER } from './say-again-marker.js';

export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  temperature?: number;
  maxTokens?: number;
  /**
   * No answer after this long, or a stream that then sends nothing for this long, fails the turn
   * (the real service waits about 20 s for a first token). A slow model that keeps streaming is
   * never cut off.
   */
  timeoutMs?: number;
}

/** From VOICE_AGENTS_LLM_BASE_URL / _MODEL / _API_KEY; undefined when no base URL is set. */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig | undefined {
  const baseUrl = env.VOICE_AGENTS_LLM_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  return {
    baseUrl,
    model: env.VOICE_AGENTS_LLM_MODEL?.trim() || 'gpt-4o-mini',
    ...(env.VOICE_AGENTS_LLM_API_KEY ? { apiKey: env.VOICE_AGENTS_LLM_API_KEY } : {}),
  };
}

/** An LLM failure: the conversation ends with `llm_error` / `llm_timeout` and close 1002, as the real service does. */
/**
 * `message` goes to the player's client and says only what failed; `detail` (the endpoint, the
 * upstream body) goes to the developer's log. An upstream error body can quote the request,
 * including the API key, so it never reaches a client.
 */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly errorType: 'llm_error' | 'llm_timeout',
    readonly detail: string = message,
  ) {
    super(message);
  }
}

/**
 * Letters of a spoken turn's answer held before any is spoken, so a marker after a few words
 * ("Hmm. [[SAY_AGAIN]]") still counts. Costs no time: the speaker waits for a whole first sentence.
 */
const SPOKEN_LEAD = 24;

function systemPrompt(ctx: BrainContext): string {
  const lines = [ctx.plan.prompt || `You are ${ctx.plan.npc.name}.`];
  lines.push('You are speaking out loud in a game: answer in one to three short sentences of plain speech.');
  const vars = Object.entries(ctx.variables).filter(
    ([k]) => !k.startsWith('secret__') && !k.startsWith('system__'),
  );
  if (vars.length) lines.push('Known facts: ' + vars.map(([k, v]) => `${k} = ${String(v)}`).join('; '));
  if (ctx.context.size) lines.push('Current situation: ' + [...ctx.context.values()].join(' '));
  // What this NPC learned from the player earlier in the play session (the rules' `remember`).
  if (ctx.memory?.size)
    lines.push('You remember: ' + [...ctx.memory.entries()].map(([k, v]) => `${k}: ${v}`).join('; '));
  if (ctx.spoken)
    lines.push(
      "The player's last words come from an offline speech recognizer that often mishears. If they " +
        `make no sense as something the player would say to you, answer exactly ${SAY_AGAIN_MARKER} and nothing else.`,
    );
  return lines.join('\n');
}

export function createLlmBrain(config: LlmConfig): Brain {
  const url = config.baseUrl.replace(/\/+$/, '') + '/chat/completions';
  return {
    name: `llm:${config.model}`,
    async *respond(userText, ctx, signal) {
      if (!ctx.spoken) understood(ctx); // typed words are always taken as they are
      const prompt = ctx.plan.npc.agent.prompt;
      const body = {
        model: config.model,
        stream: true,
        temperature: config.temperature ?? prompt?.temperature ?? 0.7,
        max_tokens: config.maxTokens ?? prompt?.max_tokens ?? 200,
        messages: [
          { role: 'system', content: systemPrompt(ctx) },
          // An interrupted greeting nobody heard leaves an empty turn: not worth sending.
          ...ctx.history.filter((t) => t.content).map((t) => ({ role: t.role, content: t.content })),
          { role: 'user', content: userText },
        ],
      };
      // Not AbortSignal.timeout: the same signal also cuts the body, and a slow local model's answer
      // may take longer than the limit as a whole. The timer restarts with every piece that arrives.
      const limitMs = config.timeoutMs ?? 20_000;
      const timeout = new AbortController();
      const arm = () => setTimeout(() => timeout.abort(), limitMs).unref();
      let timer = arm();
      const stillAnswering = (): void => {
        clearTimeout(timer);
        timer = arm();
      };
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: AbortSignal.any([signal, timeout.signal]),
        });
      } catch (err) {
        clearTimeout(timer);
        if (signal.aborted) return;
        if (timeout.signal.aborted)
          throw new LlmError('The language model did not answer in time.', 'llm_timeout');
        throw new LlmError(
          'The language model is unreachable.',
          'llm_error',
          `The language model at ${config.baseUrl} is unreachable: ${(err as Error).message}`,
        );
      }
      if (!res.ok || !res.body) {
        // Reading the error body is still under the timer: a body that stalls must not hold the turn.
        const detail = await res.text().catch(() => '');
        clearTimeout(timer);
        throw new LlmError(
          `The language model answered HTTP ${res.status}.`,
          'llm_error',
          `The language model answered HTTP ${res.status}: ${JSON.stringify(detail.slice(0, 200))}`,
        );
      }
      const decoder = new TextDecoder();
      let buffer = '';
      // The marker never reaches the player; on spoken words, one at the start means "say again".
      const marker = new MarkerFilter({ holdLead: ctx.spoken ? SPOKEN_LEAD : 0 });
      const unheard = (): BrainStep => ({ kind: 'text', text: unheardLine(ctx), final: true, unheard: true });
      let said = '';
      try {
        read: for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          stillAnswering();
          buffer += decoder.decode(chunk, { stream: true });
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line.startsWith('data:')) continue;
            const data = line.slice(5).trim();
            if (data === '[DONE]') break read;
            let delta: string | undefined;
            try {
              const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> };
              delta = parsed.choices?.[0]?.delta?.content ?? undefined;
            } catch {
              continue; // a keep-alive or vendor extension line
            }
            if (!delta) continue;
            const text = marker.push(delta);
            if (marker.unclear) {
              yield unheard();
              return;
            }
            if (!text) continue;
            if (ctx.spoken && !said) understood(ctx);
            said += text;
            yield { kind: 'text', text };
          }
        }
      } catch (err) {
        if (signal.aborted) return;
        if (timeout.signal.aborted)
          throw new LlmError('The language model stopped answering.', 'llm_timeout');
        throw new LlmError(`The language model stream failed: ${(err as Error).message}`, 'llm_error');
      } finally {
        clearTimeout(timer);
      }
      const rest = marker.end();
      // No words at all (only the marker, or nothing) to spoken words: as good as not understood.
      if (marker.unclear || (ctx.spoken && !(said + rest).trim())) {
        yield unheard();
        return;
      }
      if (!rest) return;
      if (ctx.spoken && !said) understood(ctx);
      yield { kind: 'text', text: rest };
    },
  };
}
