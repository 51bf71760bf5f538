import * as Phaser from 'phaser';
import type { MicMode } from '../audio/index.js';
import { AudioLink } from './audio-link.js';
import { SpeechInput } from './speech-input.js';
import { onNpcError, onNpcUpdate } from '../npc/index.js';
import type { NpcDefinition } from '../npc/types.js';
import { EventfulScenePlugin } from './plugin-events.js';
import { ConversationDirector } from './director.js';
import { NpcHandle, type AttachOptions, type Positioned } from './npc-handle.js';
import { DEFAULT_CONFIG, type VoiceAgentsConfig } from './config.js';
import { listenerPoint, type Listener } from './listener.js';
import { headOf } from './markers.js';
import { SceneVisuals } from './visuals.js';
import type { OverlayInfo } from './overlay.js';
import type { SpeechBubble } from './bubble/view.js';
import type { ProximityTracker } from '../proximity/index.js';
import { guarded } from './guarded.js';
import type { VoiceAgentsError } from './events.js';

/**
 * The scene plugin: NPC agents on game objects, proximity switching, the microphone routed to the
 * active conversation, spatial voices, speech bubbles and a debug overlay. It is the Phaser side:
 * the scene's lifecycle, the public API and the per-frame calls. Who talks to whom, and every
 * NPC's conversation state, belong to the ConversationDirector; this class relays its events.
 *
 * Lifecycle (Phaser never calls a scene plugin's destroy() itself): on the scene's SHUTDOWN every
 * conversation ends, the microphone is released, bubbles and timers are cleared and every listener
 * the plugin added is removed, except the two it needs to come back (START, DESTROY) on the scene's
 * own emitter. A restart starts clean. On DESTROY those go too.
 */
