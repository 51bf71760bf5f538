/**
 * JavaScript generated for NPC files and the virtual module, and the error payloads for Vite's
 * overlay. Kept apart from the plugin wiring so it can be read (and tested) on its own.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NpcDefinition, NpcFileError } from '../npc/index.js';
import { clientNpc } from '../npc/client-safe.js';
import {
  NPC_ERROR_EVENT,
  type clearNpcError,
  type NpcErrorEvent,
  type publishNpc,
  type publishNpcError,
  type ServedEndpoints,
  type setServedEndpoints,
} from '../npc/live.js';

const json = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');

/**
 * The specifier the generated code imports the hot-reload registry from. The plugin resolves it to
 * this package's own npc/live module (liveModuleFile), so the registry has one source. Not the
 * package entry: that would load Phaser into pages that only read NPCs, and a bare import fails
 * from an NPC folder outside the project.
 */
export const LIVE_MODULE = 'virtual:voice-agents/live';

/** npc/live beside this folder: built (.js, in dist) or source (.ts, in this repo). */
export function liveModuleFile(): string {
  const js = fileURLToPath(new URL('../npc/live.js', import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, '.ts');
}

// Typed against npc/live.ts, so renaming one of these there fails to compile here.
interface LiveCalls {
  setServedEndpoints: typeof setServedEndpoints;
  publishNpc: typeof publishNpc;
  publishNpcError: typeof publishNpcError;
  clearNpcError: typeof clearNpcError;
}
const importLive = (names: (keyof LiveCalls)[]) =>
  `import { ${names.join(', ')} } from ${json(LIVE_MODULE)};`;

/** The served endpoints: importing any NPC module is enough for the plugin to find its local agent and broker. */
const servedCode = (e: ServedEndpoints) =>
  `setServedEndpoints(${json({ broker: e.broker, localAgent: e.localAgent })});`;

/**
 * One NPC file as an ES module. In dev it accepts its own updates: the new definition is copied into
 * the object the game already holds (so `import mira from …` stays current without a page reload),
 * then published to `onNpcUpdate` listeners. In a build `import.meta.hot` is undefined and all of
 * that is dropped.
 */
export function npcModuleCode(npc: NpcDefinition, endpoints: ServedEndpoints, error?: NpcErrorEvent): string {
  // Only what the browser needs: prompts and offline replies stay with the servers (client-safe.ts).
  return `${importLive(['setServedEndpoints', 'publishNpc', 'publishNpcError', 'clearNpcError'])}
const fresh = ${json(clientNpc(npc))};
let npc = fresh;
let updated = false;
${servedCode(endpoints)}
const fileError = ${error ? json(error) : 'null'};
// The file's current errors: a game that subscribes later still hears of them (onNpcError replays).
if (fileError) publishNpcError(fileError);
else clearNpcError(npc.id);
if (import.meta.hot) {
  const prev = import.meta.hot.data.npc;
  if (prev) {
    for (const k of Object.keys(prev)) delete prev[k];
    Object.assign(prev, fresh);
    npc = prev;
    updated = true;
  }
  import.meta.hot.data.npc = npc;
  import.meta.hot.accept();
  if (fileError) import.meta.hot.data.raisedOverlay = true;
  import.meta.hot.on(${json(NPC_ERROR_EVENT)}, (e) => {
    if (e.id !== npc.id) return;
    import.meta.hot.data.raisedOverlay = true;
    publishNpcError(e);
  });
  // Vite reloads the page when the first update after load arrives while an error overlay is open.
  // The overlay is ours and the fix is arriving, so close it first and keep the game running.
  import.meta.hot.on('vite:beforeUpdate', (p) => {
    if (!import.meta.hot.data.raisedOverlay || typeof document === 'undefined') return;
    if (!p.updates.some((u) => u.path.split('?')[0] === new URL(import.meta.url).pathname)) return;
    import.meta.hot.data.raisedOverlay = false;
    document.querySelectorAll('vite-error-overlay').forEach((n) => n.close());
  });
}
publishNpc(npc, updated);
export default npc;
`;
}

interface VirtualNpcsInput {
  files: { path: string; id: string }[];
  errors: NpcFileError[];
  endpoints: ServedEndpoints & { config: string };
}

/** `virtual:voice-agents/npcs`: every good NPC file, plus the errors of the broken ones. */
export function virtualNpcsCode(input: VirtualNpcsInput): string {
  const imports = input.files.map((f, i) => `import n${i} from ${json(f.path)};`).join('\n');
  const list = input.files.map((_, i) => `n${i}`).join(', ');
  const byId = input.files.map((f, i) => `${json(f.id)}: n${i}`).join(', ');
  return `${imports}
${importLive(['setServedEndpoints'])}
${servedCode(input.endpoints)}
export const npcs = [${list}];
export const npcById = { ${byId} };
export const npcFileErrors = ${json(input.errors)};
export const voiceAgentsEndpoints = ${json(input.endpoints)};
export default npcs;
`;
}

/** A few lines of the file around the error with a caret, like Vite shows for JS errors. */
function codeFrame(source: string, line: number, column: number): string {
  const lines = source.split(/\r?\n/);
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const width = String(to).length;
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

interface OverlayError {
  message: string;
  stack: string;
  id: string;
  frame: string;
  plugin: string;
  loc: { file: string; line: number; column: number };
}

/** All errors of one file in one overlay, positioned at the first. */
export function overlayError(
  absPath: string,
  source: string,
  errors: NpcFileError[],
  hasGoodVersion = true,
): OverlayError {
  const first = errors[0]!;
  const lines = errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`);
  const kept = hasGoodVersion
    ? 'the game keeps the last good version'
    : 'the game runs; this NPC stays silent until the file is fixed';
  const message = `${errors.length === 1 ? 'NPC file error' : `${errors.length} NPC file errors`} (${kept})\n${lines.join('\n')}`;
  return {
    message,
    stack: '',
    id: absPath,
    frame: codeFrame(source, first.line, first.column),
    plugin: 'voice-agents',
    loc: { file: absPath, line: first.line, column: first.column },
  };
}
