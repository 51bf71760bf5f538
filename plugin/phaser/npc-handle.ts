import type * as Phaser from 'phaser';
import { Emitter } from '../common/emitter.js';
import type { NpcDefinition } from '../npc/types.js';
import { factText } from '../npc/conditions.js';
import type { Conversation } from './conversation.js';
import type { NpcEmission } from './conversation-parts.js';
import type { NpcEvents, NpcState, ToolHandler } from './events.js';
import type { NpcTalk } from './director-parts.js';

/** Anything with a world position: a Sprite, Image, Container, Zone, or a plain moving object. */
export type Positioned = Phaser.GameObjects.GameObject & { x: number; y: number };

export interface AttachOptions {
  /** Called every frame with the NPC's voice level (0..1) while it speaks, then once with 0: drive a mouth flap. */
  onMouth?: (level: number, npc: NpcHandle) => void;
  /** Where the bubble's tail points, relative to the object's position. Default: the top of its bounds. */
  headOffset?: { x: number; y: number };
}

/**
 * Where a handle's conversation state lives and where its requests go: the conversation director,
 * the one writer of that state. (Spelled out rather than picked from the director, so the published
 * declarations, which drop @internal members, stay consistent.)
 */
export interface HandleOwner {
  talk(npc: NpcHandle): NpcTalk | undefined;
  sendText(npc: NpcHandle, text: string): boolean;
  skip(npc: NpcHandle): void;
  detach(npc: NpcHandle): void;
  contextChanged(npc: NpcHandle, key: string, text: string): void;
  toolAdded(npc: NpcHandle | null, name: string): void;
}

/**
 * One NPC bound to a game object. Game code listens to it (`npc.on('tool:open_shop', …)`), gives it
 * context (`npc.setContext('inventory', 'The player holds a torch')`) and answers its tools.
 */
export class NpcHandle extends Emitter<NpcEvents> {
  #def: NpcDefinition;
  readonly #contextMap = new Map<string, string>();
  readonly #tools = new Map<string, ToolHandler>();

  readonly #owner: HandleOwner;
  constructor(
    owner: HandleOwner,
    readonly gameObject: Positioned,
    definition: NpcDefinition,
    readonly options: AttachOptions = {},
  ) {
    super();
    this.#owner = owner;
    this.#def = definition;
  }

  get id(): string {
    return this.#def.id;
  }

  get name(): string {
    return this.#def.name;
  }

  /** The NPC definition in use. A hot-reloaded one applies to the next conversation. */
  get definition(): NpcDefinition {
    return this.#def;
  }

  /** @internal */
  setDefinition(def: NpcDefinition): void {
    this.#def = def;
  }

  get state(): NpcState {
    return this.#owner.talk(this)?.state ?? 'idle';
  }

  get attached(): boolean {
    return this.#owner.talk(this) !== undefined;
  }

  /** @internal: the open conversation, if any. */
  get conversation(): Conversation | null {
    return this.#owner.talk(this)?.conversation ?? null;
  }

  /** @internal: the file changed while a conversation was open; it applies to the next one. */
  get pendingReload(): boolean {
    return this.#owner.talk(this)?.pendingReload ?? false;
  }

  /** True while the player's microphone is routed to this NPC. */
  get isActive(): boolean {
    return this.conversation?.active ?? false;
  }

  get conversationId(): string | null {
    return this.conversation?.conversationId || null;
  }

  /** The service's round-trip estimate for this conversation. */
  get pingMs(): number | null {
    return this.conversation?.pingMs ?? null;
  }

  /** End of the player's last turn to the reply being audible (ms). */
  get timeToFirstAudioMs(): number | null {
    return this.conversation?.timeToFirstAudioMs ?? null;
  }

  /** Voice output level 0..1 (for a mouth flap). */
  get level(): number {
    return this.conversation?.voice?.level ?? 0;
  }

  /** The text now shown in this NPC's bubble. */
  get bubbleText(): string {
    const b = this.#owner.talk(this)?.bubble;
    return b?.visible ? b.visibleText : '';
  }

  /**
   * Tell the agent a fact without interrupting it (`contextual_update` with `context_id = key`): the
   * latest text per key wins. Kept and re-sent when a new conversation with this NPC opens.
   */
  setContext(key: string, text: string): this {
    this.#contextMap.set(key, text);
    this.#owner.contextChanged(this, key, text);
    return this;
  }

  /**
   * A fact about the world that the NPC file's replies can test (`if: [has_lantern]`, declared under
   * `local.facts`): sent as the context line `has_lantern: yes`, which a real agent's model reads too.
   */
  setFact(key: string, value: string | number | boolean): this {
    return this.setContext(key, factText(key, value));
  }

  /** Forget a fact for future conversations (the current one keeps what it was told). */
  deleteContext(key: string): this {
    this.#contextMap.delete(key);
    return this;
  }

  /** @internal */
  contexts(): ReadonlyMap<string, string> {
    return this.#contextMap;
  }

  /**
   * Answer a client tool for this NPC. The return value (string or JSON-serialisable) is the
   * result sent to the agent; a throw sends an error result. The call is also emitted as
   * `tool:<name>`, and a `tool:<name>` listener alone answers with a default success.
   */
  onTool<Name extends string>(name: Name, handler: ToolHandler<Name>): () => void {
    // Stored untyped: the call's parameters come from the agent, checked only by the declaration.
    this.#tools.set(name, handler as ToolHandler);
    this.#owner.toolAdded(this, name);
    return () => {
      if (this.#tools.get(name) === (handler as ToolHandler)) this.#tools.delete(name);
    };
  }

  /** @internal */
  toolHandler(name: string): ToolHandler | undefined {
    return this.#tools.get(name);
  }

  /** @internal */
  toolNames(): string[] {
    return [...this.#tools.keys()];
  }

  /** Listening for `tool:<name>` (with `on` or `once`) answers that tool in this NPC's conversation. */
  protected override subscribed(event: keyof NpcEvents): void {
    if (typeof event === 'string' && event.startsWith('tool:')) this.#owner.toolAdded(this, event.slice(5));
  }

  /** @internal */
  hasListener(event: string): boolean {
    return this.listenerCount(event as keyof NpcEvents) > 0;
  }

  /** Send typed text to this NPC's open conversation. False if none is open. */
  sendText(text: string): boolean {
    return this.#owner.sendText(this, text);
  }

  /** Stop this NPC's current line now; its bubble keeps what was heard. */
  skip(): void {
    this.#owner.skip(this);
  }

  /** End this NPC's conversation and unbind it from its game object. */
  detach(): void {
    this.#owner.detach(this);
  }

  /** @internal: the director let it go; game code's listeners go with it. */
  markDetached(): void {
    this.removeAllListeners();
  }

  /** @internal: the director reported one of this NPC's events. */
  fire(...[event, ...args]: NpcEmission): void {
    // Untyped on purpose: `tool:<name>` events are named at run time.
    (this.emit as (e: string, ...a: unknown[]) => void).call(this, event, ...args);
  }

  /** @internal */
  mouth(level: number): void {
    this.options.onMouth?.(level, this);
  }
}
