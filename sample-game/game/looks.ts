/** Which character sheet each NPC id wears, and the constants shared by every scene. */
import sprites from '../../assets/sprites/sprites.json';

export const TILE = sprites.tile;
export const FRAME_W = sprites.characters.frameWidth;
export const FRAME_H = sprites.characters.frameHeight;
export const COLUMNS = sprites.characters.columns.length;
export const LOOKS: readonly string[] = sprites.characters.looks;
export const ITEMS: readonly string[] = sprites.items;
export const ICONS: readonly string[] = sprites.icons;

export type Facing = 'down' | 'left' | 'right' | 'up';
const ROWS: readonly string[] = sprites.characters.rows;

/** Frame index in a character sheet. */
export function frameOf(facing: Facing, column: 'stand' | 'stepA' | 'stepB' | 'blink' | 'talk'): number {
  return ROWS.indexOf(facing) * COLUMNS + sprites.characters.columns.indexOf(column);
}

/** NPC id (from the Tiled "npcs" layer and assets/npcs/<id>.npc.yaml) to the sheet it wears. */
const NPC_LOOKS: Record<string, string> = {
  mira: 'shopkeeper',
  pip: 'assistant',
  aldric: 'wizard',
  brenna: 'warden',
};

/** Unknown ids still get a body (the farmer), so a new NPC file works before anyone draws it. */
export function lookFor(npcId: string): string {
  return NPC_LOOKS[npcId] ?? 'farmer';
}

export const ITEM_NAMES: Record<string, string> = {
  coin: 'Gold',
  potion: 'Healing potion',
  lantern: 'Lantern',
  rope: 'Rope',
  bread: 'Travel bread',
  moon_charm: 'Moon charm',
  key: 'Key',
  letter: 'Letter',
};
