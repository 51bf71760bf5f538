// The audio lab page (test/browser/pages/audio/lab.html) for the audio browser tests (not a test
// file itself): a page server per test file, and the lab opened in a new page when its hooks are ready.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Plugin, ViteDevServer } from 'vite';
import { startPageServer } from '../../harness/browser.js';
import { watchPage } from '../helpers/browser.js';

const LAB = '/test/browser/pages/audio/lab.html';

/**
 * The audio lab's page server for one test file (with these Vite plugins). `open` loads the lab in a new page and waits for
 * its hooks; `url` is the lab's address, for a page that must load it without any evaluate.
 */
export function useAudioLab(plugins: Plugin[] = []) {
  let server: ViteDevServer | undefined;
  let base = '';
  beforeAll(async () => {
    ({ server, url: base } = await startPageServer({ plugins }));
  });
  afterAll(async () => {
    await server?.close();
  });
  const url = (query = ''): string => base + LAB + query;
  const open = async (
    in_: Browser | BrowserContext,
    query = '',
  ): Promise<{ page: Page; errors: string[] }> => {
    const page = await in_.newPage();
    const { errors } = watchPage(page);
    await page.goto(url(query));
    await page.waitForFunction(() => window.__ready === true);
    return { page, errors };
  };
  return { open, url };
}
