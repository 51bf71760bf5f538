import { Emitter } from '../common/emitter.js';
import type { HowlerBridge } from './howler-bridge.js';
import { NpcVoice } from './npc-voice.js';
import type { NpcVoiceOptions } from './voice-options.js';

export interface VoiceMixerEvents {
  /** Whether any NPC voice is speaking changed (drives the open-mic echo guard). */
  activity: (speaking: boolean) => void;
}

/**
 * All NPC voices of a scene, heard from one listener. Call `update()` once per frame (it is
 * cheap: it only notices a replaced Howler context; positions are applied when they change).
 */
export class VoiceMixer extends Emitter<VoiceMixerEvents> {
  #voices = new Set<NpcVoice>();
  #speakingCount = 0;
  #listener = { x: 0, y: 0 };

  readonly #defaults: NpcVoiceOptions;
  constructor(
    readonly bridge: HowlerBridge,
    defaults: NpcVoiceOptions = {},
  ) {
    super();
    this.#defaults = defaults;
  }

  createVoice(opts: NpcVoiceOptions = {}): NpcVoice {
    const v = new NpcVoice(this.bridge, { ...this.#defaults, ...opts });
    v.setListener(this.#listener.x, this.#listener.y);
    let speaking = false;
    const change = (now: boolean) => {
      if (now === speaking) return;
      speaking = now;
      const before = this.#speakingCount > 0;
      this.#speakingCount += now ? 1 : -1;
      if (before !== this.#speakingCount > 0) this.emit('activity', this.#speakingCount > 0);
    };
    v.on('speaking', () => change(true));
    v.on('listening', () => change(false));
    const dispose = v.dispose.bind(v);
    v.dispose = () => {
      change(false);
      this.#voices.delete(v);
      dispose();
    };
    this.#voices.add(v);
    return v;
  }

  /** True while any voice is speaking. The mic's open-mode echo guard reads this. */
  get speaking(): boolean {
    return this.#speakingCount > 0;
  }

  get size(): number {
    return this.#voices.size;
  }

  setListener(x: number, y: number): void {
    this.#listener.x = x;
    this.#listener.y = y;
    for (const v of this.#voices) v.setListener(x, y);
  }

  /** Per frame. */
  update(): void {
    this.bridge.check();
  }

  flushAll(): void {
    for (const v of this.#voices) v.flush();
  }

  dispose(): void {
    for (const v of [...this.#voices]) v.dispose();
    this.removeAllListeners();
  }
}
