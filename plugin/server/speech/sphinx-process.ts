/**
 * One long-lived `pocketsphinx_batch` process with one grammar, decoding one utterance at a time.
 *
 * Why batch and not `pocketsphinx_continuous`: continuous mode segments a stream with its own VAD,
 * so nothing tells which output line belongs to which utterance. Batch mode reads a control file
 * line by line ("file start end uttid"), decodes that file and prints `text (uttid score)`: exact
 * boundaries, and the model is loaded once per process instead of once per utterance (0.1 s of CPU
 * and a fork of this whole process each time, which is what blocked the event loop before).
 *
 * Plumbing: the control file is our stdin and the hypotheses go to stdout, but pocketsphinx opens
 * both by name and Node's stdio are sockets (`/dev/stdin` on a socket is ENXIO), hence
 * `cat | pocketsphinx_batch -ctl /dev/stdin -hyp /dev/stdout | cat`. The utterance is written to a
 * regular file first (decoded as a whole: the audio is complete when a turn ends). The pipeline runs
 * in its own process group (`detached`) so kill() takes every process of it; if this process dies
 * instead, `cat` sees EOF, pocketsphinx reaches the end of its control file and everything exits.
 *
 * N-best: with `nbest`, the decoder also writes each utterance's best readings to `<uttid>.nbest`
 * (./nbest.ts), but only after it printed the hypothesis line. Its log (stderr, into the same pipe)
 * ends each utterance with `<uttid> done ---`, written after that file is closed: that line, not
 * the hypothesis, says the list is complete. A decoder that never says so (a build that logs
 * differently, a `-logfn` among the arguments) still answers, NBEST_GRACE_MS later, without a list.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseNbest } from './nbest.js';

export type DecodeOutcome =
  /** `alternatives`: the decoder's n-best readings, best first, when it was asked for them and wrote them. */
  { ok: true; text: string; alternatives?: string[] } | { ok: false; reason: 'died' | 'timeout' };

/** What the pool needs from a decoder process (tests substitute fakes). */
export interface Decoder {
  /** Which grammar it was started with. */
  readonly key: string;
  readonly alive: boolean;
  /** One utterance (16 kHz mono PCM16). Never called again before the previous call settled. */
  decode(pcm: Buffer, timeoutMs: number): Promise<DecodeOutcome>;
  /** Stops every process of it at once. */
  kill(): void;
  /** Settles when its processes have exited. */
  readonly exited: Promise<void>;
  /** Operating-system process id of the pipeline's group leader (tests, diagnostics). */
  readonly pid: number | undefined;
}

interface SphinxProcessOptions {
  binary: string;
  /** Decoder arguments: model, dictionary, grammar or language model, front-end options. */
  args: string[];
  /** A private directory for the utterance file. */
  dir: string;
  key: string;
  /** Scheduling priority of the decoder (`nice`, 0-19). */
  niceness: number;
  /** Readings per utterance to return besides the hypothesis (0 or absent: none). */
  nbest?: number;
}

// `nice` (and its session's autogroup: niceSession below): decoding is background work. Under CPU
// contention the agent's event loop and speech synthesis (latency-critical for every conversation) go
// first; a decoder that falls behind makes utterances wait, and the pool declines those that wait too
// long (the player is told).
const PIPELINE =
  'n=$1; shift; cat | nice -n "$n" "$@" -ctl /dev/stdin -hyp /dev/stdout -adcin yes -cepext .raw 2>&1 | cat';
const HYP = /^(.*?) ?\((\S+) (-?\d+)\)$/;
/** The decoder's log line after everything of one utterance, n-best file included, is written. */
const DONE = /^(\S+) done -+$/;
/**
 * How long after the hypothesis the n-best list may take (ms). Writing 20 readings takes a few ms;
 * this bounds what a decoder that never logs the end of an utterance adds to every turn.
 */
const NBEST_GRACE_MS = 500;
let counter = 0;
/** Tries at lowering the pipeline session's autogroup, AUTOGROUP_RETRY_MS apart (see below). */
const AUTOGROUP_TRIES = 30;
const AUTOGROUP_RETRY_MS = 110;

