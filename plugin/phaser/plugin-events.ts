import * as Phaser from 'phaser';
import { EventBus } from '../common/emitter.js';
import type { NpcHandle } from './npc-handle.js';
import type { PluginEvents, VoiceAgentsError } from './events.js';

/**
 * The event half of the plugin: typed `on/once/off` for game code, and how plugin-wide problems are
 * reported (an event, or a console warning when nobody listens).
 */
export abstract class EventfulScenePlugin extends Phaser.Plugins.ScenePlugin {
  protected readonly events = new EventBus<PluginEvents<NpcHandle>>();

  /** A `tool:<name>` listener was added: answer that tool in open conversations. */
  protected abstract toolListened(name: string): void;

  on<K extends keyof PluginEvents<NpcHandle>>(event: K, fn: PluginEvents<NpcHandle>[K]): () => void {
    const off = this.events.on(event, fn);
    this.#listening(event);
    return off;
  }

  once<K extends keyof PluginEvents<NpcHandle>>(event: K, fn: PluginEvents<NpcHandle>[K]): () => void {
    const off = this.events.once(event, fn);
    this.#listening(event);
    return off;
  }

  /** Listening for a tool (`on` or `once`) answers it, with a default success, in every open conversation. */
  #listening(event: keyof PluginEvents<NpcHandle>): void {
    if (typeof event === 'string' && event.startsWith('tool:')) this.toolListened(event.slice(5));
  }

  off<K extends keyof PluginEvents<NpcHandle>>(event: K, fn: PluginEvents<NpcHandle>[K]): void {
    this.events.off(event, fn);
  }

  /** Listeners game code has on the plugin (all events, or one). */
  listenerCount(event?: keyof PluginEvents<NpcHandle>): number {
    return this.events.listenerCount(event);
  }

  protected emit(event: string, ...args: unknown[]): void {
    // Untyped on purpose: `tool:<name>` events are named at run time.
    (this.events.fire as (e: string, ...a: unknown[]) => void).call(this.events, event, ...args);
  }

  protected pluginError(e: VoiceAgentsError): void {
    this.emit('plugin:error', e);
    if (this.events.listenerCount('plugin:error') === 0) console.warn(`[phaser-voice-agents] ${e.message}`);
  }
}
