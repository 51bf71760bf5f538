/**
 * Real Chromium and a page server over the repo: what the browser tests and the browser benches
 * both drive. Test-only page helpers (error watchers, CSP, page-log polling) stay in test/helpers.
 */
import { chromium, type Browser } from 'playwright-core';
import { createServer, type PluginOption, type ViteDevServer } from 'vite';
import { existsSync } from 'node:fs';
import { packageAliases, repoRoot } from './repo.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
  extra: { phaser?: '3' | '4'; plugins?: PluginOption[] } = {},
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
