import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// A consumer game (test/types/consumer.ts, once per test/types/consumer-*/tsconfig.json) compiled against Phaser 3.90 and Phaser 4:
// `this.voiceAgents` is typed on every scene with no code in the game, events and tools are typed,
// and misuse (a misspelt method, an unknown event) is a compile error.
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe.concurrent('typed scenes for TypeScript consumers', () => {
  for (const v of ['3', '4']) {
    it(`compiles a consumer against Phaser ${v === '3' ? '3.90' : '4.x'}`, async () => {
      const r = await run(
        process.execPath,
        [
          `${root}node_modules/typescript/bin/tsc`,
          '-p',
          `test/types/consumer-${v}/tsconfig.json`,
          '--listFiles',
        ],
        {
          cwd: root,
        },
      ).catch((e: { stdout: string; stderr: string }) => e);
      const out = `${r.stdout}${r.stderr}`;
      expect(out.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
      // …and against the right Phaser.
      expect(out).toContain(`node_modules/${v === '3' ? 'phaser3' : 'phaser'}/types/phaser.d.ts`);
    }, 60_000);
  }
});
