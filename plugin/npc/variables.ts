/**
 * `{{name}}` placeholders in an NPC's texts, checked against what can fill them (issue 12 item 10).
 *
 * The local agent fills the greeting and prompt from `agent.dynamic_variables` and the system
 * variables, and refuses the conversation for any other name, as the real service does. Scripted
 * replies can also use `{{user_text}}`, `{{context.<id>}}` (the game's latest contextual update with
 * that id) and `{{tool.<name>}}` (the game's answer to that tool call). A name nothing in this file
 * can provide is a typo or a forgotten variable: the designer gets a warning at the text's line.
 * `{{context.<id>}}` is left alone: only the running game knows which updates it sends.
 */
import { report, type WalkContext } from './walk-context.js';

/** The same placeholder syntax the local agent substitutes (server/speech/text.ts). */
const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

interface Output {
  agent?: { dynamic_variables?: Record<string, unknown> };
  local?: { replies?: { tool?: { name?: string } }[] };
}

export function checkTemplates(ctx: WalkContext, out: Output): void {
  const declared = new Set(Object.keys(out.agent?.dynamic_variables ?? {}));
  const tools = new Set((out.local?.replies ?? []).flatMap((r) => (r.tool?.name ? [r.tool.name] : [])));
  for (const t of ctx.templates) {
    const names = new Set([...t.text.matchAll(PLACEHOLDER)].map((m) => m[1]!));
    for (const name of names) {
      if (declared.has(name) || name.startsWith('system__')) continue;
      if (t.where === 'local') {
        if (name === 'user_text' || name.startsWith('context.')) continue;
        if (name.startsWith('tool.')) {
          const tool = name.slice('tool.'.length);
          if (tools.has(tool)) continue;
          report(
            ctx,
            'warnings',
            'unknown-key',
            t.path,
            t.offset,
            `${t.path} uses {{${name}}}, but no reply in this file calls the tool ${tool}, so it never gets a value`,
          );
          continue;
        }
      }
      const effect =
        t.where === 'agent'
          ? 'the conversation is refused for a missing dynamic variable'
          : 'the local agent would say it as written';
      report(
        ctx,
        'warnings',
        'unknown-key',
        t.path,
        t.offset,
        `${t.path} uses {{${name}}}, which agent.dynamic_variables does not define; ${effect} (add ${name} under agent.dynamic_variables)`,
      );
    }
  }
}
