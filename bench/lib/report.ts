import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Every benchmark ends here: JSON to bench/results/<name>.json and to stdout, then a readable summary. */
export function writeResult(name: string, result: Record<string, unknown>, summary: string[]): void {
  mkdirSync(resultsDir, { recursive: true });
  const doc = { name, date: new Date().toISOString(), node: process.version, ...result };
  writeFileSync(`${resultsDir}${name}.json`, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(JSON.stringify(doc) + '\n\n' + summary.join('\n') + '\n');
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
