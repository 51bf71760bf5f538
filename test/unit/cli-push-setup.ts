// Shared setup for the push tests (not a test file itself).
import { afterEach, beforeEach, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { cli } from '../helpers/run-cli.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../helpers/fake-elevenlabs.js';

/** The key push tests run with: a sentinel the tests look for in output, logs and files. */
export const KEY = 'sk_CLI_SENTINEL_0c4f2e';

/**
 * A fresh stateful fake of the ElevenLabs REST API for each test, and `voice-agents push` pointed at
 * it. After each test, every body push sent must be one the official SDK's schemas accept. `fake`
 * always stands for the running test's instance.
 */
export function fakeApiPerTest() {
  let current: FakeElevenLabs | undefined;
  beforeEach(async () => {
    current = await startFakeElevenLabs();
  });
  afterEach(async () => {
    const f = current!;
    current = undefined;
    try {
      expect(f.invalid, 'request bodies the SDK schemas refuse').toEqual([]);
    } finally {
      await f.close();
    }
  });
  const fake = new Proxy({} as FakeElevenLabs, {
    get(_target, key) {
      if (!current) throw new Error('the fake API runs only inside a test');
      return Reflect.get(current, key);
    },
  });
  const push = (dir: string, ...more: string[]) =>
    cli(['push', dir, '--base-url', fake.url, ...more], { ELEVENLABS_API_KEY: KEY });
  const dryRun = (dir: string) => cli(['push', dir, '--dry-run', '--base-url', fake.url]);
  /** The agent id push wrote into the file. */
  const idIn = async (file: string) => /agent_id: '(agent_\d+)'/.exec(await readFile(file, 'utf8'))?.[1];
  const toolId = (name: string) => [...fake.tools].find(([, t]) => t.tool_config.name === name)?.[0];
  return { fake, push, dryRun, idIn, toolId };
}