/**
 * The decoder's niceness for its whole session. `detached` gives the pipeline a session of its own,
 * and Linux with autogroups (CONFIG_SCHED_AUTOGROUP, on by default: every session started from a
 * terminal or a non-cgroup service gets one) shares the CPU between sessions first and by nice only
 * inside each. So the `nice` in PIPELINE ranked the decoder against its own `cat`s only, and each
 * busy decoder weighed as much as the agent's whole session, event loop and speech synthesis
 * together (measured with the capacity bench: bench/results/investigation/README.md). Unprivileged, the
 * kernel refuses (EAGAIN) a change made within 100 ms of any other on the machine: retried. Nothing
 * is lost where there are no autogroups (no such file: `nice` does it) or they do not apply (a cgroup
 * of its own: the write succeeds and changes nothing).
 */
async function niceSession(pid: number, niceness: number, alive: () => boolean): Promise<void> {
  for (let i = 0; i < AUTOGROUP_TRIES && alive(); i++) {
    try {
      await writeFile(`/proc/${pid}/autogroup`, String(niceness));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
    await new Promise<void>((r) => setTimeout(r, AUTOGROUP_RETRY_MS).unref());
  }
}

/** Names in `dir`, or none when it cannot be read (it is removed with the recognizer). */
function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The utterance's readings ([] when the file is missing or unreadable); the file is removed. */
async function takeNbest(file: string): Promise<string[]> {
  try {
    return parseNbest(await readFile(file, 'utf8'));
  } catch {
    return [];
  } finally {
    await rm(file, { force: true }).catch(() => {});
  }
}

export function startSphinxProcess(opts: SphinxProcessOptions): Decoder {
  const id = ++counter;
  const name = `utt${id}`;
  const file = join(opts.dir, `${name}.raw`);
  const nbest = Math.max(0, Math.floor(opts.nbest ?? 0));
  const nbestFile = (uttid: string): string => join(opts.dir, `${uttid}.nbest`);
  const nbestArgs = nbest
    ? ['-nbest', String(nbest), '-nbestdir', opts.dir, '-nbestext', '.nbest']
    : ['-logfn', '/dev/null'];
  const child: ChildProcess = spawn(
    'sh',
    [
      '-c',
      PIPELINE,
      'sh',
      String(opts.niceness),
      opts.binary,
      '-cepdir',
      opts.dir,
      ...nbestArgs,
      ...opts.args,
    ],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    },
  );
  let alive = true;
  if (child.pid !== undefined && opts.niceness > 0) void niceSession(child.pid, opts.niceness, () => alive);
  /** `listed`: the n-best file of the utterance is complete (read it); false: answer without it. */
  let waiting: ((o: DecodeOutcome & { listed?: boolean }) => void) | null = null;
  let wanted = '';
  /** The wanted utterance's hypothesis, held until its n-best file is complete. */
  let heard: string | null = null;
  let grace: ReturnType<typeof setTimeout> | null = null;
  /** This decoder logs `<uttid> done`: seen once, it is waited for instead of a grace period. */
  let logsDone = false;
  let seq = 0;
  let buffered = '';
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      alive = false;
      waiting?.({ ok: false, reason: 'died' });
      rmSync(file, { force: true });
      // Lists of utterances answered without them, whose end was never logged (killed, or a build
      // that does not log it): this decoder's files go with it.
      for (const f of nbest ? safeList(opts.dir) : [])
        if (f.startsWith(`${name}_`) && f.endsWith('.nbest')) rmSync(join(opts.dir, f), { force: true });
      // `sh` is gone, but `cat` and the decoder may still be dying: exited means all of them.
      if (child.pid === undefined) resolve();
      else void untilGroupGone(child.pid).then(resolve);
    }),
  );
  // A missing binary or a dead pipe must not take the agent down: the pool sees `died`.
  child.on('error', () => kill());
  child.stdin!.on('error', () => kill());
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      const m = HYP.exec(line);
      // The log repeats the hypothesis line: the first one is the answer.
      if (m && m[2] === wanted && heard === null) {
        heard = m[1]!.trim();
        if (!nbest) waiting?.({ ok: true, text: heard });
        // Once this decoder has logged the end of an utterance, it always will: wait for it (the
        // decode's own timeout still bounds the wait). A build that has not yet gets a short grace.
        else if (!logsDone)
          grace ??= setTimeout(
            () => waiting?.({ ok: true, text: heard ?? '', listed: false }),
            NBEST_GRACE_MS,
          );
        continue;
      }
      const done = nbest ? DONE.exec(line) : null;
      if (done) logsDone = true;
      if (done && done[1] === wanted && heard !== null) waiting?.({ ok: true, text: heard, listed: true });
      // An utterance answered without its list (timeout, grace): its file is written now.
      else if (done) void rm(nbestFile(done[1]!), { force: true }).catch(() => {});
    }
    // A line without an end is not a hypothesis we asked for: do not let it grow without bound.
    if (buffered.length > 64 * 1024) buffered = '';
  });
  // Idle decoders must not keep the process alive; a decode in progress holds its own timer.
  child.unref();
  for (const s of [child.stdin, child.stdout] as Array<{ unref?: () => void } | null>) s?.unref?.();

  function kill(): void {
    if (!alive || child.pid === undefined) return;
    // Held again until it is gone, so `await recognizer.close()` settles even when nothing else
    // keeps the process running (a script that decodes a file, then goes on). 'close' also waits
    // for the pipes, which the decoder may hold open after `sh` is reaped: hold them too.
    child.ref();
    for (const s of [child.stdin, child.stdout] as Array<{ ref?: () => void } | null>) s?.ref?.();
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  return {
    key: opts.key,
    get alive() {
      return alive;
    },
    pid: child.pid,
    exited,
    kill,
    async decode(pcm, timeoutMs) {
      if (!alive) return { ok: false, reason: 'died' };
      const uttid = (wanted = `${name}_${++seq}`);
      heard = null;
      const outcome = new Promise<DecodeOutcome & { listed?: boolean }>((resolve) => (waiting = resolve));
      // Timed out after the hypothesis (only its list was late): answer with it; the decoder is fine.
      const timer = setTimeout(
        () =>
          waiting?.(
            heard !== null ? { ok: true, text: heard, listed: false } : { ok: false, reason: 'timeout' },
          ),
        timeoutMs,
      );
      try {
        await writeFile(file, pcm);
        if (alive) child.stdin!.write(`${name} 0 -1 ${uttid}\n`);
        const o = await outcome;
        if (!o.ok) {
          kill(); // a decoder that timed out is in an unknown state: replace it
          return o;
        }
        if (!o.listed) {
          // Its list, if the decoder wrote it already, is not read: removed now, or when its end is logged.
          void rm(nbestFile(uttid), { force: true }).catch(() => {});
          return { ok: true, text: o.text };
        }
        return { ok: true, text: o.text, alternatives: await takeNbest(nbestFile(uttid)) };
      } catch {
        kill();
        return { ok: false, reason: 'died' };
      } finally {
        clearTimeout(timer);
        if (grace) clearTimeout(grace);
        grace = null;
        waiting = null;
        wanted = '';
      }
    },
  };
}

/**
 * Processes of a process group that are still running (Linux /proc; zombies do not count: they are
 * dead and only wait for init to reap them). Elsewhere: 0.
 */
export function liveGroupMembers(pgid: number): number {
  let n = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const d of entries) {
    if (d.charCodeAt(0) < 48 || d.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') n++;
    } catch {
      // exited while we looked
    }
  }
  return n;
}

/** Polls until nothing of the group runs (killed processes take a moment to die), at most 2 s. */
async function untilGroupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 200 && liveGroupMembers(pgid) > 0; i++) await new Promise((r) => setTimeout(r, 10));
}
