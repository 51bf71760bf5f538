/**
 * What the HUD shows about talking, and the player's talking controls. The village scene owns one
 * `Talk`; the voice module (voice.ts) drives it from the plugin's events, and the HUD only reads it.
 */
import type { NpcActor } from './actors.js';

/** Push-to-talk, open mic, or off: typing only, and the browser never asks for the microphone. */
export type MicMode = 'push' | 'open' | 'off';

/** A problem in plain words, with what the player can do about it. */
export interface Problem {
  id:
    | 'mic-denied'
    | 'mic-missing'
    | 'asr-unavailable'
    | 'agent-unreachable'
    | 'agent-busy'
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
  /** M: push-to-talk -> open mic -> mic off -> push-to-talk. */
  toggleMicMode(): void;
  /** False when nobody is listening yet: the words were not sent. */
  sendText(text: string): boolean;
  skip(): void;
  toggleDebug(): void;
}

/** One line of the conversation log: who said it, to or as which villager, and the words. */
export interface LogLine {
  /** 'player' or the villager's name. */
  speaker: string;
  /** The villager the line belongs to (the one spoken to, or the speaker). */
  npc: string;
  text: string;
  /** The agent's turn id, so a correction after a barge-in can fix what was heard. */
  eventId?: number;
}

export class Talk {
  /** Both sides of every conversation, oldest first (the L panel), at most 500 lines. */
  readonly log: LogLine[] = [];
  /** Called after the log changed. */
  onLog: (() => void) | null = null;
  /** What the NPC is saying right now, word by word (the captions line). */
  caption = '';
  captionSpeaker = '';

  logLine(line: LogLine): void {
    this.log.push(line);
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    this.onLog?.();
  }

  /** After a barge-in: the villager's line becomes what the player actually heard. */
  correct(eventId: number, text: string): void {
    const line = [...this.log].reverse().find((l) => l.eventId === eventId);
    if (!line) return;
    line.text = text;
    this.onLog?.();
  }

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
