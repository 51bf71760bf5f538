/**
 * The hostile bench's view of the agent process from outside (Linux /proc): resident memory and its
 * peak, the process tree under it (recognizer decoders), and the TCP connections it holds open; and
 * the wait after an attack until the agent has let go of its sockets.
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { poll } from '../../harness/poll.js';

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Direct children of `pid` (every thread's), from /proc/<pid>/task/<tid>/children. */
export function childPids(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out = new Set<number>();
  for (const tid of tids)
    for (const p of (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(/\s+/)) if (p) out.add(Number(p));
  return [...out];
}

export interface Tree {
  /** Every process below `pid` (children, grandchildren, …). */
  descendants: number;
  /** Direct children. */
  children: number;
  /** Descendants whose name is pocketsphinx_batch (the recognizer's decoders). */
  recognizers: number;
}

export function processTree(pid: number): Tree {
  const direct = childPids(pid);
  let descendants = 0;
  let recognizers = 0;
  const todo = [...direct];
  while (todo.length) {
    const p = todo.pop()!;
    descendants++;
    // /proc/<pid>/comm holds the first 15 characters of the name: "pocketsphinx_ba".
    if ((read(`/proc/${p}/comm`) ?? '').startsWith('pocketsphinx')) recognizers++;
    todo.push(...childPids(p));
  }
  return { descendants, children: direct.length, recognizers };
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) : NaN;
}

/** Resident set size now (MB). */
export const rssMb = (pid: number): number => statusKb(pid, 'VmRSS') / 1024;
/** Peak resident set size since start or since {@link resetPeakRss} (MB). */
export const peakRssMb = (pid: number): number => statusKb(pid, 'VmHWM') / 1024;

/** Resets the kernel's peak-RSS mark of `pid` (writes 5 to clear_refs); false where not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Accepted TCP connections the process holds open on `port` (its socket descriptors matched by inode
 * against /proc/<pid>/net/tcp{,6}; the listening socket is not counted). Pipes and the IPC channel
 * to the bench are not TCP, so they never count.
 */
export function openTcp(pid: number, port: number): number {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return NaN;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const table of ['tcp', 'tcp6'])
    for (const line of (read(`/proc/${pid}/net/${table}`) ?? '').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is f[1] (ADDR:PORT), st is f[3] (0A = LISTEN), inode is f[9].
      if (f.length > 9 && f[1]!.endsWith(`:${hexPort}`) && f[3] !== '0A' && inodes.has(f[9]!)) n++;
    }
  return n;
}

/**
 * After an attack, waits (`maxMs` at most, a reading every 250 ms) until the agent has let go of the
 * attack's sockets: its open connections back to `tcpBaseline` and one session at most. Not letting
 * go is a result, not a failure: the last reading is returned. `stats()` asks the agent over IPC (a
 * session count of NaN when it does not answer, which makes the agent unresponsive); a reading poll() stopped waiting
 * for at its deadline is still awaited, so a late IPC timeout still counts.
 */
export async function settle(
  pid: number,
  port: number,
  tcpBaseline: number,
  stats: () => Promise<{ sessions: number }>,
  maxMs: number,
): Promise<{ tcp: number; sessions: number; unresponsive: boolean }> {
  const last = { tcp: NaN, sessions: NaN, unresponsive: false };
  const read = async (): Promise<boolean> => {
    last.tcp = openTcp(pid, port);
    last.sessions = await stats().then(
      (x) => x.sessions,
      () => NaN,
    );
    if (Number.isNaN(last.sessions)) last.unresponsive = true;
    return last.tcp <= tcpBaseline && last.sessions <= 1;
  };
  let reading: Promise<boolean> = Promise.resolve(true);
  await poll(
    () => (reading = read()),
    (settled) => settled,
    { what: "the agent to let go of the attack's sockets", timeout: maxMs, interval: 250 },
  ).catch(() => undefined);
  await reading;
  return last;
}

/** Polls the process every `everyMs` and keeps the peaks (RSS, processes, connections). */
export class Sampler {
  peakRssMb = 0;
  /** Every RSS sample (MB), for the quiet baseline's median. */
  readonly rss: number[] = [];
  peakDescendants = 0;
  peakRecognizers = 0;
  peakTcp = 0;
  samples = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #pid: number;
  readonly #port: number;

  readonly #everyMs: number;
  constructor(pid: number, port: number, everyMs = 100) {
    this.#everyMs = everyMs;
    this.#pid = pid;
    this.#port = port;
  }

  start(): this {
    const tick = (): void => {
      if (!alive(this.#pid)) return;
      this.samples++;
      const rss = rssMb(this.#pid) || 0;
      this.rss.push(rss);
      this.peakRssMb = Math.max(this.peakRssMb, rss);
      const t = processTree(this.#pid);
      this.peakDescendants = Math.max(this.peakDescendants, t.descendants);
      this.peakRecognizers = Math.max(this.peakRecognizers, t.recognizers);
      // Counting descriptors is the dearest probe: every third tick.
      if (this.samples % 3 === 1) this.peakTcp = Math.max(this.peakTcp, openTcp(this.#pid, this.#port) || 0);
    };
    tick();
    this.#timer = setInterval(tick, this.#everyMs);
    return this;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
