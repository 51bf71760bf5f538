/**
 * The sample game's HUD explains every plugin error in plain words with something the player can
 * do, and never shows a raw error object.
 */
import type { EndReason } from '../../plugin/protocol/index.js';
import { talkLine } from '../../sample-game/hud/talk-line.js';
import { micBarsLit } from '../../sample-game/hud/mic-meter.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { VoiceAgentsError } from 'phaser-voice-agents';
import { ASR_UNAVAILABLE_NOTICE, createLocalAgent } from 'phaser-voice-agents/server';
import {
  ASR_UNAVAILABLE,
  NO_VOICE_SERVICE,
  describeError,
  describeReconnect,
} from '../../sample-game/game/problems.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const viteConfig = read('vite.config.ts');

const mic = (kind: string): VoiceAgentsError => ({
  kind: 'mic',
  message: `mic ${kind}`,
  cause: Object.assign(new Error(`mic ${kind}`), { kind }),
});

describe('sample game: problems in plain words', () => {
  it('a denied or revoked microphone says how to allow it, and that typing works', () => {
    for (const kind of ['denied', 'revoked']) {
      const p = describeError(mic(kind));
      expect(p.id).toBe('mic-denied');
      expect(p.title).toBe('The microphone is blocked.');
      expect(p.action).toMatch(/Allow microphone access/);
      expect(p.action).toMatch(/press Enter/);
    }
  });

  it('a missing or unplugged microphone says to plug one in or type', () => {
    for (const kind of ['no-device', 'unplugged']) {
      const p = describeError(mic(kind));
      expect(p.id).toBe('mic-missing');
      expect(p.action).toMatch(/Plug one in/);
      expect(p.action).toMatch(/press Enter to type/);
    }
  });

  it("the browser's or the plugin's own words stay out of the player's text (they are in the console)", () => {
    const failed = describeError(mic('failed'));
    expect(failed.title).toBe('The microphone could not start.');
    expect(failed.action).not.toContain('mic failed');
    expect(failed.action).toMatch(/press Enter to type/);
    const other = describeError({ kind: 'callback', message: 'onMouth threw (x is not a function)' });
    expect(other.id).toBe('other');
    expect(other.action).not.toContain('onMouth');
    expect(other.action).toMatch(/press Enter to type/);
  });

  it('a dropped connection names the villager and counts the reconnect attempts', () => {
    const p = describeReconnect('Mira', 2, 5);
    expect(p.id).toBe('reconnecting');
    expect(p.title).toBe('Lost the connection to Mira.');
    expect(p.action).toContain('attempt 2 of 5');
  });

  it('an unreachable agent names the villager the player is at, and says what to check', () => {
    const p = describeError({ kind: 'connection', message: 'WebSocket closed before metadata' }, 'Mira');
    expect(p.id).toBe('agent-unreachable');
    expect(p.title).toBe("Can't reach Mira's voice.");
    expect(p.action).toMatch(/npm run dev/);
    expect(describeError({ kind: 'ended', message: 'closed 1011' }).title).toBe(
      "Can't reach the villagers' voices.",
    );
  });

  it('a conversation the agent ended says why in the player\'s terms, not "can\'t reach"', () => {
    const ended = (error: string) =>
      describeError(
        {
          kind: 'ended',
          message: 'closed',
          reason: { kind: 'error', error, code: 1002, reason: '', message: 'closed' } as EndReason,
        },
        'Mira',
      );
    expect(ended('busy')).toMatchObject({ id: 'agent-busy', title: 'Mira is busy.' });
    expect(ended('rate_limited').id).toBe('agent-busy');
    expect(ended('max_duration').title).toBe('Mira has talked for as long as one conversation may last.');
    expect(ended('quota').title).toBe("The voice service's allowance is used up.");
    expect(ended('override')).toMatchObject({
      id: 'npc-files',
      title: "Mira's agent is not set up for this game.",
    });
    expect(ended('connection').title).toBe("Can't reach Mira's voice.");
  });

  it('locked audio asks for a click; a broken NPC file shows its message', () => {
    expect(describeError({ kind: 'audio', message: 'Sound is blocked' }).action).toMatch(/Click the game/);
    const cfg = describeError({
      kind: 'config',
      message: 'mira.npc.yaml:3:5 bubble.max_width must be a number',
    });
    expect(cfg.id).toBe('npc-files');
    expect(cfg.action).toContain('mira.npc.yaml:3:5');
  });

  it('offline speech input unavailable says what the local agent says, and to type instead', async () => {
    // The source of truth is the local agent: its notice (sent when it has no recognizer) and its
    // health report, which the game reads to decide to show this problem.
    const notice = ASR_UNAVAILABLE_NOTICE.local_agent_notice_event;
    expect(notice.code).toBe('asr_unavailable');
    const [headline] = notice.message.split(' (');
    expect(ASR_UNAVAILABLE.title).toBe(`${headline}.`);
    expect(notice.message).toMatch(/type instead\.$/);
    expect(ASR_UNAVAILABLE.action).toMatch(/Press Enter to type instead/);
    const agent = await createLocalAgent({
      npcs: [],
      recognizer: 'none',
      llm: false,
      speechEngine: 'babble',
    });
    try {
      const health = (await (await fetch(`${agent.httpUrl}/voice-agents/health`)).json()) as {
        recognizer: { available: boolean; notice: string; hint: string };
      };
      expect(health.recognizer).toMatchObject({ available: false, notice: notice.code });
      // The HUD names the same package the agent's hint says to install.
      const pkgName = /install (\S+)/.exec(health.recognizer.hint)?.[1];
      expect(pkgName).toBe('pocketsphinx');
      expect(ASR_UNAVAILABLE.action).toContain(`install ${pkgName}`);
    } finally {
      await agent.close();
    }
  });

  it('no voice service points at the command that starts the game with the local agent', () => {
    const cmd = /npm run (\S+)/.exec(NO_VOICE_SERVICE.action)?.[1];
    expect(cmd).toBe('dev');
    // That script exists and runs Vite with the repo's config, whose voiceAgents plugin mounts the
    // local agent (it is on unless `localAgent: false`).
    expect(pkg.scripts[cmd!]).toBe('vite');
    expect(viteConfig).toMatch(/voiceAgents\(/);
    expect(viteConfig).not.toMatch(/localAgent:\s*false/);
  });
});

describe("the HUD's line about who the player talks to", () => {
  it('says a villager whose agent is full is busy, not failing', () => {
    expect(talkLine({ name: 'Mira' }, 'queued')).toBe('Mira is busy, wait a moment…');
    expect(talkLine({ name: 'Mira' }, 'listening')).toBe('Mira · listening');
    expect(talkLine(null, 'idle')).toBe('Nobody to talk to');
  });
});

describe("the HUD's microphone meter (issue 16.5)", () => {
  const dbfs = (db: number) => 10 ** (db / 20);
  it('reads speech as speech: -18 dBFS lights 8 of 10 bars, a quiet room none, a shout all', () => {
    expect(micBarsLit(dbfs(-18))).toBe(8);
    expect(micBarsLit(dbfs(-30))).toBe(5); // soft speech still half
    expect(micBarsLit(dbfs(-60))).toBe(0);
    expect(micBarsLit(0)).toBe(0);
    expect(micBarsLit(dbfs(-3))).toBe(10);
  });
});
