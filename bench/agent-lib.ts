/** Shared pieces of the agent benchmarks: the server child process and a minimal client. */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface ServerStats {
  sessions: number;
  lagMs: { p50: number; p99: number; max: number };
  cpuPercent: number;
  rssMb: number;
  turnToFirstAudioMs: number[];
  asrMs: number[];
  engine: string;
}

export class AgentChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(options: Record<string, unknown>): Promise<AgentChild> {
    const child = fork(
      fileURLToPath(new URL('./agent-child.ts', import.meta.url)),
      [JSON.stringify(options)],
      {
        execArgv: ['--import', 'tsx', ...(process.env.AGENT_NODE_FLAGS ?? '').split(' ').filter(Boolean)],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    // BENCH_PRIORITY=-10 (root) shields the measured processes from other jobs on a shared machine;
    // results record it, so such numbers are never mistaken for ones taken under load.
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { cmd: string; url: string }) => resolve(m.url));
      child.once('exit', (code) => reject(new Error(`agent child exited ${code}`)));
    });
    if (process.env.BENCH_PRIORITY) {
      // Every thread (main, speech worker, GC helpers): Linux priorities are per thread.
      const prio = Number(process.env.BENCH_PRIORITY);
      for (const pid of [child.pid!, process.pid])
        for (const tid of readdirSync(`/proc/${pid}/task`)) setPriority(Number(tid), prio);
    }
    return new AgentChild(child, url);
  }

  private ask<T>(cmd: string): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: { cmd: string }): void => {
        if (m.cmd !== cmd) return;
        this.child.off('message', on);
        resolve(m as T);
      };
      this.child.on('message', on);
      this.child.send({ cmd });
    });
  }

  reset(): Promise<void> {
    return this.ask('reset');
  }

  stats(): Promise<ServerStats> {
    return this.ask('stats');
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ cmd: 'close' });
    await exited;
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
