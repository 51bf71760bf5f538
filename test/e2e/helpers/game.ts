/**
 * Runs the sample game the way a player gets it: the real dev server from the repo's vite.config.ts
 * (which mounts the local agent), on port 0, opened in real Chromium.
 */
import { createServer, type ViteDevServer } from 'vite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, repoRoot, watchPage, type LaunchOptions } from '../../helpers/browser.js';

export const ARTIFACTS = join(repoRoot, 'test/e2e/artifacts');

export interface GameSession {
  server: ViteDevServer;
  url: string;
  browser: Browser;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function startDevServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite did not report a URL');
  return { server, url: url.replace(/\/$/, '') };
}

export async function openGame(opts: LaunchOptions = {}): Promise<GameSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await startDevServer();
  const browser = await launchBrowser(opts);
  const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
  const { errors } = watchPage(page);
  await page.goto(url + '/');
  await page.waitForFunction(() => (window as any).__game?.ready === true, null, { timeout: 30_000 });
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

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
