/**
 * The sample game's HUD explains every plugin error in plain words with something the player can
 * do, and never shows a raw error object.
 */
import { describe, expect, it } from 'vitest';
import type { VoiceAgentsError } from 'phaser-voice-agents';
import {
  ASR_UNAVAILABLE,
  NO_VOICE_SERVICE,
  describeError,
  describeReconnect,
} from '../../sample-game/game/problems.js';

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

  it('locked audio asks for a click; a broken NPC file shows its message', () => {
    expect(describeError({ kind: 'audio', message: 'Sound is blocked' }).action).toMatch(/Click the game/);
    const cfg = describeError({
      kind: 'config',
      message: 'mira.npc.yaml:3:5 bubble.max_width must be a number',
    });
    expect(cfg.id).toBe('npc-files');
    expect(cfg.action).toContain('mira.npc.yaml:3:5');
  });

  it('offline speech input unavailable tells the player to type', () => {
    expect(ASR_UNAVAILABLE.title).toBe('Offline speech input is unavailable.');
    expect(ASR_UNAVAILABLE.action).toMatch(/Press Enter to type instead/);
    expect(NO_VOICE_SERVICE.action).toMatch(/npm run dev/);
  });
});
