import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { npcJsonSchema, type NpcDefinition, type NpcFileContent } from '../../plugin/npc/index.js';

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
