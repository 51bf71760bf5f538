// Writes the audio worklets' shipped text (plugin/audio/worklets/*.built.ts) from their TypeScript source.
// A file is written only when its text changed, through a temporary file renamed over it, so a test or
// a dev server reading it never sees it half written.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLETS, builtModule } from '../harness/worklets.js';
import { repoRoot } from '../harness/repo.js';

for (const w of WORKLETS) {
  const path = join(repoRoot, w.out);
  const text = await builtModule(w);
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // not built yet
  }
  if (before === text) {
    console.log(`${w.out}: up to date`);
    continue;
  }
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  console.log(`${w.out}: written, ${text.length} bytes`);
}
