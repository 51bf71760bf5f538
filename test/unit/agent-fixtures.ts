/** NPCs and audio for the local agent's tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NpcDefinition } from '../../plugin/npc/types.js';
import { createBabbleEngine } from '../../plugin/server/speech/babble.js';

export const TEST_NPC: NpcDefinition = {
  id: 'tess',
  name: 'Tess the Tester',
  agent: {
    agent_id: 'agent_tess_real_id',
    prompt: { text: 'You are Tess, who sells {{item}} in {{town}}.' },
    first_message: 'Welcome to the test shop, traveller! Looking for potions, or perhaps a lantern today?',
    language: 'en',
    voice: { voice_id: 'tess_voice' },
    dynamic_variables: { item: 'potions', town: 'Testbury' },
  },
  proximity: { radius: 96, exit_radius: 128, priority: 0, dwell_ms: 250, prewarm_radius: 192 },
  bubble: { max_width: 220 },
  local: {
    voice: { engine_voice: 'en-us+f3', rate: 175, pitch: 60 },
    replies: [
      { when: ['potion', 'healing'], say: 'Healing potions are twenty gold each.' },
      { when: ['guild master'], say: 'The guild master is upstairs.' },
      { when: ['master'], say: 'I have no master.' },
      { when: ['news'], say: 'Latest news: {{context.news}}' },
      {
        when: ['gold', 'purse'],
        say: 'You have {{tool.check_gold}} gold.',
        tool: { name: 'check_gold', parameters: { currency: 'gold' }, expects_response: true },
      },
      { when: ['wave', 'bye'], say: 'Safe travels!', tool: { name: 'wave_goodbye' } },
    ],
    fallback: 'Hmm, I only know about potions.',
  },
};

export const QUIET_NPC: NpcDefinition = {
  ...TEST_NPC,
  id: 'quiet',
  agent: { ...TEST_NPC.agent, agent_id: '', first_message: '' },
};

/** Speech-like audio (voiced, VAD-positive) of `text`, 16 kHz. */
export function speechLike(text: string): Int16Array {
  return createBabbleEngine().synthesize(text, { engineVoice: 'en+m3', rate: 160, pitch: 50 }).pcm;
}

export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * 16));
}

/** A 60 ms click: loud, but far shorter than any word. */
export function click(): Int16Array {
  const pcm = new Int16Array(16 * 60);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i * 0.35) * 20000 * Math.exp(-i / 300));
  return pcm;
}

/** Cuts audio into 20 ms chunks, as the plugin's microphone sends them. */
export function chunks20ms(pcm: Int16Array): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += 320) out.push(pcm.subarray(i, Math.min(pcm.length, i + 320)));
  return out;
}

/**
 * 16 kHz mono PCM16 of a sentence spoken by the espeak-ng CLI and converted with sox: what a
 * player's microphone delivers, for the spoken-input tests and the agent benches (needs the Debian
 * packages espeak-ng and sox). Without `voice`, espeak-ng's default (`en`).
 */
export function espeakPcm16k(text: string, voice?: string): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'espeak-pcm-'));
  try {
    const wav = join(dir, 'speech.wav');
    const raw = join(dir, 'speech.raw');
    execFileSync('espeak-ng', [...(voice ? ['-v', voice] : []), '-w', wav, text]);
    execFileSync('sox', [
      wav,
      '-r',
      '16000',
      '-b',
      '16',
      '-c',
      '1',
      '-e',
      'signed-integer',
      '-t',
      'raw',
      raw,
    ]);
    const b = readFileSync(raw);
    // A copy with its own buffer: callers may keep it for the whole run.
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
