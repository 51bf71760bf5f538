// Writes the audio worklets' shipped text (plugin/audio/worklets/*.built.ts) from their TypeScript source.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLETS, builtModule } from '../harness/worklets.js';
import { repoRoot } from '../harness/repo.js';

for (const w of WORKLETS) {
  const text = await builtModule(w);
  writeFileSync(join(repoRoot, w.out), text);
  console.log(`${w.out}: ${text.length} bytes`);
}
