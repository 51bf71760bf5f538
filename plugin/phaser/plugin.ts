import * as Phaser from 'phaser';
import type { MicMode } from '../audio/index.js';
import { AudioLink } from './audio-link.js';
import { ProximityTracker, type ProximityChange } from '../proximity/index.js';
import { proximityFromNpc } from './npc-proximity.js';
import { SpeechInput } from './speech-input.js';
import { onNpcError, onNpcUpdate } from '../npc/index.js';
import type { NpcDefinition } from '../npc/types.js';
import type { EndReason } from '../protocol/index.js';
import { EventfulScenePlugin } from './plugin-events.js';
import { createConversation } from './conversation-host.js';
import { NpcHandle, type AttachOptions, type HandleOwner, type Positioned } from './npc-handle.js';
import type { VoiceAgentsError } from './events.js';
import { DEFAULT_CONFIG, type VoiceAgentsConfig } from './config.js';
import { resolveBubbleStyle } from './bubble/style.js';
import { listenerPoint, type Listener } from './listener.js';
import { SceneVisuals } from './visuals.js';
import { PositionSync } from './position-sync.js';
import type { OverlayInfo } from './overlay.js';

const CLOSED_BY_GAME: EndReason = { kind: 'user', code: 1000, reason: 'Closed by the game' };

/**
 * The scene plugin: NPC agents on game objects, proximity switching, the microphone routed to the
 * active conversation, spatial voices, speech bubbles and a debug overlay.
 *
 * Lifecycle (Phaser never calls a scene plugin's destroy() itself): on the scene's SHUTDOWN every
 * conversation ends, the microphone is released, bubbles and timers are cleared and every listener
 * the plugin added is removed, except the two it needs to come back (START, DESTROY) on the scene's
 * own emitter. A restart starts clean. On DESTROY those go too.
 */