export class VoiceAgentsPlugin extends EventfulScenePlugin {
  #config: VoiceAgentsConfig = { ...DEFAULT_CONFIG };
  readonly #audio = new AudioLink(() => this.#config);
  /** The browser's recognizer (configure({ speechRecognition: 'browser' })): its words go to the active NPC. */
  readonly #speech = new SpeechInput();
  readonly #director: ConversationDirector<NpcHandle, SpeechBubble>;
  readonly #visuals: SceneVisuals;
  #listenerTarget: Listener | null = null;
  readonly #listenerPos = { x: 0, y: 0 };
  /** What the debug overlay shows; made once, called only while the overlay is on (no per-frame garbage). */
  readonly #overlayInfo = (): [readonly NpcHandle[], ProximityTracker, OverlayInfo] => [
    this.#director.npcs,
    this.#director.tracker,
    {
      listener: this.#listenerPos,
      active: this.#director.active,
      micOpen: this.micOpen,
      micLevel: this.micLevel,
      micMode: this.#audio.mode,
    },
  ];
  #running = false;
  #unsubs: (() => void)[] = [];
  /** Errors said before the scene's first frame (see #reportOnceRunning); null once it has run. */
  #beforeFirstFrame: VoiceAgentsError[] | null = [];

  constructor(scene: Phaser.Scene, pluginManager: Phaser.Plugins.PluginManager, pluginKey: string) {
    super(scene, pluginManager, pluginKey);
    const visuals = (this.#visuals = new SceneVisuals(scene));
    const director = (this.#director = new ConversationDirector<NpcHandle, SpeechBubble>({
      audio: this.#audio,
      speech: this.#speech,
      config: () => this.#config,
      bubble: (h, style, position) =>
        visuals.bubbles.create({ anchor: (out) => h.attached && (headOf(h, out), true), position }, style),
      pluginEvents: () => this.events.eventNames(),
    }));
    // An NPC's event reaches its own listeners first, then the plugin's (with the NPC first).
    director.on('npc', (h, ...e) => {
      h.fire(...e);
      this.emit(e[0], h, ...e.slice(1));
    });
    director.on('active:change', (h, prev) => this.emit('active:change', h, prev));
    director.on('player:said', (text) => this.#playerSaid(text));
    director.on('detached', (h, bubble) => {
      h.gameObject.off(Phaser.GameObjects.Events.DESTROY, this.#onObjectDestroyed, this);
      if (bubble) visuals.removeBubble(bubble);
      h.markDetached();
    });
    this.#audio.on('error', (e) => this.pluginError(e));
    this.#audio.on('mic', (open) => this.emit('mic', open));
    this.#audio.on('chunk', (pcm) => director.micChunk(pcm));
    this.#speech.on('heard', (text) => director.heard(text));
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Called once by Phaser (config or run-time install). Never subscribe to BOOT again here. */
  override boot(): void {
    const ev = this.systems!.events;
    // A run-time install calls boot() directly and leaves the constructor's BOOT subscription behind.
    ev.off(Phaser.Scenes.Events.BOOT, this.boot, this);
    ev.on(Phaser.Scenes.Events.START, this.#onStart, this);
    ev.once(Phaser.Scenes.Events.DESTROY, this.#onDestroy, this);
    const status = this.systems!.settings.status;
    if (status >= Phaser.Scenes.START && status < Phaser.Scenes.SHUTDOWN) {
      this.#onStart();
      // Installed into a scene that is paused or asleep right now: it listens once the scene runs.
      if (status === Phaser.Scenes.PAUSED || status === Phaser.Scenes.SLEEPING)
        this.#director.setRunning(false);
    }
  }

  #onStart(): void {
    if (this.#running) return;
    this.#running = true;
    this.#director.start();
    const ev = this.systems!.events;
    ev.on(Phaser.Scenes.Events.POST_UPDATE, this.#onPostUpdate, this);
    ev.once(Phaser.Scenes.Events.SHUTDOWN, this.#onShutdown, this);
    // A paused or sleeping scene (a menu over it): nobody is walking up to anyone, so nothing listens.
    const S = Phaser.Scenes.Events;
    for (const [event, running] of [
      [S.PAUSE, false],
      [S.SLEEP, false],
      [S.RESUME, true],
      [S.WAKE, true],
    ] as const) {
      const fn = () => this.#director.setRunning(running);
      ev.on(event, fn);
      this.#unsubs.push(() => ev.off(event, fn));
    }
    if (this.#config.hotReload !== false) {
      this.#unsubs.push(
        onNpcUpdate((def) => this.updateNpc(def)),
        onNpcError((e) =>
          this.#reportOnceRunning({
            kind: 'config',
            message: `${e.file}: ${e.errors.length} error(s); ${e.id} ${
              e.silent ? 'stays silent until the file is fixed' : 'keeps its last good version'
            }`,
            cause: e,
          }),
        ),
      );
    }
  }

  /**
   * Files broken when the scene starts are reported at START, before the game's create() has
   * subscribed to plugin:error: those wait for the first frame, when every listener is there.
   */
  #reportOnceRunning(e: VoiceAgentsError): void {
    if (this.#beforeFirstFrame) this.#beforeFirstFrame.push(e);
    else this.pluginError(e);
  }

  #onShutdown(): void {
    this.#running = false;
    this.#beforeFirstFrame = [];
    const ev = this.systems!.events;
    ev.off(Phaser.Scenes.Events.POST_UPDATE, this.#onPostUpdate, this);
    ev.off(Phaser.Scenes.Events.SHUTDOWN, this.#onShutdown, this);
    for (const off of this.#unsubs.splice(0)) off();
    this.#director.stop();
    this.#speech.dispose();
    this.#audio.dispose();
    this.#visuals.destroy();
    this.#listenerTarget = null;
    // Like Phaser's own scene plugins (input, tweens): game listeners go with the scene, so a
    // restart that subscribes again in create() does not double them.
    this.events.clear();
  }

  #onDestroy(): void {
    if (this.#running) this.#onShutdown();
    const ev = this.systems?.events;
    ev?.off(Phaser.Scenes.Events.START, this.#onStart, this);
    ev?.off(Phaser.Scenes.Events.DESTROY, this.#onDestroy, this);
    super.destroy();
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  /** Connection, audio and behaviour settings in one place. Merged over what was set before. */
  configure(config: VoiceAgentsConfig): this {
    const c = this.#guarded(config);
    this.#config = { ...this.#config, ...c };
    this.#director.configure(c);
    if (config.micMode !== undefined) this.setMicMode(config.micMode);
    return this;
  }

  /**
   * The game's callbacks the plugin calls every frame, made unable to stop the frame: a throw is one
   * 'callback' error (not one a frame), and the frame goes on as if the callback had no say.
   */
  #guarded(config: VoiceAgentsConfig): VoiceAgentsConfig {
    const out = { ...config };
    const report = (name: string) => (cause: unknown) =>
      this.pluginError({
        kind: 'callback',
        message: `${name} threw (${(cause as Error)?.message ?? String(cause)}); the frame goes on without it`,
        cause,
      });
    const los = config.lineOfSight;
    if (los) out.lineOfSight = guarded(los, true, report('lineOfSight'));
    const avoid = config.bubbleAvoid;
    if (avoid) out.bubbleAvoid = guarded(avoid, [], report('bubbleAvoid'));
    return out;
  }

  /** The settings in effect. */
  get settings(): Readonly<VoiceAgentsConfig> {
    return this.#config;
  }

  /**
   * Give a game object a voice: `this.voiceAgents.attach(sprite, mira)`. The NPC id must be unique
   * in the scene. Destroying the object ends its conversation and detaches it.
   */
  attach(gameObject: Positioned, npc: NpcDefinition, options: AttachOptions = {}): NpcHandle {
    if (!npc || typeof npc.id !== 'string' || !npc.id)
      throw new TypeError('attach(gameObject, npc): npc must be an NPC definition with an id');
    const h = new NpcHandle(this.#director, gameObject, npc, options);
    this.#director.add(h);
    gameObject.once(Phaser.GameObjects.Events.DESTROY, this.#onObjectDestroyed, this);
    return h;
  }

  /** End an NPC's conversation and unbind it (by handle, game object or id). */
  detach(target: NpcHandle | Phaser.GameObjects.GameObject | string): void {
    const d = this.#director;
    const h =
      typeof target === 'string' ? d.npc(target) : target instanceof NpcHandle ? target : d.npcOn(target);
    if (h) d.detach(h);
  }

  #onObjectDestroyed(gameObject: Phaser.GameObjects.GameObject): void {
    this.detach(gameObject);
  }

  /**
   * A fact every NPC of the scene knows (`has_lantern`, `gate_open`), now and when attached later:
   * each NPC's `setFact`, for the whole village at once.
   */
  setFact(key: string, value: string | number | boolean): this {
    this.#director.setFact(key, value);
    return this;
  }

  /** An attached NPC by id. */
  npc(id: string): NpcHandle | undefined {
    return this.#director.npc(id);
  }

  /** Every attached NPC. */
  get npcs(): NpcHandle[] {
    return this.#director.npcs;
  }

  /** The NPC the player is talking to (the microphone goes there), or null. */
  get activeNpc(): NpcHandle | null {
    return this.#director.active;
  }

  /**
   * Who hears the voices and whose distance picks the NPC: the player's game object (default: the
   * main camera's centre).
   */
  setListener(target: Listener): this {
    this.#listenerTarget = target;
    return this;
  }

  /**
   * Hot reload: swap an NPC's definition. Radii and bubble style apply at once; the prompt, voice
   * and first message apply to the next conversation (one in progress keeps what it was opened
   * with: the service takes overrides only at the start of a conversation).
   */
  updateNpc(def: NpcDefinition): boolean {
    return this.#director.updateNpc(def);
  }

  protected toolListened(name: string): void {
    this.#director.toolAdded(null, name);
  }

  // Player controls -----------------------------------------------------------------------------

  /**
   * Push-to-talk pressed (bind to a key down). Pressed while the NPC speaks, it cuts the NPC off at
   * once: the player asked for the floor.
   */
  pushToTalkStart(): void {
    this.#director.pushToTalk(true);
  }

  /** Push-to-talk released. */
  pushToTalkStop(): void {
    this.#director.pushToTalk(false);
  }

  /** 'push-to-talk' (hold a key), 'open' (always listening, with an echo guard), or 'muted'. */
  setMicMode(mode: MicMode): void {
    this.#config.micMode = mode;
    this.#director.setMicMode(mode);
  }

  get micMode(): MicMode {
    return this.#audio.mode;
  }

  /** True while the microphone is open (it is only while a conversation is active). */
  get micOpen(): boolean {
    return this.#audio.micOpen;
  }

  /** Microphone input level 0..1 (for a meter). */
  get micLevel(): number {
    return this.#audio.micLevel;
  }

  /** Type to the active NPC. Returns false when nobody is listening. */
  sendText(text: string): boolean {
    const a = this.#director.active;
    return a ? this.#director.sendText(a, text) : false;
  }

  /** The text now shown in the player's bubble (what they typed), for accessibility mirrors. */
  get playerBubbleText(): string {
    return this.#visuals.playerText;
  }

  /** Stop the active NPC's current line now (the seed's interrupt); its bubble keeps what was heard. */
  skip(): void {
    const a = this.#director.active;
    if (a) this.#director.skip(a);
  }

  /** Show or hide the debug overlay (radii, active link, states, ping, time to first audio, mic level). */
  setDebug(on: boolean): this {
    this.#visuals.debug = on;
    return this;
  }

  toggleDebug(): boolean {
    this.setDebug(!this.#visuals.debug);
    return this.#visuals.debug;
  }

  get debug(): boolean {
    return this.#visuals.debug;
  }

  // ---------------------------------------------------------------------------------------------
  // Per frame

  #onPostUpdate(time: number): void {
    const early = this.#beforeFirstFrame;
    if (early) {
      this.#beforeFirstFrame = null;
      for (const e of early) this.pluginError(e);
    }
    const lp = this.#listenerPos;
    if (!listenerPoint(this.#listenerTarget, this.scene!.cameras.main, lp)) this.#listenerTarget = null; // its game object was destroyed: the camera takes over
    this.#director.frame(lp.x, lp.y, time);
    const c = this.#config;
    const player =
      this.#listenerTarget && !('worldView' in this.#listenerTarget) ? this.#listenerTarget : null;
    this.#visuals.draw(
      time,
      this.#director.talking,
      c.markers !== false,
      c.bubbleAvoid,
      this.#overlayInfo,
      player,
    );
  }

  /** The player's words over the player (not over a camera listener). */
  #playerSaid(text: string): void {
    const target = this.#listenerTarget;
    if (this.#config.bubbles === false || !target || 'worldView' in target) return;
    const current = () => this.#listenerTarget === target;
    this.#visuals.playerSaid(target, current, text, this.#director.now, this.#config.playerBubble);
  }
}

// Every scene gets `this.voiceAgents` typed with no code in the game. Kept in this module (not a
// side-effect import, which declaration emit may drop) so it ships in the package's .d.ts. Phaser's
// typings are a global script (`declare namespace Phaser`), so only this form merges: `declare module
// 'phaser' { namespace Phaser { … } }` compiles but silently does nothing.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- merging into Phaser's global namespace is the point
  namespace Phaser {
    interface Scene {
      /** The voice-agents scene plugin (registered with `voiceAgentsPlugin()`, mapping 'voiceAgents'). */
      voiceAgents: VoiceAgentsPlugin;
    }
  }
}
