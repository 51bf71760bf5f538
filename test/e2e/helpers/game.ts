/**
 * Runs the sample game the way a player gets it: the real dev server from the repo's vite.config.ts
 * (which mounts the local agent), on port 0, opened in real Chromium.
 */
import { createServer, type ViteDevServer } from 'vite';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, type LaunchOptions } from '../../../harness/browser.js';
import { packageAliases, repoRoot } from '../../../harness/repo.js';
import type { AgentLimits } from '../../../plugin/server/index.js';
import { voiceAgents } from '../../../plugin/vite/index.js';
import { espeakFile } from '../../../harness/speech.js';
import { pollPage } from '../../../harness/poll.js';
import { watchPage } from '../../helpers/browser.js';

export const ARTIFACTS = join(repoRoot, 'test/e2e/artifacts');

export interface GameSession {
  server: ViteDevServer;
  url: string;
  browser: Browser;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** A private optimizer cache per test process, removed when the process exits (not per server: they share it). */
const CACHE_DIR = join(tmpdir(), `pva-e2e-vite-${process.pid}`);
process.once('exit', () => rmSync(CACHE_DIR, { recursive: true, force: true }));

/** What a test may change in the game's server: the local agent's limits (a shorter idle timeout). */
export interface ServerOptions {
  agentLimits?: Partial<AgentLimits>;
}

export async function startDevServer(
  opts: ServerOptions = {},
): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: repoRoot,
    // The repo's config as a player's `npm run dev` has it, or the same plugin with other agent limits.
    ...(opts.agentLimits
      ? {
          configFile: false,
          resolve: { alias: packageAliases() },
          plugins: [voiceAgents({ npcDir: 'assets/npcs', localAgentOptions: { limits: opts.agentLimits } })],
        }
      : { configFile: join(repoRoot, 'vite.config.ts') }),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    // A private optimizer cache: other dev servers on this machine re-optimizing the shared
    // node_modules/.vite would answer our page with 504 "Outdated Optimize Dep".
    cacheDir: CACHE_DIR,
    optimizeDeps: { include: ['phaser', 'howler'] },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a URL');
  return { server, url: url.replace(/\/$/, '') };
}

export async function openGame(
  opts: LaunchOptions & ServerOptions & { initScript?: string } = {},
): Promise<GameSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await startDevServer(opts);
  const browser = await launchBrowser(opts);
  const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
  const { errors } = watchPage(page);
  await page.addInitScript(RECORD_STREAMS);
  if (opts.initScript) await page.addInitScript(opts.initScript);
  await page.goto(url + '/');
  try {
    await pollPage(
      page,
      () => window.__game?.ready,
      (r) => r === true,
      {
        what: 'the game to start (window.__game.ready)',
        timeout: 30_000,
      },
    );
  } catch (e) {
    await browser.close().catch(() => undefined);
    await server.close();
    throw new Error(`the game did not start: ${(e as Error).message}\n${errors.join('\n')}`);
  }
  return {
    server,
    url,
    browser,
    page,
    errors,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/**
 * Test instrumentation (not game code): remembers every microphone stream the page opens, so a test
 * can check that each track was stopped (the browser's recording light went off).
 */
const RECORD_STREAMS = `(() => {
  const md = navigator.mediaDevices;
  if (!md || !md.getUserMedia) return;
  const orig = md.getUserMedia.bind(md);
  window.__streams = [];
  md.getUserMedia = async (c) => { const s = await orig(c); window.__streams.push(s); return s; };
})();`;

/** Every microphone track the page opened, and whether each is still live. */
export function micTracks(page: Page): Promise<{ opened: number; live: number }> {
  return page.evaluate(() => {
    const streams = window.__streams ?? [];
    const tracks = streams.flatMap((s) => s.getAudioTracks());
    return { opened: tracks.length, live: tracks.filter((t) => t.readyState === 'live').length };
  });
}

/**
 * Test instrumentation: a stereo meter on Howler's master output (where NPC voices go, docs/design.md §4),
 * plus a recorder that samples the game's read-only snapshot every 25 ms, so short events (a whole
 * greeting while the test was still walking) are not missed. Per NPC it keeps: how long it spoke,
 * the left/right energy while it alone was speaking, the longest bubble text and every line said.
 */
export async function installMeter(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const H = window.Howler;
    const ctx = H.ctx;
    const split = ctx.createChannelSplitter(2);
    const L = ctx.createAnalyser();
    const R = ctx.createAnalyser();
    L.fftSize = R.fftSize = 1024;
    H.masterGain.connect(split);
    split.connect(L, 0);
    split.connect(R, 1);
    const buf = new Float32Array(1024);
    const rms = (a: AnalyserNode) => {
      a.getFloatTimeDomainData(buf);
      let s = 0;
      for (const v of buf) s += v * v;
      return Math.sqrt(s / buf.length);
    };
    type Rec = { speakingMs: number; L: number; R: number; samples: number; bubble: string; said: string[] };
    const recs = new Map<string, Rec>();
    const rec = (id: string) => {
      let r = recs.get(id);
      if (!r) recs.set(id, (r = { speakingMs: 0, L: 0, R: 0, samples: 0, bubble: '', said: [] }));
      return r;
    };
    // On the audio thread, sample-exact: per 128-frame quantum of the master output, the audio time
    // at which it went below the threshold and then stayed there for the hold time.
    const WATCH = `registerProcessor('silence-watch', class extends AudioWorkletProcessor {
      constructor() {
        super();
        this.armed = false;
        this.port.onmessage = (e) => {
          Object.assign(this, { armed: true, below: e.data.below, holdS: e.data.holdS, quiet: -1 });
        };
      }
      process(inputs) {
        if (!this.armed) return true;
        let sum = 0, n = 0;
        for (const ch of inputs[0]) for (const v of ch) { sum += v * v; n++; }
        const rms = n ? Math.sqrt(sum / n) : 0;
        if (rms >= this.below) this.quiet = -1;
        else if (this.quiet < 0) this.quiet = currentTime;
        if (this.quiet >= 0 && currentTime - this.quiet >= this.holdS) {
          this.armed = false;
          this.port.postMessage(this.quiet);
        }
        return true;
      }
    });`;
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([WATCH], { type: 'text/javascript' })));
    const watch = new AudioWorkletNode(ctx, 'silence-watch', { numberOfInputs: 1, numberOfOutputs: 1 });
    const mute = ctx.createGain();
    mute.gain.value = 0;
    H.masterGain.connect(watch);
    watch.connect(mute).connect(ctx.destination); // pulled by the graph, heard by nobody
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      const dt = now - last;
      last = now;
      const g = window.__game;
      if (!g) return;
      const l = rms(L);
      const r = rms(R);
      const speaking = g.npcs.filter((n) => n.state === 'speaking');
      for (const n of g.npcs) {
        const x = rec(n.id);
        const bubble = String(n.bubble).replace(/\s+/g, ' ').trim();
        if (bubble.length > x.bubble.length) x.bubble = bubble;
        if (n.said && x.said[x.said.length - 1] !== n.said) x.said.push(n.said);
        if (n.state !== 'speaking') continue;
        x.speakingMs += dt;
        if (speaking.length === 1 && l + r > 0.002) {
          x.L += l;
          x.R += r;
          x.samples++;
        }
      }
    }, 25);
    window.__meter = {
      now: () => ({ L: rms(L), R: rms(R) }),
      armSilence: (key, below, holdMs, withinMs) => {
        window.__silence = new Promise((resolve) => {
          const onKey = (e: KeyboardEvent) => {
            if (e.key !== key) return;
            window.removeEventListener('keydown', onKey, true);
            const done = (ms: number | null) => {
              clearTimeout(timer);
              watch.port.onmessage = null;
              resolve(ms);
            };
            const timer = setTimeout(() => done(null), withinMs);
            watch.port.onmessage = (m: MessageEvent<number>) => {
              // Audio time -> performance.now() time, as presented at the output (what is heard).
              const ts = ctx.getOutputTimestamp();
              const heardAt = ts.performanceTime! + (m.data - ts.contextTime!) * 1000;
              done(heardAt - e.timeStamp);
            };
            watch.port.postMessage({ below, holdS: holdMs / 1000 });
          };
          window.addEventListener('keydown', onKey, true);
        });
      },
      read: (id) => ({ ...rec(id), said: [...rec(id).said] }),
      reset: (id) => recs.delete(id),
    };
  });
}

