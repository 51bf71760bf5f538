/** `voice-agents agent`: starts, prints its URL and the NPC files it loaded, serves, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { until as untilTrue } from '../../harness/poll.js';

const CLI = ['--import', 'tsx', 'plugin/server/cli.ts', 'agent'];

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exit, out: () => out, err: () => err };
}

const until = (condition: () => boolean) => untilTrue(condition, { timeout: 30_000, interval: 10 });

describe('voice-agents agent', () => {
  it('takes the port from $PORT, prints its URL and NPC files, and serves until SIGTERM', async () => {
    const cli = runCli(['--npcs', 'assets/npcs', '--no-asr'], { PORT: '0' });
    await until(() => /NPC files \(\d+ from/.test(cli.out())).catch((e: Error) => {
      throw new Error(`${e.message}\nstdout: ${cli.out()}\nstderr: ${cli.err()}`);
    });
    const url = /listening on (ws:\/\/[^/\s]+)/.exec(cli.out())![1]!;
    expect(cli.out()).toMatch(/assets\/npcs\/\S+\.npc\.yaml\s+→\s+agent_id=/);
    const health = (await (await fetch(`${url.replace('ws://', 'http://')}/voice-agents/health`)).json()) as {
      recognizer: { available: boolean };
      npcs: unknown[];
    };
    expect(health.recognizer.available).toBe(false);
    expect(health.npcs.length).toBeGreaterThan(0);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  }, 45_000); // a cold tsx start of the CLI beside the other test files takes 4-15 s here

  it('rejects a bad --port with a message and exit code 2', async () => {
    const cli = runCli(['--port', 'eighty']);
    expect(await cli.exit).toBe(2);
    expect(cli.err()).toContain('--port must be a number');
  });
});
