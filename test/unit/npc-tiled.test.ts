import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatNpcError, npcPlacementsFromTiled } from '../../plugin/npc/index.js';
import { loadNpcDir } from '../../plugin/server/npc-files.js';

const npcs = (await loadNpcDir(fileURLToPath(new URL('../../assets/npcs/', import.meta.url)))).npcs;
const villageText = readFileSync(new URL('../../assets/maps/village.json', import.meta.url), 'utf8');

describe('NPC placement from a Tiled map', () => {
  it('places every NPC of the sample village at its object, with its properties', () => {
    const { placements, errors } = npcPlacementsFromTiled(JSON.parse(villageText), npcs, {
      source: villageText,
    });
    expect(errors).toEqual([]);
    expect(placements.map((p) => p.id).sort()).toEqual(['aldric', 'brenna', 'meiling', 'mira', 'pip']);
    const mira = placements.find((p) => p.id === 'mira')!;
    expect(mira).toMatchObject({ x: 240, y: 326, objectId: 1, properties: { facing: 'down' } });
    expect(mira.npc.name).toBe('Mira the Merchant');
  });

  it('uses object centres, tile-object anchors, group and layer offsets, and an explicit npc property', () => {
    const map = {
      layers: [
        {
          type: 'group',
          name: 'world',
          offsetx: 100,
          offsety: 10,
          layers: [
            {
              type: 'objectgroup',
              name: 'npcs',
              offsety: 5,
              objects: [
                {
                  id: 1,
                  name: 'Shopkeeper',
                  x: 10,
                  y: 20,
                  width: 32,
                  height: 16,
                  properties: [{ name: 'npc', value: 'mira' }],
                },
                { id: 2, name: 'pip', gid: 7, x: 64, y: 64, width: 16, height: 32 },
              ],
            },
          ],
        },
      ],
    };
    const { placements, errors } = npcPlacementsFromTiled(map, npcs);
    expect(errors).toEqual([]);
    expect(placements.map(({ id, x, y }) => ({ id, x, y }))).toEqual([
      { id: 'mira', x: 126, y: 43 },
      { id: 'pip', x: 172, y: 63 },
    ]);
  });

  it('reports unknown, unnamed and twice-placed NPCs like NPC-file errors, with the object line', () => {
    const map = {
      layers: [
        {
          type: 'objectgroup',
          name: 'npcs',
          objects: [
            { id: 11, name: 'mirra', x: 0, y: 0 },
            { id: 12, name: '', x: 0, y: 0 },
            { id: 13, name: 'pip', x: 0, y: 0 },
            { id: 14, name: 'pip', x: 5, y: 5 },
          ],
        },
      ],
    };
    const source = JSON.stringify(map, null, 2);
    const { placements, errors } = npcPlacementsFromTiled(map, npcs, {
      mapFile: 'assets/maps/town.json',
      source,
    });
    expect(placements.map((p) => p.id)).toEqual(['pip']);
    const line = (id: number) => source.split('\n').findIndex((l) => l.includes(`"id": ${id},`)) + 1;
    expect(errors.map(formatNpcError)).toEqual([
      `assets/maps/town.json:${line(11)}:11 Tiled layer "npcs", object 11 names NPC "mirra", which has no NPC file (mirra.npc.yaml); did you mean mira?`,
      `assets/maps/town.json:${line(12)}:11 Tiled layer "npcs", object 12 has no name; set its name to an NPC id`,
      `assets/maps/town.json:${line(14)}:11 Tiled layer "npcs", object 14 places NPC "pip" again (already object 13); each NPC appears once`,
    ]);
    expect(errors.map((e) => e.code)).toEqual(['unknown-npc', 'required', 'duplicate-id']);
  });

  it('points at the object, not at a layer with the same id earlier in the file', () => {
    // Tiled numbers layers and objects separately from 1: the ground layer is "id": 1 too.
    const map = {
      layers: [
        { type: 'tilelayer', id: 1, name: 'ground', data: [1, 2, 3] },
        { type: 'objectgroup', id: 2, name: 'npcs', objects: [{ id: 1, name: 'mirra', x: 0, y: 0 }] },
      ],
    };
    const source = JSON.stringify(map, null, 2);
    const { errors } = npcPlacementsFromTiled(map, npcs, { mapFile: 'town.json', source });
    const lines = source.split('\n');
    const objectLine =
      lines.findIndex((l, i) => l.includes('"id": 1,') && lines[i + 1]!.includes('"mirra"')) + 1;
    expect(objectLine).toBeGreaterThan(lines.findIndex((l) => l.includes('"id": 1,')) + 1);
    expect(errors.map((e) => e.line)).toEqual([objectLine]);
  });

  it('says so when the map has no NPC layer or is not a map', () => {
    expect(npcPlacementsFromTiled({ layers: [] }, npcs).errors[0]!.message).toBe(
      'the map has no object layer named "npcs" for NPCs',
    );
    expect(npcPlacementsFromTiled('nope', npcs).errors[0]!.message).toBe(
      'this is not a Tiled JSON map (no layers)',
    );
  });
});
