// Regenerates schema/npc.schema.json from the schema description in plugin/npc/schema-def.ts.
// Run: npx tsx schema/generate.ts   (test/unit/npc-schema.test.ts fails when the two disagree)
import { writeFileSync } from 'node:fs';
import { npcJsonSchema } from '../plugin/npc/json-schema.js';

const out = new URL('./npc.schema.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(npcJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out.pathname}\n`);