/** The page side of `installMeter`: `window.__meter`. */
export interface Meter {
  now(): { L: number; R: number };
  /** From the next keydown of `key`: the ms until the player hears silence (see armSilence). */
  armSilence(key: string, below: number, holdMs: number, withinMs: number): void;
  read(id: string): NpcRecord;
  reset(id: string): boolean;
}

export interface NpcRecord {
  speakingMs: number;
  L: number;
  R: number;
  samples: number;
  bubble: string;
  said: string[];
}

export function record(page: Page, id: string): Promise<NpcRecord> {
  return page.evaluate((npcId) => window.__meter!.read(npcId), id);
}

export async function resetRecord(page: Page, id: string): Promise<void> {
  await page.evaluate((npcId) => window.__meter!.reset(npcId), id);
}

/**
 * Arms a watch for the next `key` press; `silenceAfterKey` then gives the ms from that key event
 * until the player hears silence: the master output below `below` RMS (per 2.9 ms audio quantum,
 * measured on the audio thread, mapped to the time it leaves the output) and staying there for
 * `holdMs`, so a pause between words does not count. null if not silent within `withinMs`.
 */
export function armSilence(
  page: Page,
  key: string,
  below: number,
  holdMs = 400,
  withinMs = 5000,
): Promise<void> {
  return page.evaluate(([k, b, h, w]) => window.__meter!.armSilence(k, b, h, w), [
    key,
    below,
    holdMs,
    withinMs,
  ] as const);
}

export function silenceAfterKey(page: Page): Promise<number | null> {
  return page.evaluate(() => window.__silence!);
}

export function levelNow(page: Page): Promise<{ L: number; R: number }> {
  return page.evaluate(() => window.__meter!.now());
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * `text` spoken by eSpeak NG as a WAV for the fake microphone (48 kHz mono, normalised to -3 dBFS),
 * with `padBefore`/`padAfter` seconds of silence; written to `dir`.
 */
export function spokenWav(
  dir: string,
  text: string,
  { voice = 'en-us', wpm = 135, padBefore = 1, padAfter = 8 } = {},
): string {
  return espeakFile(text, join(dir, 'spoken.wav'), {
    voice,
    wpm,
    rate: 48000,
    peakDb: -3,
    padBefore,
    padAfter,
  });
}
