import type { Page } from 'playwright-core';
import type { Plugin } from 'vite';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poll } from '../../harness/poll.js';

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
 * Polls `fn` until `ok` for a test page that keeps an event log (the plugin pages: `window.fault.log`,
 * and the Phaser page's `window.phaserLab.log`); on timeout the message carries that log too.
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
    context: () => page.evaluate(() => window.fault?.log ?? window.phaserLab?.log),
  });
}
