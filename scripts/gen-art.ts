/**
 * Generates every image and the village map of the sample game, deterministically: same bytes on
 * every run and every machine (seeded noise, our own DEFLATE; see scripts/art/png.ts).
 *
 *   npm run gen:art            write assets/tiles, assets/sprites, assets/ui, assets/maps
 *   npm run gen:art -- --check exit 1 if any committed file differs from what the script makes
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Canvas } from './art/canvas.js';
import { encodePng } from './art/png.js';
import { buildTileset } from './art/tiles.js';
import { buildMap } from './art/map.js';
import { LOOKS, characterSheet, FRAME_W, FRAME_H, DIRS, FRAMES } from './art/characters.js';
import {
  gateSheet,
  chestSheet,
  itemSheet,
  ITEMS,
  uiSheet,
  UI_FRAMES,
  panel,
  hudPanel,
  keycap,
  shadow,
  talkMarker,
} from './art/sprites.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Tiled-style JSON: readable, with each tile layer's data one map row per line. */
function mapJson(json: any): string {
  const rows = new Map<string, string>();
  const copy = structuredClone(json);
  for (const layer of copy.layers) {
    if (!Array.isArray(layer.data)) continue;
    const key = `@@data${layer.id}@@`;
    const lines: string[] = [];
    for (let y = 0; y < layer.height; y++)
      lines.push(layer.data.slice(y * layer.width, (y + 1) * layer.width).join(','));
    rows.set(key, `[\n        ${lines.join(',\n        ')}\n      ]`);
    layer.data = key;
  }
  let text = JSON.stringify(copy, null, 2);
  for (const [key, value] of rows) text = text.replace(`"${key}"`, value);
  return text + '\n';
}

export function generate(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const png = (path: string, c: Canvas) => files.set(path, encodePng(c.width, c.height, c.data));
  const text = (path: string, s: string) => files.set(path, new TextEncoder().encode(s));

  const tileset = buildTileset();
  // The map first: it adds the edge tiles it needs to the tileset.
  text('assets/maps/village.json', mapJson(buildMap(tileset).json));
  png('assets/tiles/village.png', tileset.image());
  for (const look of LOOKS) png(`assets/sprites/${look.name}.png`, characterSheet(look));
  png('assets/sprites/gate.png', gateSheet());
  png('assets/sprites/chest.png', chestSheet());
  png('assets/sprites/items.png', itemSheet());
  png('assets/sprites/shadow.png', shadow());
  png('assets/sprites/talk.png', talkMarker());
  png('assets/ui/icons.png', uiSheet());
  png('assets/ui/panel.png', panel());
  png('assets/ui/hud-panel.png', hudPanel());
  png('assets/ui/keycap.png', keycap());
  const manifest = {
    generatedBy: 'scripts/gen-art.ts',
    tile: 16,
    characters: {
      frameWidth: FRAME_W,
      frameHeight: FRAME_H,
      rows: DIRS,
      columns: FRAMES,
      looks: LOOKS.map((l) => l.name),
    },
    items: ITEMS,
    icons: UI_FRAMES,
    gate: { frameWidth: 32, frameHeight: 16, frames: 4 },
    chest: { frameWidth: 16, frameHeight: 16, frames: 2 },
  };
  text('assets/sprites/sprites.json', JSON.stringify(manifest, null, 2) + '\n');
  return files;
}

function main(): number {
  const check = process.argv.includes('--check');
  const files = generate();
  let differing = 0;
  for (const [rel, bytes] of files) {
    const abs = join(root, rel);
    if (check) {
      const same = existsSync(abs) && Buffer.compare(readFileSync(abs), Buffer.from(bytes)) === 0;
      if (!same) {
        differing++;
        process.stderr.write(`differs: ${rel}\n`);
      }
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, bytes);
  }
  const total = [...files.values()].reduce((n, b) => n + b.length, 0);
  process.stdout.write(
    check
      ? `${files.size} files checked, ${differing} differ\n`
      : `wrote ${files.size} files (${(total / 1024).toFixed(1)} KiB)\n`,
  );
  return differing ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
