import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageAliases } from './aliases.js';
import { poll } from './poll.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface LaunchOptions {
  /** Absolute path of a WAV the fake microphone plays. Played once (`%noloop`) unless `loop`. */
  micWav?: string;
  loop?: boolean;
  /** Deny the microphone permission instead of granting it. */
  denyMic?: boolean;
  /** false launches without the autoplay flag, so the AudioContext starts suspended (test the unlock path with page.click). */
  autoplay?: boolean;
}

/** Real Debian Chromium through playwright-core; never a downloaded browser. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run .ci/run or apt-get install chromium`);
  const args = [...BASE_FLAGS];
  if (opts.autoplay !== false) args.push('--autoplay-policy=no-user-gesture-required');
  if (opts.denyMic) args.push('--use-fake-device-for-media-stream', '--deny-permission-prompts');
  else args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
  if (opts.micWav) {
    if (!existsSync(opts.micWav)) throw new Error(`fake mic WAV missing: ${opts.micWav}`);
    args.push(`--use-file-for-fake-audio-capture=${opts.micWav}${opts.loop ? '' : '%noloop'}`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/**
 * A Vite dev server over the repo root, so test pages under test/browser/pages/ (and the sample game)
 * import plugin sources directly. Port 0, loopback only.
 */
export async function startPageServer(
  extra: { phaser?: '3' | '4'; plugins?: any[] } = {},
): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: repoRoot,
    configFile: false,
    logLevel: 'error',
    resolve: { alias: packageAliases(extra.phaser) },
    plugins: extra.plugins ?? [],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    optimizeDeps: {
      include: extra.phaser === '3' ? ['phaser3', 'howler'] : ['phaser', 'howler'],
      // Only the test and bench pages: the sample game's page and the hot-reload page import the
      // Vite plugin's virtual module, which this server does not have; scanning them printed a
      // (harmless) error in every run.
      entries: ['test/browser/pages/**/*.html', 'bench/pages/**/*.html', '!test/browser/pages/hot-reload/**'],
    },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a URL');
  return { server, url: url.replace(/\/$/, '') };
}

/** Collects page errors and console errors so a test can assert none escaped. */
export function watchPage(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { errors };
}

/** Two seconds of digital silence, 48 kHz mono PCM16, as a WAV file for the fake microphone. */
export function silentWavFile(): string {
  const samples = 96_000;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(48_000, 24);
  wav.writeUInt32LE(96_000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  const path = join(mkdtempSync(join(tmpdir(), 'quiet-mic-')), 'silence.wav');
  writeFileSync(path, wav);
  return path;
}

/** A page-server plugin that sends a Content-Security-Policy: the one `policyFor(url)` gives, if any. */
export function contentSecurityPolicy(policyFor: (url: string) => string | null): Plugin {
  return {
    name: 'test-content-security-policy',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const policy = policyFor(req.url ?? '');
        if (policy) res.setHeader('Content-Security-Policy', policy);
        next();
      });
    },
  };
}

/**
 * Polls `fn` until `ok` for a test page that keeps an event log in `window.__t.log` (the plugin
 * pages); on timeout the message carries that log too.
 */
export function untilOnPage<T>(
  page: Page,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 15_000,
): Promise<T> {
  return poll(fn, ok, {
    what,
    timeout: ms,
    interval: 25,
    context: () => page.evaluate(() => (window as any).__t?.log),
  });
}
