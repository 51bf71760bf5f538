import { Emitter } from '../common/emitter.js';
import type { EndReason } from '../protocol/index.js';
import type { ProximityChange, ProximityTracker } from '../proximity/index.js';
import type { MicMode } from '../audio/index.js';
import type { NpcDefinition } from '../npc/types.js';
import { Conversation } from './conversation.js';
import {
  configureTracker,
  conversationInputs,
  endOutcome,
  newTracker,
  type DirectedBubble,
  type DirectedNpc,
  type DirectorEvents,
  type DirectorParts,
  type NpcTalk,
} from './director-parts.js';
import { createSessionFor, type VoiceAgentsConfig } from './config.js';
import type { NpcState } from './events.js';
import { PositionSync } from './position-sync.js';
import { proximityFromNpc } from './npc-proximity.js';
import { resolveBubbleStyle } from './bubble/style.js';
import { Talk } from './talk.js';

const CLOSED_BY_GAME: EndReason = { kind: 'user', code: 1000, reason: 'Closed by the game' };

/**
 * Who the player talks to, and everything that follows from it, without Phaser: the attached NPCs,
 * the proximity tracker, each NPC's conversation and state, the active NPC and the microphone
 * policy. It is the only writer of that state; the plugin and the NPC handles read it and hear of
 * changes through its events.
 */
export class ConversationDirector<
  N extends DirectedNpc,
  B extends DirectedBubble = DirectedBubble,
