/**
 * What the HUD shows about talking, and the player's talking controls. The village scene owns one
 * `Talk`; the voice module (voice.ts) drives it from the plugin's events, and the HUD only reads it.
 */
import type { NpcActor } from './actors.js';

export type MicMode = 'push' | 'open';

/** A problem in plain words, with what the player can do about it. */
export interface Problem {
  id:
    | 'mic-denied'
    | 'mic-missing'
    | 'asr-unavailable'
    | 'agent-unreachable'
    | 'reconnecting'
    | 'audio-locked'
    | 'npc-files'
    | 'other';
  title: string;
  action: string;
  /** The underlying message, for the debug handle and the console. */
  detail?: string;
}

export interface TalkControls {
  pushToTalk(down: boolean): void;
  toggleMicMode(): void;
  sendText(text: string): void;
  skip(): void;
  toggleDebug(): void;
}

export class Talk {
  /** The NPC the player talks to now (the plugin's active NPC), or null. */
  target: NpcActor | null = null;
  /** The nearest NPC the player could walk up to, for the hint when nobody is active. */
  nearby: NpcActor | null = null;
  npcState = 'idle';
  micMode: MicMode = 'push';
  /** The microphone device is open (the browser's recording light is on). */
  micOpen = false;
  /** The player's voice is being sent (Space held, or open mic). */
  micLive = false;
  micLevel = 0;
  typing = false;
  debug = false;
  readonly problems = new Map<Problem['id'], Problem>();
  /** The last thing the player said or typed, and the NPC's last line (for the HUD and tests). */
  lastHeard = '';
  lastSaid = '';
  controls: TalkControls | null = null;

  problem(p: Problem): void {
    this.problems.set(p.id, p);
  }

  clear(id: Problem['id']): void {
    this.problems.delete(id);
  }
}
