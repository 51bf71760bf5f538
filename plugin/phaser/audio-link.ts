import { HowlerBridge, type HowlerLike } from '../audio/howler-bridge.js';
import type { MicCapture } from '../audio/mic-capture.js';
import { MicError } from '../audio/mic-errors.js';
import type { MicMode } from '../audio/mic-options.js';
import type { NpcVoice } from '../audio/npc-voice.js';
import { VoiceMixer } from '../audio/voice-mixer.js';
import { Emitter } from '../common/emitter.js';
import { lazy } from '../common/lazy.js';
import type { VoiceAgentsConfig } from './config.js';
import type { VoiceAgentsError } from './events.js';

type MicModule = typeof import('../audio/mic-capture.js');
/**
 * The microphone path (capture, gate, its worklet) is a third of the plugin's audio code and a game
 * played by typing never uses it, so it is a chunk of its own, fetched when the first conversation
 * opens (while the WebSocket connects, before the player is in talking range).
 */
const loadMic = lazy((): Promise<MicModule> => import('../audio/mic-capture.js'));

interface AudioLinkEvents {
  error: (e: VoiceAgentsError) => void;
  /** The microphone opened, or closed with every track stopped. */
  mic: (open: boolean) => void;
  /** A chunk of microphone audio (for the active conversation). */
  chunk: (pcm: Int16Array) => void;
}

/**
 * The plugin's audio: Howler's context (through the bridge), the NPC voice mixer and the one
 * microphone. Created lazily on the first conversation and disposed on scene shutdown. The mic
 * opens only while a conversation is active; after a failure (denied, no device) it is not asked
 * again until the player changes mode, presses talk, or another NPC becomes active.
 */
export class AudioLink extends Emitter<AudioLinkEvents> {
  #bridge: HowlerBridge | null = null;
  mixer: VoiceMixer | null = null;
  #mic: MicCapture | null = null;
  #micRate = 0;
  #starting = false;
  /** Counts mic starts: only the latest one settles `#starting` (see want). */
  #attempt = 0;
  #failed = false;
  #micFailed = false;
  /**
   * A voice's worklet failed to load. Reported once: a page's policy fails every voice alike, and a
   * voice whose code did not arrive over the network fetches it again by itself.
   */
  #voiceFailed = false;
  #wantRate = 0;
  /** The microphone's class once its chunk has loaded. */
  #Mic: MicModule['MicCapture'] | null = null;
  #micLoading = false;
  /** Bumped by dispose(), so a chunk that arrives afterwards opens nothing. */
  #gen = 0;
  mode: MicMode;
  #pttDown = false;

  readonly #config: () => VoiceAgentsConfig;
  readonly #fetchMic: () => Promise<MicModule>;
  /** `fetchMic` is for tests, which hold the chunk back to play out the races around its arrival. */
  constructor(config: () => VoiceAgentsConfig, fetchMic: () => Promise<MicModule> = loadMic) {
    super();
    this.#config = config;
    this.#fetchMic = fetchMic;
    this.mode = config().micMode ?? 'push-to-talk';
  }

  get micOpen(): boolean {
    return this.#mic?.isOpen ?? false;
  }

  get micLevel(): number {
    return this.#mic?.level ?? 0;
  }