export class VoiceAgentsPlugin extends EventfulScenePlugin {
  #config: VoiceAgentsConfig = { ...DEFAULT_CONFIG };
  readonly #handles = new Map<string, NpcHandle>();
  /** Push-to-talk is held. */
  #pushToTalkHeld = false;
  /** The browser's recognizer (configure({ speechRecognition: 'browser' })): its words go to the active NPC. */
  readonly #speech = new SpeechInput((text) => {
    const h = this.#active;
    if (h?.conversation && h.conversation.sendText(text)) this.#playerSaid(text);
  });
  /** Facts for every NPC of the scene (setFact), given to each one attached later too. */
  readonly #facts = new Map<string, string | number | boolean>();
  readonly #byObject = new Map<Phaser.GameObjects.GameObject, NpcHandle>();
  /** The handles again, dense (h.slot): the per-frame position sync walks an array, not a Map iterator. */
  /** NPCs with an open conversation: the only ones that need per-frame audio and marker work. */
  readonly #talking = new Set<NpcHandle>();
  #tracker: ProximityTracker;
  #positions: PositionSync<NpcHandle>;
  #listenerTarget: Listener | null = null;
  #listenerPos = { x: 0, y: 0 };
  #active: NpcHandle | null = null;
  readonly #audio: AudioLink;
  readonly #visuals: SceneVisuals;
  /** What the debug overlay shows; made once, called only while the overlay is on (no per-frame garbage). */
  readonly #overlayInfo = (): [readonly NpcHandle[], ProximityTracker, OverlayInfo] => [
    [...this.#handles.values()],
    this.#tracker,
    {
      listener: this.#listenerPos,
      active: this.#active,
      micOpen: this.micOpen,
      micLevel: this.micLevel,
      micMode: this.#audio.mode,
    },
  ];
  #running = false;
  #now = 0;
  #unsubs: (() => void)[] = [];
  readonly #owner: HandleOwner;

  constructor(scene: Phaser.Scene, pluginManager: Phaser.Plugins.PluginManager, pluginKey: string) {
    super(scene, pluginManager, pluginKey);
    this.#tracker = this.#newTracker();
    this.#positions = new PositionSync(this.#tracker);
    this.#visuals = new SceneVisuals(scene);
    this.#owner = {
      detach: (npc) => this.detach(npc),
      sendTextTo: (npc, text) => this.#sendTextTo(npc, text),
      skipNpc: (npc) => npc.conversation?.skip(),
      contextChanged: (npc, key, text) => npc.conversation?.sendContext(key, text),
      toolAdded: (npc, name) => npc.conversation?.addTool(name),
      relay: (npc, event, args) => this.emit(event, npc, ...args),
    };
    this.#audio = new AudioLink({
      config: () => this.#config,
      error: (e) => this.pluginError(e),
      micChanged: (open) => this.emit('mic', open),
      chunk: (pcm) => this.#active?.conversation?.sendAudio(pcm),
    });
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
    if (status >= Phaser.Scenes.START && status < Phaser.Scenes.SHUTDOWN) this.#onStart();
  }

  #onStart(): void {
    if (this.#running) return;
    this.#running = true;
    const ev = this.systems!.events;
    ev.on(Phaser.Scenes.Events.POST_UPDATE, this.#onPostUpdate, this);
    ev.once(Phaser.Scenes.Events.SHUTDOWN, this.#onShutdown, this);
    if (this.#config.hotReload !== false) {
      this.#unsubs.push(
        onNpcUpdate((def) => this.updateNpc(def)),
        onNpcError((e) =>
          this.pluginError({
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

  #onShutdown(): void {
    this.#running = false;
    const ev = this.systems!.events;
    ev.off(Phaser.Scenes.Events.POST_UPDATE, this.#onPostUpdate, this);
    ev.off(Phaser.Scenes.Events.SHUTDOWN, this.#onShutdown, this);
    for (const off of this.#unsubs.splice(0)) off();
    for (const h of [...this.#handles.values()]) this.detach(h);
    this.#speech.dispose();
    this.#tracker = this.#newTracker();
    this.#positions = new PositionSync(this.#tracker);
    this.#active = null;
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

  #newTracker(): ProximityTracker {
    const c = this.#config;
    return new ProximityTracker({
      maxConcurrent: c.maxConcurrent ?? DEFAULT_CONFIG.maxConcurrent,
      lingerMs: c.lingerMs ?? DEFAULT_CONFIG.lingerMs,
      switchMargin: c.switchMargin ?? DEFAULT_CONFIG.switchMargin,
      lineOfSight: c.lineOfSight ?? null,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  /** Connection, audio and behaviour settings in one place. Merged over what was set before. */
  configure(config: VoiceAgentsConfig): this {
    this.#config = { ...this.#config, ...config };
    const t = this.#tracker;
    if (config.maxConcurrent !== undefined) t.maxConcurrent = config.maxConcurrent;
    if (config.lingerMs !== undefined) t.lingerMs = config.lingerMs;
    if (config.switchMargin !== undefined) t.switchMargin = config.switchMargin;
    if (config.lineOfSight !== undefined) t.lineOfSight = config.lineOfSight;
    if (config.micMode !== undefined) this.setMicMode(config.micMode);
    return this;
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
    if (this.#handles.has(npc.id)) throw new Error(`NPC "${npc.id}" is already attached in this scene`);
    if (this.#byObject.has(gameObject))
      throw new Error(`This game object already has NPC "${this.#byObject.get(gameObject)!.id}"`);
    const h = new NpcHandle(this.#owner, gameObject, npc, options);
    for (const [key, value] of this.#facts) h.setFact(key, value);
    this.#handles.set(npc.id, h);
    this.#byObject.set(gameObject, h);
    this.#tracker.add(npc.id, gameObject.x, gameObject.y, proximityFromNpc(npc.proximity));
    h.index = this.#tracker.indexOf(npc.id);
    this.#positions.add(h);
    gameObject.once(Phaser.GameObjects.Events.DESTROY, this.#onObjectDestroyed, this);
    return h;
  }

  /** End an NPC's conversation and unbind it (by handle, game object or id). */
  detach(target: NpcHandle | Phaser.GameObjects.GameObject | string): void {
    const h =
      typeof target === 'string'
        ? this.#handles.get(target)
        : target instanceof NpcHandle
          ? target
          : this.#byObject.get(target);
    if (!h || this.#handles.get(h.id) !== h) return;
    h.gameObject.off(Phaser.GameObjects.Events.DESTROY, this.#onObjectDestroyed, this);
    if (h.conversation) this.#closeConversation(h, CLOSED_BY_GAME);
    if (this.#active === h) this.#setActive(null);
    this.#positions.remove(h);
    this.#tracker.remove(h.id);
    this.#handles.delete(h.id);
    this.#byObject.delete(h.gameObject);
    if (h.bubble) this.#visuals.removeBubble(h.bubble);
    h.bubble = null;
    h.markDetached();
  }

  #onObjectDestroyed(gameObject: Phaser.GameObjects.GameObject): void {
    this.detach(gameObject);
  }

  /**
   * A fact every NPC of the scene knows (`has_lantern`, `gate_open`), now and when attached later:
   * each NPC's `setFact`, for the whole village at once.
   */
  setFact(key: string, value: string | number | boolean): this {
    this.#facts.set(key, value);
    for (const h of this.#handles.values()) h.setFact(key, value);
    return this;
  }

  /** An attached NPC by id. */
  npc(id: string): NpcHandle | undefined {
    return this.#handles.get(id);
  }

  /** Every attached NPC. */
  get npcs(): NpcHandle[] {
    return [...this.#handles.values()];
  }

  /** The NPC the player is talking to (the microphone goes there), or null. */
  get activeNpc(): NpcHandle | null {
    return this.#active;
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
    const h = this.#handles.get(def.id);
    if (!h) return false;
    h.setDefinition(def);
    this.#tracker.configure(def.id, proximityFromNpc(def.proximity));
    h.bubble?.setStyle(resolveBubbleStyle(def.bubble));
    if (h.conversation) h.pendingReload = true;
    return true;
  }

  protected toolListened(name: string): void {
    for (const h of this.#talking) h.conversation?.addTool(name);
  }

  // Player controls -----------------------------------------------------------------------------

  /**
   * Push-to-talk pressed (bind to a key down). Pressed while the NPC speaks, it cuts the NPC off at
   * once: the player asked for the floor, and waiting for their first words to barge in (about
   * 150 ms, or never when they pause) felt like the key did nothing.
   */
  pushToTalkStart(): void {
    this.#audio.talk(true);
    this.#pushToTalkHeld = true;
    if (this.#active?.state === 'speaking') this.#active.conversation?.skip();
    this.#wake();
    this.#updateMic();
  }

  /** The active NPC's conversation ended idle: the player acts, so open a new one (no greeting). */
  #wake(): void {
    const h = this.#active;
    if (!h || h.conversation) return;
    this.#openConversation(h, false);
    // #openConversation sets it; the narrowing above does not know.
    (h.conversation as NpcHandle['conversation'])?.activate();
  }

  /** Push-to-talk released. */
  pushToTalkStop(): void {
    this.#audio.talk(false);
    this.#pushToTalkHeld = false;
    this.#updateMic();
  }

  /** 'push-to-talk' (hold a key), 'open' (always listening, with an echo guard), or 'muted'. */
  setMicMode(mode: MicMode): void {
    this.#config.micMode = mode;
    this.#audio.setMode(mode);
    this.#updateMic();
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
    return this.#active ? this.#sendTextTo(this.#active, text) : false;
  }

  #sendTextTo(h: NpcHandle, text: string): boolean {
    if (h === this.#active) this.#wake();
    const c = h.conversation;
    if (!c || !c.sendText(text)) return false;
    this.#playerSaid(text);
    return true;
  }

  /** The text now shown in the player's bubble (what they typed), for accessibility mirrors. */
  get playerBubbleText(): string {
    return this.#visuals.playerText;
  }

  /** Stop the active NPC's current line now (the seed's interrupt); its bubble keeps what was heard. */
  skip(): void {
    this.#active?.conversation?.skip();
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
    this.#now = time;
    const lp = this.#listenerPosition();
    this.#positions.sync(lp.x, lp.y);
    const changes = this.#tracker.update(lp.x, lp.y, time);
    if (changes.length) this.#apply(changes);
    const mixer = this.#audio.mixer;
    if (mixer) {
      mixer.setListener(lp.x, lp.y);
      mixer.update();
    }
    for (const h of this.#talking) {
      const c = h.conversation;
      if (!c) continue;
      c.voice?.setPosition(h.gameObject.x, h.gameObject.y);
      const onMouth = h.options.onMouth;
      if (onMouth) {
        const level = h.state === 'speaking' ? h.level : 0;
        if (level > 0 || h.lastMouth > 0) onMouth(level, h);
        h.lastMouth = level;
      }
    }
    const c = this.#config;
    const player =
      this.#listenerTarget && !('worldView' in this.#listenerTarget) ? this.#listenerTarget : null;
    this.#visuals.draw(time, this.#talking, c.markers !== false, c.bubbleAvoid, this.#overlayInfo, player);
  }

  #listenerPosition(): { x: number; y: number } {
    if (!listenerPoint(this.#listenerTarget, this.scene!.cameras.main, this.#listenerPos))
      this.#listenerTarget = null; // its game object was destroyed: the camera takes over
    return this.#listenerPos;
  }

  #apply(changes: readonly ProximityChange[]): void {
    for (const ch of changes) {
      const h = this.#handles.get(ch.id);
      if (!h) continue;
      switch (ch.type) {
        case 'open':
          if (!h.conversation && !h.definition.unavailable)
            this.#openConversation(h, ch.reason === 'prewarm');
          break;
        case 'activate':
          if (h.definition.unavailable) break; // its file is broken: nothing to talk to yet
          if (!h.conversation) this.#openConversation(h, false);
          if (h.conversation) this.#setActive(h);
          break;
        case 'deactivate':
          if (this.#active === h) this.#setActive(null);
          break;
        case 'close':
          if (h.conversation) this.#closeConversation(h, CLOSED_BY_GAME);
          break;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Conversations

  #openConversation(h: NpcHandle, prewarm: boolean): void {
    const conv = createConversation(h, prewarm, {
      config: this.#config,
      voice: () => this.#audio.createVoice(),
      bubbles: () => this.#visuals.bubbles,
      deps: {
        setSpeaking: (id, speaking) => this.#tracker.setSpeaking(id, speaking),
        stateChanged: (npc) => {
          if (this.#active === npc) this.#updateMic();
        },
        pluginToolEvents: () => this.events.eventNames(),
        playerSaid: (text) => this.#playerSaid(text),
        ended: (npc, reason) => this.#closeConversation(npc, reason),
        now: () => this.#now,
      },
    });
    if (!conv) return;
    h.conversation = conv;
    this.#talking.add(h);
    h.setState('connecting');
    void conv.connect();
  }

  #closeConversation(h: NpcHandle, reason: EndReason): void {
    const c = h.conversation;
    if (!c) return;
    h.conversation = null;
    this.#talking.delete(h);
    // Ended for lack of input: nothing went wrong. The player standing there keeps the NPC, and
    // the next thing they do (type, talk, walk up again) opens a new conversation without a greeting.
    const idle = isIdleEnd(reason);
    // Only a conversation the player was in has greeted them: an idle prewarm greets next time.
    if (idle && c.everActive) h.quietNext = true;
    if (this.#active === h && !idle) this.#setActive(null);
    // A prewarm the player never reached was never heard: its held greeting must not surface.
    if (!c.everActive) h.bubble?.clear();
    c.dispose();
    if (h.lastMouth > 0) {
      h.lastMouth = 0;
      h.options.onMouth?.(0, h); // the voice stopped mid-word: close the mouth
    }
    this.#tracker.setSpeaking(h.id, false);
    h.setState('idle');
    h.emitEvent('conversation:end', reason);
    // A prewarm the player never used that the service closed for lack of input is not a problem
    // to show: the next approach opens a fresh conversation.
    const unusedTimeout = !c.everActive && reason.kind === 'error' && reason.error === 'operational';
    if (reason.kind === 'error' && !unusedTimeout && !idle)
      h.emitEvent('error', { kind: 'ended', message: reason.message, reason } satisfies VoiceAgentsError);
  }

  #setActive(h: NpcHandle | null): void {
    const prev = this.#active;
    if (prev === h) return;
    if (prev) {
      prev.conversation?.deactivate();
      if (prev.conversation?.isOpen) prev.setState(prev.state === 'speaking' ? 'speaking' : 'ready');
      prev.emitEvent('active', false);
    }
    this.#active = h;
    if (h) {
      this.#audio.retry();
      h.conversation?.activate();
      h.emitEvent('active', true);
    }
    this.emit('active:change', h, prev);
    this.#updateMic();
  }

  #playerSaid(text: string): void {
    const target = this.#listenerTarget;
    if (this.#config.bubbles === false || !target || 'worldView' in target) return;
    const current = () => this.#listenerTarget === target;
    this.#visuals.playerSaid(target, current, text, this.#now, this.#config.playerBubble);
  }

  /** The microphone is open exactly while the active conversation is open (and not muted). */
  #updateMic(): void {
    const conv = this.#active?.conversation;
    const open = !!conv && conv.isOpen && this.#running;
    this.#audio.want(open ? conv!.inputRate : 0);
    // The browser's recognizer, when chosen: while the player's voice goes to the NPC.
    const live =
      open && (this.#audio.mode === 'open' || (this.#audio.mode === 'push-to-talk' && this.#pushToTalkHeld));
    this.#speech.update(
      this.#config.speechRecognition === 'browser',
      live,
      this.#active?.definition.agent.language,
    );
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

/** The agent closed the conversation because the player said nothing for a while (its idle timeout). */
function isIdleEnd(reason: EndReason): boolean {
  if (reason.kind !== 'error') return false;
  return (
    reason.errorType === 'transport_receive_timeout' ||
    (reason.error === 'operational' && /no user input/i.test(reason.message))
  );
}
