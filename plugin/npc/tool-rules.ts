/**
 * Checks on the client tools an NPC file declares (`agent.tools`) and on the offline replies that
 * call them: tool names are unique, `parameters` is a JSON Schema object the agents API accepts,
 * a reply calls only a declared tool and gives it the parameters it requires, with the right types.
 * Positioned at the offending value.
 */
import { isAlias, isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { offsetOf, report, type WalkContext } from './walk-context.js';
import type { NpcClientTool } from './types.js';
import { forEachInFile } from './validate.js';

const deref = (ctx: WalkContext, v: unknown): unknown => (isAlias(v) ? ctx.aliases.get(v) : v);

/** The node at a path of keys and list indexes, or undefined. */
function nodeAt(ctx: WalkContext, root: unknown, path: readonly (string | number)[]): unknown {
  let node = deref(ctx, root);
  for (const step of path) {
    if (typeof step === 'number') node = isSeq(node) ? deref(ctx, node.items[step]) : undefined;
    else
      node = isMap(node)
        ? deref(ctx, (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === step)?.value)
        : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** What is wrong with a parameters schema, or null. Only what the agents API's client tools take. */
function schemaProblem(schema: Record<string, unknown>): string | null {
  if (schema.type !== 'object') return 'needs type: object';
  const props = schema.properties;
  if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props)))
    return 'properties must be a group of name: { type, description } fields';
  for (const [name, p] of Object.entries((props ?? {}) as Record<string, unknown>)) {
    if (typeof p !== 'object' || p === null)
      return `properties.${name} must be a group like { type: string }`;
    const t = (p as Record<string, unknown>).type;
    if (typeof t !== 'string' || !JSON_TYPES.has(t))
      return `properties.${name}.type must be one of ${[...JSON_TYPES].join(', ')}`;
  }
  const req = schema.required;
  if (req !== undefined) {
    if (!Array.isArray(req) || req.some((r) => typeof r !== 'string'))
      return 'required must be a list of names';
    for (const r of req as string[])
      if (!(r in ((props ?? {}) as object))) return `required names "${r}", which is not in properties`;
  }
  return null;
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

interface Out {
  agent?: { tools?: NpcClientTool[] };
  local?: { replies?: { tool?: { name: string; parameters?: Record<string, unknown> } }[] };
}

export function checkTools(ctx: WalkContext, root: YAMLMap, out: Out): void {
  const tools = out.agent?.tools ?? [];
  const at = (path: (string | number)[]) => offsetOf(nodeAt(ctx, root, path), 0);
  const byName = new Map<string, NpcClientTool>();
  forEachInFile(tools, (t, i) => {
    if (byName.has(t.name))
      report(
        ctx,
        'errors',
        'inconsistent',
        `agent.tools[${i}].name`,
        at(['agent', 'tools', i, 'name']),
        `agent.tools[${i}].name "${t.name}" is declared twice; each tool needs its own name`,
      );
    else byName.set(t.name, t);
    const problem = t.parameters ? schemaProblem(t.parameters) : null;
    if (problem)
      report(
        ctx,
        'errors',
        'format',
        `agent.tools[${i}].parameters`,
        at(['agent', 'tools', i, 'parameters']),
        `agent.tools[${i}].parameters ${problem} (a JSON Schema object, e.g. { type: object, properties: { item: { type: string } } })`,
      );
  });
  forEachInFile(out.local?.replies ?? [], (r, i) => {
    // A tool already reported as malformed (a bad name, a wrong type) is not checked again.
    if (!r.tool || typeof r.tool.name !== 'string') return;
    if (ctx.errors.some((e) => e.path.startsWith(`local.replies[${i}].tool`))) return;
    const where = ['local', 'replies', i, 'tool'];
    const declared = byName.get(r.tool.name);
    if (!declared) {
      const known = [...byName.keys()];
      report(
        ctx,
        'errors',
        'inconsistent',
        `local.replies[${i}].tool.name`,
        at([...where, 'name']),
        `local.replies[${i}].tool.name "${r.tool.name}" is not declared in agent.tools${
          known.length
            ? ` (declared: ${known.join(', ')})`
            : '; declare it there so real agents can call it too'
        }`,
      );
      return;
    }
    // A malformed declaration was reported where it is; check the call only against its good parts.
    const p = declared.parameters as { properties?: unknown; required?: unknown } | undefined;
    const props = (isObject(p?.properties) ? p.properties : {}) as Record<string, { type?: string }>;
    const required = Array.isArray(p?.required) ? p.required.filter((n) => typeof n === 'string') : [];
    const given = r.tool.parameters ?? {};
    for (const name of required)
      if (!(name in given))
        report(
          ctx,
          'errors',
          'required',
          `local.replies[${i}].tool.parameters`,
          at([...where, 'parameters']) || at([...where, 'name']),
          `local.replies[${i}].tool.parameters needs ${name}: ${r.tool.name} requires it`,
        );
    for (const [name, value] of Object.entries(given)) {
      const want = props[name]?.type;
      if (!want) continue;
      const got = typeOf(value);
      if (got === want || (want === 'number' && got === 'integer')) continue;
      report(
        ctx,
        'errors',
        'type',
        `local.replies[${i}].tool.parameters.${name}`,
        at([...where, 'parameters', name]),
        `local.replies[${i}].tool.parameters.${name} must be ${want} (declared in agent.tools), got ${got}`,
      );
    }
  });
}
