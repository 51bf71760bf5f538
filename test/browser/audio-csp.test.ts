import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { contentSecurityPolicy } from '../helpers/browser.js';
import { useAudioLab } from './audio-lab.js';

// A game page with a Content-Security-Policy (issue 17.3): the voice worklet is inline (a Blob
// URL, no file for the game to serve). Both policies refuse blob: scripts; the one that allows
// data: plays (the fallback), the one that does not gets an error that names the policy.
/** The lab page gets the policy given in its `csp` query parameter. */
const policyFromQuery = contentSecurityPolicy((url) => {
  const m = /[?&]csp=([^&]+)/.exec(url);
  return m ? decodeURIComponent(m[1]!) : null;
});

const lab = useAudioLab({ plugins: [policyFromQuery], browser: true });
const open = (policy: string) => lab.open(lab.browser(), `?csp=${encodeURIComponent(policy)}`);

/** Pushes half a second of tone to a new voice: whether it plays, or the error it reports. */
function play(page: Page) {
  return page.evaluate(async () => {
    const { lab } = window;
    const { Howler, audio } = lab;
    const mixer = new audio.VoiceMixer(new audio.HowlerBridge(Howler));
    const voice = mixer.createVoice();
    let error = '';
    voice.on('error', (e: Error) => (error = e.message));
    voice.push(lab.tone(440, 16000, 0.5, 0.5), 16000, 1);
    await lab.until(() => voice.mode === 'speaking' || error !== '', 10_000, 'speaking or an error');
    const position = voice.playbackPositionMs;
    await lab.until(() => error !== '' || voice.playbackPositionMs > position + 100, 5000, 'playback');
    return { mode: voice.mode as string, error };
  });
}

describe('the voice worklet under a Content-Security-Policy', () => {
  it('refusing blob: scripts: it loads from a data: URL and plays', async () => {
    const { page, errors } = await open("script-src 'self' data:");
    const r = await play(page);
    expect(r.error).toBe('');
    expect(r.mode).toBe('speaking');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refusing both: a typed error that names the policy, and the page keeps running', async () => {
    const { page, errors } = await open("script-src 'self'");
    const r = await play(page);
    expect(r.error).toMatch(/could not load from a blob: or a data: URL/);
    expect(r.error).toMatch(/Content-Security-Policy/);
    expect(r.error).toMatch(/script-src blob:/);
    expect(r.mode).not.toBe('speaking');
    // The one console line is the voice's own report; nothing was thrown.
    expect(errors.filter((e) => !e.includes('voice worklet failed to load'))).toEqual([]);
    await page.close();
  });
});
