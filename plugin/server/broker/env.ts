import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A variable from the environment, else from `.env` in `dir` (KEY=value lines, # comments, optional
 * quotes). Enough for ELEVENLABS_API_KEY without a dotenv dependency; the value is never logged.
 */
export function envValue(name: string, dir = process.cwd()): string | undefined {
  const direct = process.env[name];
  if (direct !== undefined && direct.trim() !== '') return direct.trim();
  let text: string;
  try {
    text = readFileSync(join(dir, '.env'), 'utf8');
  } catch {
    return undefined;
  }
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m || m[1] !== name) continue;
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    return v.trim() === '' ? undefined : v.trim();
  }
  return undefined;
}
