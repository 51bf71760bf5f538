// Regenerates schema/npc.schema.json from the schema description in plugin/npc/schema-def.ts.
// Run: npx tsx schema/generate.ts   (test/unit/npc-schema.test.ts fails when the two disagree)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { npcJsonSchema } from '../plugin/npc/json-schema.js';

const out = fileURLToPath(new URL('./npc.schema.json', import.meta.url));
// Formatted as `npm run lint` (prettier --check) expects, so regenerating never fails the lint.
const options = { ...(await resolveConfig(out)), filepath: out };
writeFileSync(out, await format(JSON.stringify(npcJsonSchema()), options));
process.stdout.write(`wrote ${out}\n`);