  /** Howler's context and the mixer; false (after one 'audio' error) when there is no Web Audio. */
  #ensure(): boolean {
    if (this.#bridge) return true;
    if (this.#failed) return false;
    const c = this.#config();
    const howler = (c.howler ?? (globalThis as { Howler?: HowlerLike }).Howler) as HowlerLike | undefined;
    if (!howler) {
      this.#failed = true;
      this.emit('error', {
        kind: 'audio',
        message:
          'No Howler found: import howler in the game (or configure({ howler: Howler })). NPCs show text only.',
      });
      return false;
    }
    try {
      howler.volume(howler.volume() as number); // makes Howler create its AudioContext
      this.#bridge = new HowlerBridge(howler);
      this.mixer = new VoiceMixer(this.#bridge);
      if (this.mode !== 'muted') void this.#loadMic();
      this.#bridge.on('blocked', () =>
        this.emit('error', {
          kind: 'audio',
          message: 'Sound is blocked until the player clicks or presses a key',
        }),
      );
      return true;
    } catch (cause) {
      this.#failed = true;
      this.#bridge?.dispose();
      this.#bridge = null;
      this.emit('error', {
        kind: 'audio',
        message: `Web Audio unavailable: ${(cause as Error)?.message ?? cause}`,
        cause,
      });
      return false;
    }
  }

  createVoice(): NpcVoice | null {
    if (!this.#ensure() || !this.mixer) return null;
    const c = this.#config();
    let voice: NpcVoice;
    try {
      voice = this.mixer.createVoice({ ...(c.spatialOptions ?? {}), model: c.spatial ?? 'stereo' });
    } catch (cause) {
      // Howler in HTML5 Audio mode (no Web Audio in this browser, or `html5` forced): the voice
      // cannot play, but the conversation goes on in text, and the mic captures on its own context.
      const html5 = !this.mixer.bridge.contextOrNull;
      this.#voiceError(cause as Error, html5 ? 'NPC voices need Web Audio, so NPCs show text only: ' : '');
      return null;
    }
    voice.on('error', (cause) => this.#voiceError(cause));
    return voice;
  }

  /** Said once per scene (dispose() forgets it): every NPC's voice fails the same way. */
  #voiceError(cause: Error, prefix = ''): void {
    if (this.#voiceFailed) return;
    this.#voiceFailed = true;
    this.emit('error', { kind: 'audio', message: prefix + cause.message, cause });
  }

  setMode(mode: MicMode): void {
    this.mode = mode;
    this.#micFailed = false;
    this.#mic?.setMode(mode);
  }

  talk(down: boolean): void {
    this.#pttDown = down;
    if (down) this.#micFailed = false;
    if (down) this.#mic?.talkStart();
    else this.#mic?.talkEnd();
  }

  /** A new NPC became active: a failed microphone may be asked again. */
  retry(): void {
    this.#micFailed = false;
  }

  /** Fetch the microphone's chunk. A failure is a 'mic' error only while a conversation wants the mic. */
  async #loadMic(): Promise<void> {
    if (this.#Mic || this.#micLoading) return;
    this.#micLoading = true;
    const gen = this.#gen;
    try {
      const m = await this.#fetchMic();
      if (gen !== this.#gen) return;
      this.#Mic = m.MicCapture;
      if (this.#wantRate > 0) this.want(this.#wantRate);
    } catch (cause) {
      if (gen !== this.#gen || this.#wantRate <= 0) return;
      this.#micFailed = true;
      const message = `The microphone code failed to load (${(cause as Error)?.message ?? cause}); type to talk, or try again`;
      this.emit('error', { kind: 'mic', message, cause: new MicError('failed', message, cause) });
    } finally {
      if (gen === this.#gen) this.#micLoading = false;
    }
  }

  /** Open the mic at `rate` (the active conversation's input rate), or close it (0). */
  want(rate: number): void {
    this.#wantRate = rate;
    if (rate <= 0 || this.mode === 'muted' || this.#micFailed) {
      this.#abandonStart();
      this.#mic?.stop();
      return;
    }
    if (!this.#ensure() || !this.#bridge) return;
    if (this.#mic && this.#micRate !== rate) {
      this.#abandonStart();
      this.#mic.dispose();
      this.#mic = null;
    }
    if (!this.#mic) {
      const Mic = this.#Mic;
      if (!Mic) {
        void this.#loadMic(); // want() again when it arrives
        return;
      }
      this.#micRate = rate;
      const mic = new Mic(this.#bridge, {
        sampleRate: rate,
        chunkMs: this.#config().micChunkMs ?? 20,
        mode: this.mode,
        ...(this.mixer ? { echoGuard: { source: this.mixer } } : {}),
        onChunk: (pcm) => this.emit('chunk', pcm),
      });
      mic.on('open', () => this.emit('mic', true));
      mic.on('close', () => this.emit('mic', false));
      mic.on('error', (err) => {
        this.#micFailed = true;
        this.emit('error', { kind: 'mic', message: err.message, cause: err });
      });
      if (this.#pttDown) mic.talkStart();
      this.#mic = mic;
    }
    if (this.#mic.isOpen || this.#starting) return;
    const mic = this.#mic;
    const attempt = ++this.#attempt;
    this.#starting = true;
    void mic.start().finally(() => {
      // Only the latest start settles the state: an abandoned one (the player walked off and back
      // while the permission prompt was up) coming back must not start yet another.
      if (this.#mic !== mic || attempt !== this.#attempt) return;
      this.#starting = false;
      // The conversation may have ended (or moved) while the permission prompt was up.
      if (!mic.isOpen || this.#wantRate !== this.#micRate) this.want(this.#wantRate);
    });
  }

  /** A start in flight no longer counts (its mic was stopped or replaced): the next want() starts anew. */
  #abandonStart(): void {
    this.#starting = false;
    this.#attempt++;
  }

  dispose(): void {
    this.#gen++;
    this.#micLoading = false;
    this.#wantRate = 0;
    this.#abandonStart();
    this.#mic?.dispose();
    this.#mic = null;
    this.mixer?.dispose();
    this.mixer = null;
    this.#bridge?.dispose();
    this.#bridge = null;
    this.#failed = false;
    this.#micFailed = false;
    this.#voiceFailed = false;
    this.#pttDown = false;
  }
}