> extends Emitter<DirectorEvents<N, B>> {
  readonly #npcs = new Map<string, N>();
  readonly #talks = new Map<N, Talk<B>>();
  readonly #byObject = new Map<object, N>();
  /** NPCs with an open conversation: the only ones that need per-frame audio and marker work. */
  readonly #talking = new Set<N>();
  /** Facts for every NPC (setFact), given to each one attached later too. */
  readonly #facts = new Map<string, string | number | boolean>();
  #tracker: ProximityTracker;
  #positions: PositionSync<Talk<B>>;
  #active: N | null = null;
  #pushToTalkHeld = false;
  #running = false;
  #now = 0;
  readonly #parts: DirectorParts<N, B>;

  constructor(parts: DirectorParts<N, B>) {
    super();
    this.#parts = parts;
    this.#tracker = newTracker(this.#parts.config());
    this.#positions = new PositionSync(this.#tracker);
  }

  get tracker(): ProximityTracker {
    return this.#tracker;
  }

  get active(): N | null {
    return this.#active;
  }

  get talking(): ReadonlySet<N> {
    return this.#talking;
  }

  /** The frame time (ms) the director last saw. */
  get now(): number {
    return this.#now;
  }

  get npcs(): N[] {
    return [...this.#npcs.values()];
  }

  npc(id: string): N | undefined {
    return this.#npcs.get(id);
  }

  npcOn(gameObject: object): N | undefined {
    return this.#byObject.get(gameObject);
  }

  #conversation(npc: N | null): Conversation | null | undefined {
    return npc && this.#talks.get(npc)?.conversation;
  }

  /** An NPC's conversation state; undefined once it is detached. */
  talk(npc: N): NpcTalk | undefined {
    return this.#talks.get(npc);
  }

  // Lifecycle -----------------------------------------------------------------------------------

  /** The scene runs: the microphone may open. */
  start(): void {
    this.#running = true;
  }

  /** The scene paused or slept (false), or runs again (true): the microphone follows. */
  setRunning(running: boolean): void {
    if (running === this.#running) return;
    this.#running = running;
    // Phaser drops the keys of a paused scene without a key-up: a key held as the menu opened must
    // not count as held when the game runs again.
    if (!running && this.#pushToTalkHeld) {
      this.#pushToTalkHeld = false;
      this.#parts.audio.talk(false);
    }
    this.#updateMic();
  }

  /** The scene shut down: every NPC leaves, the microphone closes, and a restart starts clean. */
  stop(): void {
    this.#running = false;
    this.#pushToTalkHeld = false; // a key held across a restart is not held in the next scene
    for (const h of [...this.#npcs.values()]) this.detach(h);
    this.#tracker = newTracker(this.#parts.config());
    this.#positions = new PositionSync(this.#tracker);
    this.#active = null;
  }

  /** Tracker settings from a configure() call (the rest is read from the config when needed). */
  configure(config: VoiceAgentsConfig): void {
    configureTracker(this.#tracker, config);
  }

  add(npc: N): void {
    if (this.#npcs.has(npc.id)) throw new Error(`NPC "${npc.id}" is already attached in this scene`);
    const other = this.#byObject.get(npc.gameObject);
    if (other) throw new Error(`This game object already has NPC "${other.id}"`);
    for (const [key, value] of this.#facts) npc.setFact(key, value);
    const t = new Talk<B>(npc.gameObject);
    this.#npcs.set(npc.id, npc);
    this.#talks.set(npc, t);
    this.#byObject.set(npc.gameObject, npc);
    const go = npc.gameObject;
    this.#tracker.add(npc.id, go.x, go.y, proximityFromNpc(npc.definition.proximity));
    t.index = this.#tracker.indexOf(npc.id);
    this.#positions.add(t);
  }

  /** End an NPC's conversation and forget it (a no-op for one that is not attached here). */
  detach(npc: N): void {
    const t = this.#talks.get(npc);
    if (!t || t.leaving) return;
    t.leaving = true;
    if (t.conversation) this.#close(npc, t, CLOSED_BY_GAME);
    if (this.#active === npc) this.#setActive(null);
    this.#positions.remove(t);
    this.#tracker.remove(npc.id);
    this.#npcs.delete(npc.id);
    this.#talks.delete(npc);
    this.#byObject.delete(npc.gameObject);
    this.emit('detached', npc, t.bubble);
  }

  setFact(key: string, value: string | number | boolean): void {
    this.#facts.set(key, value);
    for (const h of this.#npcs.values()) h.setFact(key, value);
  }

  /** Hot reload: radii and bubble style now, the rest with the next conversation. */
  updateNpc(def: NpcDefinition): boolean {
    const h = this.#npcs.get(def.id);
    const t = h && this.#talks.get(h);
    if (!h || !t) return false;
    h.setDefinition(def);
    this.#tracker.configure(def.id, proximityFromNpc(def.proximity));
    t.bubble?.setStyle(resolveBubbleStyle(def.bubble));
    if (t.conversation) t.pendingReload = true;
    return true;
  }

  // What the player and game code do ---------------------------------------------------------------

  /**
   * Push-to-talk pressed. Pressed while the NPC speaks, it cuts the NPC off at once: the player
   * asked for the floor, and waiting for their first words to barge in (about 150 ms, or never when
   * they pause) felt like the key did nothing.
   */
  pushToTalk(down: boolean): void {
    this.#parts.audio.talk(down);
    this.#pushToTalkHeld = down;
    if (down) {
      const a = this.#active;
      if (a && this.#talks.get(a)?.state === 'speaking') this.skip(a);
      this.#wake();
    }
    this.#updateMic();
  }

  setMicMode(mode: MicMode): void {
    this.#parts.audio.setMode(mode);
    this.#updateMic();
  }

  /** Typed words to an NPC's conversation (the active one's wakes if it ended idle). */
  sendText(npc: N, text: string): boolean {
    if (npc === this.#active) this.#wake();
    const c = this.#conversation(npc);
    if (!c || !c.sendText(text)) return false;
    this.emit('player:said', text);
    return true;
  }

  /** The browser's recognizer heard the player: their words go to the active NPC. */
  heard(text: string): void {
    const c = this.#conversation(this.#active);
    if (c && c.sendText(text)) this.emit('player:said', text);
  }

  skip(npc: N): void {
    this.#conversation(npc)?.skip();
  }

  contextChanged(npc: N, key: string, text: string): void {
    this.#conversation(npc)?.sendContext(key, text);
  }

  /** The game answers (or listens for) a tool: one NPC's conversation, or every open one. */
  toolAdded(npc: N | null, name: string): void {
    if (npc) this.#conversation(npc)?.addTool(name);
    else for (const h of this.#talking) this.#conversation(h)?.addTool(name);
  }

  /** Microphone audio: to the active conversation. */
  micChunk(pcm: Int16Array): void {
    this.#conversation(this.#active)?.sendAudio(pcm);
  }

  // Per frame ---------------------------------------------------------------------------------------

  /** Positions into the tracker, its changes applied, then the voices placed and mouths moved. */
  frame(listenerX: number, listenerY: number, time: number): void {
    this.#now = time;
    this.#positions.sync(listenerX, listenerY);
    const changes = this.#tracker.update(listenerX, listenerY, time);
    if (changes.length) this.#apply(changes);
    const mixer = this.#parts.audio.mixer;
    if (mixer) {
      mixer.setListener(listenerX, listenerY);
      mixer.update();
    }
    for (const h of this.#talking) {
      const t = this.#talks.get(h)!;
      const voice = t.conversation?.voice;
      if (!voice) continue;
      voice.setPosition(h.gameObject.x, h.gameObject.y);
      const level = t.state === 'speaking' ? voice.level : 0;
      if (level > 0 || t.mouth > 0) t.moveMouth(h, level, this.#mouthFailed);
      t.mouth = level;
    }
  }

  readonly #mouthFailed = (h: N, cause: unknown): void => {
    const message = `onMouth threw (${(cause as Error)?.message ?? String(cause)}); the NPC talks on without it`;
    this.emit('npc', h, 'error', { kind: 'callback', message, cause });
  };

  #apply(changes: readonly ProximityChange[]): void {
    for (const ch of changes) {
      const h = this.#npcs.get(ch.id);
      const t = h && this.#talks.get(h);
      if (!h || !t) continue;
      switch (ch.type) {
        case 'open':
          if (!t.conversation && !h.definition.unavailable) this.#open(h, t);
          break;
        case 'activate':
          if (h.definition.unavailable) break; // its file is broken: nothing to talk to yet
          if (!t.conversation) this.#open(h, t);
          if (t.conversation) this.#setActive(h);
          break;
        case 'deactivate':
          if (this.#active === h) this.#setActive(null);
          break;
        case 'close':
          if (t.conversation) this.#close(h, t, CLOSED_BY_GAME);
          break;
      }
    }
  }

  // Conversations ---------------------------------------------------------------------------------

  #setState(h: N, t: Talk<B>, state: NpcState): void {
    if (state === t.state) return;
    const prev = t.state;
    t.state = state;
    this.emit('npc', h, 'state', state, prev);
  }

  /** The active NPC's conversation ended idle: the player acts, so open a new one (no greeting). */
  #wake(): void {
    const h = this.#active;
    const t = h && this.#talks.get(h);
    if (!h || !t || t.conversation) return;
    this.#open(h, t)?.activate();
  }

  #open(h: N, t: Talk<B>): Conversation | undefined {
    const parts = this.#parts;
    const config = parts.config();
    const session = createSessionFor(h.definition, config, { quiet: t.quietNext });
    t.quietNext = false;
    if (!('on' in session)) {
      this.emit('npc', h, 'error', session);
      return;
    }
    const voice = parts.audio.createVoice();
    voice?.setPosition(h.gameObject.x, h.gameObject.y);
    const bubble = (t.bubble ??= parts.bubble(h, resolveBubbleStyle(h.definition.bubble), (turn) =>
      // After the conversation closed, whatever its bubble shows has been heard: let it fade.
      t.conversation ? t.conversation.positionFor(turn) : Number.MAX_SAFE_INTEGER,
    ));
    bubble.enabled = config.bubbles !== false;
    t.pendingReload = false;
    const inputs = conversationInputs(h, () => this.#now, parts.pluginEvents);
    const conv = new Conversation(inputs, session, voice, bubble);
    conv.on('state', (s) => {
      this.#setState(h, t, s);
      this.#tracker.setSpeaking(h.id, s === 'speaking');
      if (this.#active === h) this.#updateMic();
    });
    conv.on('npc', (...e) => this.emit('npc', h, ...e));
    conv.on('player:said', (text) => this.emit('player:said', text));
    conv.on('end', (reason) => {
      if (t.conversation === conv) this.#close(h, t, reason);
    });
    t.conversation = conv;
    this.#talking.add(h);
    this.#setState(h, t, 'connecting');
    void conv.connect();
    return conv;
  }

  #close(h: N, t: Talk<B>, reason: EndReason): void {
    const c = t.conversation;
    if (!c) return;
    t.conversation = null;
    this.#talking.delete(h);
    // Ended idle: the player standing there keeps the NPC, and the next thing they do (type, talk,
    // walk up again) opens a new conversation without a greeting.
    const { idle, error } = endOutcome(reason, c.everActive);
    // Only a conversation the player was in has greeted them: an idle prewarm greets next time.
    if (idle && c.everActive) t.quietNext = true;
    if (this.#active === h && !idle) this.#setActive(null);
    // A prewarm the player never reached was never heard: its held greeting must not surface.
    if (!c.everActive) t.bubble?.clear();
    c.dispose();
    if (t.mouth > 0) {
      t.mouth = 0;
      t.moveMouth(h, 0, this.#mouthFailed); // the voice stopped mid-word: close the mouth
    }
    this.#tracker.setSpeaking(h.id, false);
    this.#setState(h, t, 'idle');
    // Ended idle, the NPC stays active with no conversation: nothing may listen any more (the
    // recording light goes off) until the player wakes it.
    if (this.#active === h) this.#updateMic();
    this.emit('npc', h, 'conversation:end', reason);
    if (error) this.emit('npc', h, 'error', error);
  }

  #setActive(h: N | null): void {
    const prev = this.#active;
    if (prev === h) return;
    if (prev) {
      const t = this.#talks.get(prev);
      const c = t?.conversation;
      c?.deactivate();
      if (t && c?.isOpen) this.#setState(prev, t, t.state === 'speaking' ? 'speaking' : 'ready');
      this.emit('npc', prev, 'active', false);
    }
    this.#active = h;
    if (h) {
      this.#parts.audio.retry();
      this.#conversation(h)?.activate();
      this.emit('npc', h, 'active', true);
    }
    this.emit('active:change', h, prev);
    this.#updateMic();
  }

  /** The microphone is open exactly while the active conversation is open (and not muted). */
  #updateMic(): void {
    const { audio, speech } = this.#parts;
    const a = this.#active;
    const conv = this.#conversation(a);
    const open = !!conv && conv.isOpen && this.#running;
    audio.want(open ? conv.inputRate : 0);
    // The browser's recognizer, when chosen: while the player's voice goes to the NPC.
    const live = open && (audio.mode === 'open' || (audio.mode === 'push-to-talk' && this.#pushToTalkHeld));
    speech.update(this.#parts.config().speechRecognition === 'browser', live, a?.definition.agent.language);
  }
}
