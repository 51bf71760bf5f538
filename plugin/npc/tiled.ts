/**
 * NPC placement from a Tiled map (JSON): each object in an object layer (default "npcs") names an
 * NPC id, by its name or by a custom property `npc`. Pure: returns positions and NPC-file-style
 * errors; creating and attaching sprites is the Phaser side's job.
 */
import type { NpcDefinition, NpcFileError } from './types.js';
import { closest } from './suggest.js';

export interface NpcPlacement {
  id: string;
  npc: NpcDefinition;
  /** Centre of the object in world pixels (layer offsets applied). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Tiled object id and name, for messages and debugging. */
  objectId: number;
  objectName: string;
  /** The object's custom properties (name → value), e.g. a facing direction or a sprite key. */
  properties: Record<string, unknown>;
}

export interface TiledPlacementOptions {
  /** Object layer holding NPCs. Default "npcs". */
  layer?: string;
  /** Name of the map file, for error messages. Default "map.json". */
  mapFile?: string;
  /** The map's JSON text, when available: errors then carry the object's line. */
  source?: string;
}

interface TiledObject {
  id?: number;
  name?: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  gid?: number;
  properties?: { name?: string; value?: unknown }[];
}
interface TiledLayer {
  type?: string;
  name?: string;
  offsetx?: number;
  offsety?: number;
  objects?: TiledObject[];
  layers?: TiledLayer[];
}

function* objectLayers(
  layers: TiledLayer[],
  ox = 0,
  oy = 0,
): Generator<{ layer: TiledLayer; ox: number; oy: number }> {
  for (const l of layers) {
    const x = ox + (l.offsetx ?? 0);
    const y = oy + (l.offsety ?? 0);
    if (l.type === 'group' && Array.isArray(l.layers)) yield* objectLayers(l.layers, x, y);
    else if (l.type === 'objectgroup') yield { layer: l, ox: x, oy: y };
  }
}

/** Where each `"objects": [ … ]` array of the JSON text starts and ends (string contents skipped). */
function objectArrays(source: string): [number, number][] {
  const out: [number, number][] = [];
  const open = /"objects"\s*:\s*\[/g;
  for (let m = open.exec(source); m; m = open.exec(source)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '"') {
        for (i++; i < source.length && source[i] !== '"'; i++) if (source[i] === '\\') i++;
      } else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && --depth === 0) break;
    }
    out.push([m.index, i]);
    open.lastIndex = i;
  }
  return out;
}

/**
 * 1-based line/column of a Tiled object's `"id": n` in the JSON text, when it can be found. Only
 * inside the map's object arrays: layers have ids too, from the same small numbers, and come first.
 */
function locate(source: string | undefined, objectId: number | undefined): { line: number; column: number } {
  if (!source || objectId === undefined) return { line: 1, column: 1 };
  const id = new RegExp(`"id"\\s*:\\s*${objectId}(?![0-9])`, 'g');
  for (const [start, end] of objectArrays(source)) {
    id.lastIndex = start;
    const m = id.exec(source);
    if (!m || m.index > end) continue;
    const before = source.slice(0, m.index);
    const line = before.split('\n').length;
    return { line, column: m.index - before.lastIndexOf('\n') };
  }
  return { line: 1, column: 1 };
}

export function npcPlacementsFromTiled(
  map: unknown,
  npcs: readonly NpcDefinition[],
  opts: TiledPlacementOptions = {},
): { placements: NpcPlacement[]; errors: NpcFileError[] } {
  const layerName = opts.layer ?? 'npcs';
  const file = opts.mapFile ?? 'map.json';
  const errors: NpcFileError[] = [];
  const placements: NpcPlacement[] = [];
  const err = (objectId: number | undefined, path: string, message: string, code: NpcFileError['code']) =>
    errors.push({ file, ...locate(opts.source, objectId), path, message, code });

  const layers = (map as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) {
    err(undefined, '', 'this is not a Tiled JSON map (no layers)', 'type');
    return { placements, errors };
  }
  const found = [...objectLayers(layers as TiledLayer[])].filter((l) => l.layer.name === layerName);
  if (found.length === 0) {
    err(undefined, '', `the map has no object layer named "${layerName}" for NPCs`, 'required');
    return { placements, errors };
  }
  const byId = new Map(npcs.map((n) => [n.id, n]));
  const placedAt = new Map<string, number | undefined>();
  for (const { layer, ox, oy } of found) {
    for (const o of layer.objects ?? []) {
      const props: Record<string, unknown> = {};
      for (const p of o.properties ?? []) if (typeof p.name === 'string') props[p.name] = p.value;
      const named = typeof props.npc === 'string' && props.npc !== '' ? props.npc : (o.name ?? '');
      const where = `layer "${layerName}", object ${o.id ?? '?'}`;
      const path = `${layerName}.${o.id ?? '?'}`;
      if (named === '') {
        err(o.id, path, `Tiled ${where} has no name; set its name to an NPC id`, 'required');
        continue;
      }
      const npc = byId.get(named);
      if (!npc) {
        const near = closest(named, [...byId.keys()]);
        err(
          o.id,
          path,
          `Tiled ${where} names NPC "${named}", which has no NPC file (${named}.npc.yaml)${near ? `; did you mean ${near}?` : ''}`,
          'unknown-npc',
        );
        continue;
      }
      if (placedAt.has(named)) {
        err(
          o.id,
          path,
          `Tiled ${where} places NPC "${named}" again (already object ${placedAt.get(named) ?? '?'}); each NPC appears once`,
          'duplicate-id',
        );
        continue;
      }
      placedAt.set(named, o.id);
      const w = o.width ?? 0;
      const h = o.height ?? 0;
      // Tile objects (gid) are anchored bottom-left in Tiled; shapes and points top-left.
      const top = o.gid !== undefined ? (o.y ?? 0) - h : (o.y ?? 0);
      placements.push({
        id: named,
        npc,
        x: ox + (o.x ?? 0) + w / 2,
        y: oy + top + h / 2,
        width: w,
        height: h,
        objectId: o.id ?? -1,
        objectName: o.name ?? '',
        properties: props,
      });
    }
  }
  return { placements, errors };
}
