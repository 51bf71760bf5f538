import { describe, expect, it } from 'vitest';
import { NpcHandle, type HandleOwner, type Positioned } from '../../plugin/phaser/npc-handle.js';
import type { NpcDefinition } from '../../plugin/npc/types.js';

/** The director side of a handle, recording the tools the handle asked it to answer. */
function owner(): HandleOwner & { added: string[] } {
  const added: string[] = [];
  return {
    added,
    talk: () => undefined,
    detach: () => {},
    sendText: () => false,
    skip: () => {},
    contextChanged: () => {},
    toolAdded: (_npc, name) => void added.push(name),
  };
}

/** The handle reads only the position of its game object. */
const spriteAt = () => ({ x: 0, y: 0 }) as unknown as Positioned;

const def = { id: 'mira', name: 'Mira' } as NpcDefinition;

describe('NpcHandle tool listeners', () => {
  it('on and once for tool:<name> both answer that tool; other events do not', () => {
    const o = owner();
    const h = new NpcHandle(o, spriteAt(), def);
    h.on('tool:open_shop', () => {});
    h.once('tool:give_item', () => {});
    h.on('state', () => {});
    expect(o.added).toEqual(['open_shop', 'give_item']);
  });

  it('off cancels a once listener before it fires', () => {
    const h = new NpcHandle(owner(), spriteAt(), def);
    const fn = () => {};
    h.once('tool:give_item', fn);
    expect(h.hasListener('tool:give_item')).toBe(true);
    h.off('tool:give_item', fn);
    expect(h.hasListener('tool:give_item')).toBe(false);
  });
});
