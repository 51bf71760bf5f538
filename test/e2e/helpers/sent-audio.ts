import type { Page } from 'playwright-core';

/**
 * Records the microphone audio the page puts on the wire (PCM16 at 16 kHz from the local agent):
 * when each chunk left and how many ms of audio it carried. A capture path that loses frames sends
 * less audio than time passes.
 */
export const COUNT_SENT_AUDIO = `(() => {
  const sent = (window.__sentAudio = []);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === 'string' && data.startsWith('{"user_audio_chunk":"')) {
      const b64 = data.length - 22 - 2;
      const bytes = (b64 * 3) / 4 - (data.endsWith('=="}') ? 2 : data.endsWith('="}') ? 1 : 0);
      sent.push([performance.now(), bytes / 2 / 16]);
    }
    return send.call(this, data);
  };
})();`;

/** Audio sent (ms) from `fromMs` after the first chunk on, and the wall time that covers. */
export async function sentAfter(
  page: Page,
  fromMs: number,
): Promise<{ audioMs: number; spanMs: number; firstMs: number }> {
  const sent = await page.evaluate(() => window.__sentAudio!);
  const t0 = sent[0]![0];
  const later = sent.filter(([t]) => t >= t0 + fromMs);
  const early = sent.filter(([t]) => t < t0 + fromMs);
  return {
    audioMs: later.reduce((n, [, ms]) => n + ms, 0),
    spanMs: later.length ? later[later.length - 1]![0] - (t0 + fromMs) : 0,
    firstMs: early.reduce((n, [, ms]) => n + ms, 0),
  };
}

/** All the microphone audio (ms) the page has put on the wire so far. */
export async function sentTotal(page: Page): Promise<number> {
  return page.evaluate(() => (window.__sentAudio ?? []).reduce((n, [, ms]) => n + ms, 0));
}
