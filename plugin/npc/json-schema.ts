import type { SchemaNode } from './schema-nodes.js';
import { npcSchema } from './schema-def.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function convert(s: SchemaNode): { [k: string]: Json } {
  const base: { [k: string]: Json } = { description: s.description };
  switch (s.type) {
    case 'string': {
      const o: { [k: string]: Json } = { type: 'string', ...base };
      if (s.enum) o.enum = [...s.enum];
      if (s.minLength !== undefined) o.minLength = s.minLength;
      if (s.pattern) o.pattern = s.pattern;
      if (s.default !== undefined) o.default = s.default;
      return o;
    }
    case 'number':
    case 'integer': {
      const o: { [k: string]: Json } = { type: s.type, ...base };
      if (s.minimum !== undefined) o.minimum = s.minimum;
      if (s.maximum !== undefined) o.maximum = s.maximum;
      if (s.exclusiveMinimum !== undefined) o.exclusiveMinimum = s.exclusiveMinimum;
      if (s.default !== undefined) o.default = s.default;
      return o;
    }
    case 'boolean':
      return { type: 'boolean', ...base, ...(s.default !== undefined ? { default: s.default } : {}) };
    case 'array': {
      const o: { [k: string]: Json } = { type: 'array', ...base, items: convert(s.items) };
      if (s.minItems !== undefined) o.minItems = s.minItems;
      if (s.default) o.default = [];
      return o;
    }
    case 'object': {
      const o: { [k: string]: Json } = {
        type: 'object',
        ...base,
        properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v)])),
        additionalProperties: false,
      };
      if (s.required?.length) o.required = [...s.required];
      return o;
    }
    case 'record':
      return {
        type: 'object',
        ...base,
        ...(s.keyPattern ? { propertyNames: { pattern: s.keyPattern } } : {}),
        additionalProperties: convert(s.values),
      };
    case 'scalar':
      return { type: ['string', 'number', 'boolean'], ...base };
    case 'free-object':
      return { type: 'object', ...base };
  }
}

/** The JSON Schema (draft-07) committed as schema/npc.schema.json for editor autocomplete. */
export function npcJsonSchema(): { [k: string]: Json } {
  return {
    // draft-07: what the YAML language server (VS Code, JetBrains, Neovim) supports best.
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'phaser-voice-agents NPC prompt file (<id>.npc.yaml)',
    ...convert(npcSchema),
  };
}
