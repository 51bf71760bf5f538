import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import {
  compileNpcFile,
  npcJsonSchema,
  type NpcDefinition,
  type NpcFileContent,
} from '../../plugin/npc/index.js';

// Compile-time half of "one schema is the single source of truth": the output type derived from the
// schema description must be exactly the NpcDefinition contract (minus the id, which is the file stem).
// `npm run typecheck` fails here when the two drift apart.
type Contract = Omit<NpcDefinition, 'id'>;
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesContract: MutuallyAssignable<NpcFileContent, Contract> = true;

describe('NPC schema', () => {
  it('derives an output type that matches the NpcDefinition contract', () => {
    expect(schemaMatchesContract).toBe(true);
  });

  it('the committed schema/npc.schema.json equals the one generated from the schema description', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schema/npc.schema.json', import.meta.url), 'utf8'),
    );
    // If this fails: run `npx tsx schema/generate.ts` and commit schema/npc.schema.json.
    expect(committed).toEqual(npcJsonSchema());
  });

  it('every sample NPC file points editors at the schema', () => {
    for (const id of ['mira', 'aldric', 'pip', 'brenna']) {
      const text = readFileSync(new URL(`../../assets/npcs/${id}.npc.yaml`, import.meta.url), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/npc.schema.json');
    }
  });
});

describe('the JSON Schema agrees with the run-time validator', () => {
  // Editors underline with the JSON Schema; the game and the CLI use compileNpcFile. Both come from
  // the same description, and here a standard validator (ajv) proves they say the same things.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(npcJsonSchema());
  const sampleDir = new URL('../../assets/npcs/', import.meta.url);
  const brokenDir = new URL('../fixtures/npc-broken/', import.meta.url);

  it('accepts every sample NPC file', () => {
    for (const id of ['mira', 'aldric', 'pip', 'brenna']) {
      const data = parse(readFileSync(new URL(`${id}.npc.yaml`, sampleDir), 'utf8'));
      expect(validate(data), `${id}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects the broken files whose problems are single-file schema problems', () => {
    const schemaBroken = ['wrong-types', 'out-of-range', 'unknown-keys', 'missing-required', 'bad-formats'];
    for (const name of schemaBroken) {
      const data = parse(readFileSync(new URL(`${name}.npc.yaml`, brokenDir), 'utf8'));
      expect(validate(data), name).toBe(false);
      // Each run-time error path is among the JSON Schema's complaints (ajv uses /a/b/0 paths).
      const res = compileNpcFile(
        readFileSync(new URL(`${name}.npc.yaml`, brokenDir), 'utf8'),
        `${name}.npc.yaml`,
      );
      expect(res.ok).toBe(false);
      const ajvPaths = (validate.errors ?? []).map(
        (e) =>
          `${e.instancePath}${e.keyword === 'additionalProperties' ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : ''}${e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : ''}`,
      );
      for (const e of res.ok ? [] : res.errors) {
        const pointer = `/${e.path
          .replace(/\[(\d+)\]/g, '.$1')
          .split('.')
          .join('/')}`;
        expect(ajvPaths, `${name}: ${e.message}`).toContain(pointer);
      }
    }
  });
});
