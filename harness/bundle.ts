/**
 * A browser entry bundled the way a game ships it (Vite lib build, minified, phaser and howler
 * external) and measured: what a game downloads with it, min+gzip, and what loads on demand. The
 * bundle-size bench reports it against the design's target and issue 17's ceiling.
 */
import { build, type Rolldown } from 'vite';
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot as root } from './repo.js';

/** Signs of GPL code (eSpeak NG is GPL and must stay on the server): none may reach the browser. */
export const GPL_MARKERS = [/espeak/i, /GNU General Public License/i, /\bGPL-?[23]/];

/** The ceiling of the browser entry, min+gzip, in bytes (issue 17.6: 32 KB, a KB being 1,024 bytes). */
export const ENTRY_CEILING_BYTES = 32 * 1024;

const gz = (code: string) => gzipSync(code, { level: 9 }).length;

export interface Bundle {
  /** The entry chunk and the chunks it imports statically: what a game downloads with the plugin. */
  raw: number;
  gzip: number;
  /** Chunks loaded on demand (dynamic imports, e.g. the debug overlay), gzipped separately. */
  lazyGzip: number;
  lazyChunks: number;
  /** Everything, for the licence scan. */
  code: string;
}

/**
 * The browser entry as a library (Vite lib mode): the figure the bench compares with the official
 * client, bundled the same way. Chunks it imports statically are gzipped one by one, as they are
 * emitted here; a game's own build merges them into its main chunk instead (see {@link gameGrowth}).
 */
export async function bundle(label: string, entrySource: string): Promise<Bundle> {
  const { dir, entry } = scratchEntry(label, 'entry.js', entrySource);
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir: join(dir, 'out'),
      emptyOutDir: true,
      minify: true,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      // Vite's lib mode keeps whitespace in ES output (to keep pure annotations); a game's own app
      // build minifies it away, so minify the output fully: what a player actually downloads.
      // Both our entry and the official client are measured this way.
      rollupOptions: { external: ['phaser', 'howler'], output: { minify: true } },
    },
  });
  const outDir = join(dir, 'out');
  const files = readdirSync(outDir).filter((f) => f.endsWith('.js'));
  const read = (f: string) => readFileSync(join(outDir, f), 'utf8');
  // A chunk the entry imports statically (a module shared with a lazy chunk) is downloaded with
  // the entry, not on demand: count it in. Only what sits behind import() is on demand.
  const eager = new Set(['bundle.js']);
  for (const queue = ['bundle.js']; queue.length;) {
    const code = read(queue.pop()!);
    for (const m of code.matchAll(/\bfrom\s*["']\.\/([^"']+)["']|\bimport\s*["']\.\/([^"']+)["']/g)) {
      const f = m[1] ?? m[2]!;
      if (eager.has(f)) continue;
      eager.add(f);
      queue.push(f);
    }
  }
  const eagerCode = [...eager].map(read);
  const lazy = files.filter((f) => !eager.has(f)).map(read);
  rmSync(dir, { recursive: true, force: true });
  return {
    raw: eagerCode.reduce((n, c) => n + Buffer.byteLength(c), 0),
    gzip: eagerCode.reduce((n, c) => n + gz(c), 0),
    lazyGzip: lazy.reduce((n, c) => n + gz(c), 0),
    lazyChunks: lazy.length,
    code: [...eagerCode, ...lazy].join('\n'),
  };
}

/** A game's scene: the same code with and without the plugin, so the difference is the plugin's. */
const GAME = `import * as Phaser from 'phaser';
import { Howler } from 'howler';
class Village extends Phaser.Scene {
  create() {
    const player = this.add.rectangle(400, 300, 16, 24, 0x4488cc);
    const mira = this.add.rectangle(460, 300, 16, 24, 0xcc8844);
    PLUGIN_SCENE
  }
}
Howler.volume(1);
new Phaser.Game({ audio: { context: Howler.ctx }, PLUGIN_CONFIG scene: [Village] });
`;

/** A chunk the plugin adds behind a dynamic import, and when a game fetches it. */
interface LazyChunk {
  /** The module the chunk is named after (repo-relative), or the chunk's name for a shared one. */
  module: string;
  gzip: number;
  /** Fetched as part of a player's first conversation (the voice and microphone code). */
  firstConversation: boolean;
}

