/**
 * Tiled's JSON map format, for the village map (map.ts decides what goes where; this file only knows
 * how Tiled wants it written). Kept apart so the layout reads as a map, not as a file format.
 */
import { TILE, type TilesetBuilder } from './tiles.js';

type Properties = { name: string; type: 'string' | 'int' | 'bool'; value: string | number | boolean }[];

interface TiledObject {
  id: number;
  name: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  rotation: 0;
  visible: true;
  point?: true;
  properties?: Properties;
}

/** An object before it is numbered: tiledMap() numbers them in the order they are listed. */
export type PlacedObject = Omit<TiledObject, 'id'>;

/** Pixel coordinates; `point` objects have no size. */
export function tiledObject(
  name: string,
  type: string,
  x: number,
  y: number,
  width: number,
  height: number,
  extra: { point?: true; properties?: Properties } = {},
): PlacedObject {
  return { name, type, x, y, width, height, rotation: 0, visible: true, ...extra };
}

/** One cell per map tile, row by row: a tile's index in the tileset plus one (0 = empty). */
export type TileLayer = Int32Array;

export interface MapContent {
  width: number;
  height: number;
  title: string;
  layers: { ground: TileLayer; decor: TileLayer; walls: TileLayer; above: TileLayer };
  npcs: PlacedObject[];
  objects: PlacedObject[];
  tileset: TilesetBuilder;
}

/**
 * The map as Tiled JSON. Object ids run over both object layers, NPCs first, in list order: the
 * committed map is compared byte for byte with a regeneration (`gen:art -- --check`), so the
 * numbering is part of the output.
 */
export function tiledMap(m: MapContent): unknown {
  let nextId = 1;
  const numbered = (objects: PlacedObject[]): TiledObject[] => objects.map((o) => ({ id: nextId++, ...o }));
  const npcObjects = numbered(m.npcs);
  const objects = numbered(m.objects);
  const tileLayer = (id: number, name: string, data: TileLayer) => ({
    id,
    name,
    type: 'tilelayer',
    x: 0,
    y: 0,
    width: m.width,
    height: m.height,
    opacity: 1,
    visible: true,
    data: Array.from(data),
  });
  const objectLayer = (id: number, name: string, list: TiledObject[]) => ({
    id,
    name,
    type: 'objectgroup',
    draworder: 'topdown',
    opacity: 1,
    visible: true,
    x: 0,
    y: 0,
    objects: list,
  });
  const ts = m.tileset;
  return {
    compressionlevel: -1,
    height: m.height,
    width: m.width,
    infinite: false,
    orientation: 'orthogonal',
    renderorder: 'right-down',
    tiledversion: '1.10.2',
    version: '1.10',
    type: 'map',
    tileheight: TILE,
    tilewidth: TILE,
    nextlayerid: 7,
    nextobjectid: nextId,
    properties: [{ name: 'title', type: 'string', value: m.title }],
    layers: [
      tileLayer(1, 'ground', m.layers.ground),
      tileLayer(2, 'decor', m.layers.decor),
      tileLayer(3, 'walls', m.layers.walls),
      tileLayer(4, 'above', m.layers.above),
      objectLayer(5, 'npcs', npcObjects),
      objectLayer(6, 'objects', objects),
    ],
    tilesets: [
      {
        firstgid: 1,
        name: 'village',
        image: '../tiles/village.png',
        imagewidth: 256,
        imageheight: Math.ceil(ts.tiles.length / 16) * TILE,
        columns: 16,
        margin: 0,
        spacing: 0,
        tilecount: ts.tiles.length,
        tilewidth: TILE,
        tileheight: TILE,
        // VillageScene makes the tiles with this property solid (setCollisionByProperty).
        tiles: ts.tiles
          .map((t, id) => ({ id, t }))
          .filter(({ t }) => t.collides)
          .map(({ id }) => ({ id, properties: [{ name: 'collides', type: 'bool', value: true }] })),
      },
    ],
  };
}
