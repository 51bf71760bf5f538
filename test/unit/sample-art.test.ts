/**
 * The sample game's generated art and map: `npm run gen:art` reproduces the committed pixels, every
 * PNG is a valid PNG, and the map only places NPCs that have a prompt file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/gen-art.js';

const root = join(import.meta.dirname, '../..');

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Walks the chunks, checks every CRC, inflates IDAT with Node's zlib; returns the size and the rows. */
function readPng(bytes: Uint8Array): { width: number; height: number; raw: Buffer } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (off < bytes.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    expect(dv.getUint32(off + 8 + len), `${type} CRC`).toBe(crc32(bytes.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') {
      width = dv.getUint32(off + 8);
      height = dv.getUint32(off + 12);
    }
    if (type === 'IDAT') idat.push(bytes.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { width, height, raw };
}

describe('sample game art (scripts/gen-art.ts)', () => {
  const files = generate();

  it('regenerates the committed files: the same pixels in every PNG, the same bytes in the rest', () => {
    const differing = [...files].filter(([rel, bytes]) => {
      const abs = join(root, rel);
      if (!existsSync(abs)) return true;
      const committed = readFileSync(abs);
      if (!rel.endsWith('.png')) return Buffer.compare(committed, Buffer.from(bytes)) !== 0;
      const a = readPng(committed),
        b = readPng(bytes);
      return a.width !== b.width || a.height !== b.height || Buffer.compare(a.raw, b.raw) !== 0;
    });
    expect(differing.map(([rel]) => rel)).toEqual([]);
  });

  it('writes valid PNGs (checksums, zlib stream, one filter byte per row)', () => {
    const pngs = [...files].filter(([rel]) => rel.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(10);
    for (const [rel, bytes] of pngs) {
      const { width, height, raw } = readPng(bytes);
      expect(raw.length, rel).toBe(height * (width * 4 + 1));
    }
  });

  it('the map places only NPCs that have prompt files, plus a spawn and a gate', () => {
    const map = JSON.parse(new TextDecoder().decode(files.get('assets/maps/village.json')!));
    const layer = (name: string) => map.layers.find((l: { name: string }) => l.name === name);
    const ids = layer('npcs').objects.map((o: { name: string }) => o.name);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) expect(existsSync(join(root, `assets/npcs/${id}.npc.yaml`)), id).toBe(true);
    const types = layer('objects').objects.map((o: { type: string }) => o.type);
    expect(types).toEqual(expect.arrayContaining(['spawn', 'gate']));
    const tilecount = map.tilesets[0].tilecount;
    for (const name of ['ground', 'decor', 'walls', 'above'])
      for (const gid of layer(name).data as number[]) expect(gid).toBeLessThanOrEqual(tilecount);
  });
});
