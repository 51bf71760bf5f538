// The audio lab page (test/browser/pages/audio/lab.html) for the audio browser tests (not a test
// file itself): a page server per test file (and, if asked, one Chromium), and the lab opened in a
// new page when its hooks are ready.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Plugin, ViteDevServer } from 'vite';
import { launchBrowser, startPageServer, type LaunchOptions } from '../../harness/browser.js';
import { pollPage } from '../../harness/poll.js';
import { watchPage } from '../helpers/browser.js';

const LAB = '/test/browser/pages/audio/lab.html';

/**
 * The audio lab's page server for one test file (with these Vite plugins). `open` loads the lab in a
 * new page of `in_` and waits for its hooks; `url` is the lab's address, for a page that must load it
 * without any evaluate. With `browser: true` the file gets one Chromium of its own, `browser()` (the
 * microphone tests launch their own instead, with a fake device per test).
 */
export function useAudioLab(opts: { plugins?: Plugin[]; browser?: boolean } = {}) {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let base = '';
  beforeAll(async () => {
    ({ server, url: base } = await startPageServer({ plugins: opts.plugins ?? [] }));
    if (opts.browser) browser = await launchBrowser();
  });
  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await server?.close();
    }
  });
  const url = (query = ''): string => base + LAB + query;
  const open = async (
    in_: Browser | BrowserContext,
    query = '',
  ): Promise<{ page: Page; errors: string[] }> => {
    const page = await in_.newPage();
    const { errors } = watchPage(page);
    await page.goto(url(query));
    await pollPage(
      page,
      () => window.__ready,
      (r) => r === true,
      {
        what: 'the audio lab to set window.__ready',
        timeout: 30_000,
      },
    );
    return { page, errors };
  };
  const own = (): Browser => {
    if (!browser) throw new Error('useAudioLab: ask for { browser: true } to get one');
    return browser;
  };
  /**
   * Launches a Chromium of its own (`launch`: a fake microphone, its WAV), opens the lab in it, runs
   * `body` and closes that browser however `body` ends.
   */
  const inOwnBrowser = async (
    launch: LaunchOptions,
    body: (t: { browser: Browser; page: Page; errors: string[] }) => Promise<void>,
  ): Promise<void> => {
    const b = await launchBrowser(launch);
    try {
      await body({ browser: b, ...(await open(b)) });
    } finally {
      await b.close();
    }
  };
  return { open, url, browser: own, inOwnBrowser };
}
