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
  /** Spoken turns decoded and declined by the recognizer since the last reset. */
  spokenTurns?: { decoded: number; declined: number };
  engine: string;
  /** The recognizer in use (null: none). */
  recognizer?: string | null;
}

/** Lag and CPU of the agent process over one window (since the previous window or reset). */
export interface WindowStats {
  ms: number;
  lagMs: { p50: number; p99: number; max: number };
  cpuPercent: number;
}

export class AgentChild {
  readonly #child: ChildProcess;
  private constructor(
    child: ChildProcess,
    readonly url: string,
  ) {
    this.#child = child;
  }

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

  /** Asks the child over IPC; with `timeoutMs`, rejects if no answer comes in time (its loop is blocked). */
  #ask<T>(cmd: string, timeoutMs = 0): Promise<T> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const on = (m: { cmd: string }): void => {
        if (m.cmd !== cmd) return;
        this.#child.off('message', on);
        clearTimeout(timer);
        resolve(m as T);
      };
      this.#child.on('message', on);
      this.#child.send({ cmd });
      if (timeoutMs > 0)
        timer = setTimeout(() => {
          this.#child.off('message', on);
          reject(new Error(`the agent did not answer '${cmd}' within ${timeoutMs / 1000} s`));
        }, timeoutMs);
    });
  }

  reset(timeoutMs = 0): Promise<void> {
    return this.#ask('reset', timeoutMs);
  }

  stats(timeoutMs = 0): Promise<ServerStats> {
    return this.#ask('stats', timeoutMs);
  }

  window(timeoutMs = 0): Promise<WindowStats> {
    return this.#ask('window', timeoutMs);
  }

  /** Asks the child to close; `killAfterMs` > 0 kills it if it has not exited by then. */
  async close(killAfterMs = 0): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.send({ cmd: 'close' });
    const timer = killAfterMs > 0 ? setTimeout(() => this.#child.kill('SIGKILL'), killAfterMs) : undefined;
    await exited;
    clearTimeout(timer);
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
