import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { apiReport, ENTRIES, reportPath } from '../../scripts/api-report.js';
import { SHARED_EVENTS } from '../types/event-vocabulary.js';

// Every name a user can import, per entry point, against the committed report: a change to the
// public surface is a visible change to test/api/*.api.txt in review (issue 13.6).
describe('the public API', () => {
  const report = apiReport();

  for (const entry of Object.keys(ENTRIES)) {
    it(`${entry}: matches test/api/${entry}.api.txt (npx tsx scripts/api-report.ts --write after a deliberate change)`, () => {
      expect(report[entry]).toBe(readFileSync(reportPath(entry), 'utf8'));
    });
  }

  it('the browser entry stays small enough to hold in one head, and exports no internals', () => {
    const names = report.browser!.split('\n').filter(Boolean);
    expect(names.length).toBeLessThanOrEqual(42);
    for (const internal of [
      'linearToUlawByte',
      'decodeBase64Into',
      'isStaleAudio',
      'SpatialGrid',
      'ProximityTracker',
    ])
      expect(
        names.some((l) => l.endsWith(` ${internal}`)),
        internal,
      ).toBe(false);
  });

  it('events have one vocabulary: the README table lists exactly the names session, NPC and plugin share', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| event | from the wire |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const documented = rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]);
    expect(documented).toEqual([...SHARED_EVENTS]);
  });
}, 120_000);
