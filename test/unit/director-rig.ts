// The director test's rig (not a test file itself): fakes typed against the real interfaces the
// director drives, and a director over them whose events and microphone requests land in a log.
import { expect } from 'vitest';
import { EventBus } from '../../plugin/common/emitter.js';
import type { AgentSessionEvents, SessionState } from '../../plugin/session/types.js';
import type { AudioFormatInfo } from '../../plugin/protocol/format.js';
import type { EndReason } from '../../plugin/protocol/index.js';
import type { MicMode } from '../../plugin/audio/index.js';
import type { NpcDefinition } from '../../plugin/npc/types.js';
import type { ConversationVoice, SessionLike } from '../../plugin/phaser/conversation-parts.js';
import type { NpcVoiceEvents } from '../../plugin/audio/index.js';
import type { BubbleStyle } from '../../plugin/phaser/bubble/style.js';
import type { DirectedBubble, DirectedNpc, DirectorParts } from '../../plugin/phaser/director-parts.js';
import { ConversationDirector } from '../../plugin/phaser/director.js';
import type { VoiceAgentsConfig } from '../../plugin/phaser/config.js';

const pcm16k: AudioFormatInfo = {
  format: 'pcm_16000',
  encoding: 'pcm',
  sampleRate: 16000,
  bytesPerSample: 2,
};

/** A session the test drives: it opens and ends when told to, and records what was sent. */
export class FakeSession extends EventBus<AgentSessionEvents> implements SessionLike {
  state: SessionState = 'idle';
  readonly texts: string[] = [];
  audioChunks = 0;
  closed = false;
  connect(): Promise<void> {
    this.state = 'connecting';
    this.fire('state', 'connecting', 'idle');
    return Promise.resolve();
  }
  open(conversationId: string): void {
    this.state = 'open';
    this.fire('conversation:start', {
      conversationId,
      inputFormat: pcm16k,
      outputFormat: pcm16k,
      reconnectAttempt: 0,
    });
  }
  end(reason: EndReason): void {
    this.state = 'closed';
    this.fire('conversation:end', reason);
  }
  close(): void {
    this.closed = true;
    this.state = 'closed';
  }
  sendAudio(): void {
    this.audioChunks++;
  }
  sendText(text: string): void {
    this.texts.push(text);
  }
  sendContextualUpdate(): void {}
  interrupt(): void {}
  registerTool(): () => void {
    return () => {};
  }
}

export class FakeNpc implements DirectedNpc {
  readonly mouths: number[] = [];
  readonly facts = new Map<string, string | number | boolean>();
  #def: NpcDefinition;
  constructor(
    id: string,
    x: number,
    readonly gameObject = { x, y: 0 },
  ) {
    this.#def = {
      id,
      name: id,
      agent: { language: 'en' },
      // No prewarm and no dwell: one frame in reach opens and activates.
      proximity: { radius: 50, exit_radius: 60, prewarm_radius: 0, dwell_ms: 0, priority: 0 },
      bubble: { max_width: 200 },
      local: { voice: { engine_voice: 'en-us', rate: 175, pitch: 50 }, replies: [], fallback: '' },
    };
  }
  get id(): string {
    return this.#def.id;
  }
  get definition(): NpcDefinition {
    return this.#def;
  }
  setDefinition(def: NpcDefinition): void {
    this.#def = def;
  }
  setFact(key: string, value: string | number | boolean): void {
    this.facts.set(key, value);
  }
  contexts(): ReadonlyMap<string, string> {
    return new Map();
  }
  toolHandler(): undefined {
    return undefined;
  }
  toolNames(): string[] {
    return [];
  }
  hasListener(): boolean {
    return false;
  }
  eventNames(): readonly PropertyKey[] {
    return [];
  }
  mouth(level: number): void {
    this.mouths.push(level);
  }
}

/** A voice the test makes speak (`fire('speaking', 1)`) at a level it sets. */
export class FakeVoice implements ConversationVoice {
  turnId = -1;
  playbackPositionMs = 0;
  mode: 'speaking' | 'listening' = 'listening';
  level = 0;
  readonly #fns = new Map<keyof NpcVoiceEvents, ((...a: never[]) => void)[]>();
  on<K extends keyof NpcVoiceEvents>(e: K, fn: NpcVoiceEvents[K]): () => void {
    this.#fns.set(e, [...(this.#fns.get(e) ?? []), fn]);
    return () =>
      this.#fns.set(
        e,
        (this.#fns.get(e) ?? []).filter((f) => f !== fn),
      );
  }
  fire<K extends keyof NpcVoiceEvents>(e: K, ...a: Parameters<NpcVoiceEvents[K]>): void {
    for (const f of this.#fns.get(e) ?? []) (f as (...args: typeof a) => void)(...a);
  }
  push(): void {}
  flush(): void {}
  restart(): void {}
  dispose(): void {}
  setPosition(): void {}
}

export class FakeBubble implements DirectedBubble {
  turnId = -1;
  enabled = true;
  visible = false;
  visibleText = '';
  cleared = 0;
  style: BubbleStyle | null = null;
  show(): void {}
  correct(): void {}
  cutAt(): void {}
  end(): void {}
  clear(): void {
    this.cleared++;
  }
  setStyle(style: BubbleStyle): void {
    this.style = style;
  }
}

export type Log = unknown[][];

/** A director over fakes; `log` gets its events and the microphone requests, in order. */
export function setup(config: VoiceAgentsConfig = {}) {
  const log: Log = [];
  const sessions: FakeSession[] = [];
  const bubbles: FakeBubble[] = [];
  const settings: VoiceAgentsConfig = {
    localAgentUrl: 'ws://agent.test',
    createSession: () => {
      const s = new FakeSession();
      sessions.push(s);
      return s;
    },
    ...config,
  };
  const audio: DirectorParts<FakeNpc, FakeBubble>['audio'] = {
    mode: config.micMode ?? 'push-to-talk',
    mixer: null,
    want: (rate: number) => log.push(['mic', rate]),
    retry: () => {},
    talk: () => {},
    setMode(mode: MicMode) {
      this.mode = mode;
    },
    createVoice: () => null,
  };
  const speech: DirectorParts<FakeNpc, FakeBubble>['speech'] = {
    update: (enabled, live, language) => log.push(['speech', enabled, live, language]),
  };
  const director = new ConversationDirector<FakeNpc, FakeBubble>({
    audio,
    speech,
    config: () => settings,
    bubble: () => {
      const b = new FakeBubble();
      bubbles.push(b);
      return b;
    },
    pluginEvents: () => [],
  });
  director.on('npc', (npc, event, ...args) => {
    // Whoever hears of a change reads the state it announces: it is written before the event.
    if (event === 'state') expect(director.talk(npc)?.state).toBe(args[0]);
    log.push([npc.id, event, ...args]);
  });
  director.on('active:change', (npc, prev) => log.push(['active:change', npc?.id ?? null, prev?.id ?? null]));
  director.on('player:said', (text) => log.push(['player:said', text]));
  director.on('detached', (npc, bubble) => log.push(['detached', npc.id, bubble === bubbles[0]]));
  director.start();
  /** Mira at x = 100, the player walked up, her conversation open, the log cleared: where most checks start. */
  const talkingToMira = () => {
    const mira = new FakeNpc('mira', 100);
    director.add(mira);
    director.frame(100, 0, 0);
    const session = sessions.at(-1)!;
    session.open('conv-1');
    log.length = 0;
    return { mira, session };
  };
  return { director, log, sessions, bubbles, audio, talkingToMira };
}

export const closedByGame = { kind: 'user', code: 1000, reason: 'Closed by the game' };