interface GameGrowth {
  /** Bytes the plugin adds to the game's main chunk, min+gzip: what every player downloads. */
  gzip: number;
  raw: number;
  /** The chunks the plugin adds behind dynamic imports, gzipped one by one. */
  lazy: LazyChunk[];
  lazyGzip: number;
  /** What the first conversation fetches on top of the first download (voice and microphone chunks). */
  firstConversationGzip: number;
  /** The plugin's code in the game (main chunk and lazy chunks), for the licence scan. */
  code: string;
}

/**
 * What opening a conversation imports (npc-voice.ts and audio-link.ts): their chunks and the
 * chunks those import are fetched when a player first comes near an NPC, prewarm included.
 */
const FIRST_CONVERSATION = ['plugin/audio/voice-code.ts', 'plugin/audio/mic-capture.ts'];

/**
 * What a game downloads because of the plugin, measured the way a game ships: a Vite app build
 * (minified, phaser and howler external) of a scene that registers the plugin and attaches an NPC
 * as the README shows, minus the same build without those lines. Unlike lib mode, an app build
 * keeps modules shared with lazy chunks in the main chunk, strips pure annotations, and adds Vite's
 * preload helper for the dynamic imports: all of that is what a player downloads.
 */
export async function gameGrowth(): Promise<GameGrowth> {
  const plugin = JSON.stringify(join(root, 'plugin/index.ts'));
  const withPlugin =
    `import { voiceAgentsPlugin } from ${plugin};\n` +
    GAME.replace(
      'PLUGIN_SCENE',
      `this.voiceAgents.configure({ howler: Howler });
    this.voiceAgents.setListener(player);
    this.voiceAgents.attach(mira, { id: 'mira', name: 'Mira' });`,
    ).replace('PLUGIN_CONFIG', 'plugins: { scene: [voiceAgentsPlugin()] },');
  const without = GAME.replace('PLUGIN_SCENE', '').replace('PLUGIN_CONFIG', '');
  const [a, b] = [await appBuild('game-without', without), await appBuild('game-with', withPlugin)];
  const lazy = b.lazy.map(({ chunk, gzip }) => ({
    module: chunk.facadeModuleId ? relative(root, chunk.facadeModuleId) : chunk.name,
    gzip,
    firstConversation: false,
  }));
  // Each first-conversation chunk and, transitively, the chunks it imports.
  const byFile = new Map(b.lazy.map((c, i) => [c.chunk.fileName, i]));
  const queue = lazy.flatMap((c, i) => (FIRST_CONVERSATION.includes(c.module) ? [i] : []));
  if (queue.length !== FIRST_CONVERSATION.length)
    throw new Error(
      `expected lazy chunks for ${FIRST_CONVERSATION.join(', ')}, got ${lazy.map((c) => c.module)}`,
    );
  while (queue.length) {
    const i = queue.pop()!;
    if (lazy[i]!.firstConversation) continue;
    lazy[i]!.firstConversation = true;
    for (const f of b.lazy[i]!.chunk.imports) if (byFile.has(f)) queue.push(byFile.get(f)!);
  }
  return {
    gzip: b.mainGzip - a.mainGzip,
    raw: Buffer.byteLength(b.main) - Buffer.byteLength(a.main),
    lazy,
    lazyGzip: lazy.reduce((n, c) => n + c.gzip, 0),
    firstConversationGzip: lazy.reduce((n, c) => n + (c.firstConversation ? c.gzip : 0), 0),
    code: [b.main, ...b.lazy.map((c) => c.chunk.code)].join('\n'),
  };
}

async function appBuild(label: string, source: string) {
  const { dir, entry } = scratchEntry(label, 'main.js', source);
  try {
    const result = await build({
      root,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: join(dir, 'out'),
        emptyOutDir: true,
        rollupOptions: { input: entry, external: ['phaser', 'howler'] },
      },
    });
    const chunks = (Array.isArray(result) ? result : [result])
      .flatMap((r) => ('output' in r ? r.output : []))
      .filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
    const main = chunks.find((c) => c.isEntry);
    if (!main) throw new Error(`the ${label} build made no entry chunk`);
    const lazy = chunks.filter((c) => c !== main).map((chunk) => ({ chunk, gzip: gz(chunk.code) }));
    return { main: main.code, mainGzip: gz(main.code), lazy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh directory with the entry module in it, inside the repo so bare imports resolve from node_modules. */
function scratchEntry(label: string, name: string, source: string): { dir: string; entry: string } {
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, `node_modules/.cache/bundle-${label}-`));
  const entry = join(dir, name);
  writeFileSync(entry, source);
  return { dir, entry };
}
