/**
 * What the player has and has done: gold, items, the quest steps (Pip's list). Scenes share one
 * instance and listen to its events, so the HUD never reaches into the village scene.
 */
import * as Phaser from 'phaser';
import { ITEM_NAMES } from './looks.js';

export type QuestStep = 'lantern' | 'aldric' | 'gate' | 'moonwell';

export const QUEST_STEPS: { id: QuestStep; text: string }[] = [
  { id: 'lantern', text: 'Buy a lantern from Mira' },
  { id: 'aldric', text: 'Visit Aldric in the tower' },
  { id: 'gate', text: 'Give Brenna the password' },
  { id: 'moonwell', text: 'Find the Moonwell' },
];

export const SHOP: { item: string; price: number }[] = [
  { item: 'potion', price: 20 },
  { item: 'lantern', price: 15 },
  { item: 'rope', price: 5 },
  { item: 'bread', price: 2 },
];

export interface StateEvents {
  changed: [];
  toast: [text: string, icon?: string];
  quest: [step: QuestStep];
  /** A shop panel should open (an NPC's open_shop tool), with its title. */
  shop: [title: string];
}

export class GameState extends Phaser.Events.EventEmitter {
  gold = 40;
  readonly items = new Map<string, number>();
  readonly done = new Set<QuestStep>();
  readonly reminders: string[] = [];

  has(item: string): boolean {
    return (this.items.get(item) ?? 0) > 0;
  }

  give(item: string, count = 1): void {
    this.items.set(item, (this.items.get(item) ?? 0) + count);
    this.emit('toast', `You received: ${ITEM_NAMES[item] ?? item}`, item);
    if (item === 'lantern') this.complete('lantern');
    if (item === 'moon_charm') this.complete('aldric');
    this.emit('changed');
  }

  /** Returns a sentence for the player: bought, or why not. */
  buy(item: string): string {
    const offer = SHOP.find((s) => s.item === item);
    if (!offer) return 'Mira does not sell that.';
    if (this.gold < offer.price) return `Not enough gold: ${ITEM_NAMES[item]} costs ${offer.price}.`;
    this.gold -= offer.price;
    this.give(item);
    return `Bought ${ITEM_NAMES[item]} for ${offer.price} gold.`;
  }

  complete(step: QuestStep): void {
    if (this.done.has(step)) return;
    this.done.add(step);
    this.emit('quest', step);
    this.emit('changed');
  }

  remind(text: string): void {
    this.reminders.push(text);
    this.emit('toast', `Reminder: ${text}`, 'letter');
    this.emit('changed');
  }

  /** One sentence the agents can use: what the player carries right now. */
  describeInventory(): string {
    const things = [...this.items].filter(([, n]) => n > 0).map(([k, n]) => `${n} ${ITEM_NAMES[k] ?? k}`);
    return `The traveller has ${this.gold} gold${things.length ? ' and carries ' + things.join(', ') : ' and carries nothing else'}.`;
  }
}
