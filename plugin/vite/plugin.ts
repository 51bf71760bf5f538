/**
 * `voiceAgents()`: the Vite plugin for games using phaser-voice-agents.
 * - `import mira from './mira.npc.yaml'` → the compiled NpcDefinition (errors fail the import with a
 *   positioned overlay; in a build they fail the build).
 * - `virtual:voice-agents/npcs` → every NPC in the NPC folder.
 * - Saving an NPC file hot-updates it in the running game; a broken save shows the overlay and the
 *   game keeps the last good version.
 * - The dev server (and `vite preview`) mounts the local agent and, with an API key, the broker.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve, isAbsolute } from 'node:path';
import type { Server } from 'node:http';
import { loadEnv, type Plugin, type ViteDevServer, type PreviewServer } from 'vite';
import { compileNpcFile, npcIdFromFileName, type NpcDefinition, type NpcFileError } from '../npc/index.js';
import { NPC_ERROR_EVENT, type NpcErrorEvent } from '../npc/live.js';
import { displayName, loadNpcDir, NPC_FILE_RE } from '../server/npc-files.js';
import {
  CONFIG_PATH,
  LOCAL_AGENT_PATH,
  type MountOptions,
  type VoiceAgentsMount,
} from '../server/broker/mount.js';
import type { BrokerOptions } from '../server/broker/broker.js';
import { silentNpc } from './silent-npc.js';
import { LIVE_MODULE, liveModuleFile, npcModuleCode, overlayError, virtualNpcsCode } from './codegen.js';
import { toolTypesPath, writeToolTypes } from './tool-types.js';
import { mountVoiceAgents, type HostServer } from './serve.js';

export const VIRTUAL_NPCS = 'virtual:voice-agents/npcs';
const RESOLVED_VIRTUAL_NPCS = '\0' + VIRTUAL_NPCS;

export interface VoiceAgentsOptions {
  /** Folder of `*.npc.yaml` files for the virtual module and the servers, relative to the Vite root. Default `assets/npcs`. */
  npcDir?: string;
  /** Mount the offline local agent in the dev/preview server. Default true. */
  localAgent?: boolean;
  /** Options passed to the local agent (speech engine, recognizer, limits, LLM endpoint…). */
  localAgentOptions?: MountOptions['localAgentOptions'];
  /** ElevenLabs API key for the broker. Default: ELEVENLABS_API_KEY from the environment or `.env`. Never sent to the browser. */
  apiKey?: string;
  /** Broker settings (allowed origins, rate limit, base URL). */
  broker?: Omit<BrokerOptions, 'apiKey' | 'npcs'>;
  /**
   * Where to write the TypeScript declarations of the NPC files' client tools (typed `onTool`
   * parameters), relative to the Vite root; `false` writes none. Default `src/voice-agents-tools.d.ts`
   * when the project has a `src` folder.
   */
  toolTypes?: string | false;
}

interface FileState {
  npc?: NpcDefinition;
  errors?: NpcFileError[];
}

export function voiceAgents(options: VoiceAgentsOptions = {}): Plugin {
  let root = process.cwd();
  let npcDir = '';
  let apiKey: string | undefined;
  /** Upstream for the broker: ELEVENLABS_BASE_URL like `push` and `serve` (other regions, test fakes). */
  let baseUrl: string | undefined;
  let isDev = false;
  let devServer: ViteDevServer | undefined;
  let mount: VoiceAgentsMount | undefined;
  const files = new Map<string, FileState>();
  const liveFile = liveModuleFile();

  const cleanId = (id: string) => id.split('?')[0]!;
  const isNpcFile = (id: string) => NPC_FILE_RE.test(cleanId(id)) && !id.startsWith('\0');
  const goodNpcs = () => [...files.values()].flatMap((s) => (s.npc ? [s.npc] : []));

  /** Files in the NPC folder that are not loaded (symbolic links leading out of it), said at startup. */
  let skipped: NpcFileError[] = [];
  async function scanDir(): Promise<void> {
    const res = await loadNpcDir(npcDir, { cwd: root });
    skipped = res.warnings.filter((w) => w.code === 'skipped-file');
    const before = new Map(files);
    files.clear();
    for (const f of res.files) files.set(f.path, f.npc ? { npc: f.npc } : { errors: [] });
    for (const e of res.errors) {
      const path = resolve(root, e.file);
      const s = files.get(path);
      if (s) {
        s.errors = [...(s.errors ?? []), e];
        // A file broken now keeps its last good version, as a broken save does (another file was
        // added or removed: that is no reason for this NPC to drop out of the game).
        const last = before.get(path)?.npc;
        if (last) s.npc = last;
        else delete s.npc;
      }
    }
    await updateToolTypes();
  }

  /** Keeps the typed tool parameters in step with the NPC files (see the toolTypes option). */
  async function updateToolTypes(): Promise<void> {
    const path = toolTypesPath(root, options.toolTypes);
    if (!path) return;
    try {
      await writeToolTypes(path, goodNpcs());
    } catch (err) {
      devServer?.config.logger.warn(`voice-agents: could not write ${path}: ${(err as Error).message}`);
    }
  }

  /** Compile one file and check its id against the other files we know. */
  async function compileFile(
    path: string,
  ): Promise<{ source: string; result: ReturnType<typeof compileNpcFile> }> {
    const source = await readFile(path, 'utf8');
    const file = displayName(path, root);
    const result = compileNpcFile(source, file);
    if (result.ok) {
      const clash = [...files.entries()].find(
        ([p, s]) => p !== path && s.npc && s.npc.id.toLowerCase() === result.npc.id.toLowerCase(),
      );
      if (clash) {
        return {
          source,
          result: {
            ok: false,
            warnings: result.warnings,
            errors: [
              {
                file,
                line: 1,
                column: 1,
                path: '',
                code: 'duplicate-id',
                message: `NPC id "${result.npc.id}" is also used by ${displayName(clash[0], root)}; every NPC file needs a unique name`,
              },
            ],
          },
        };
      }
    }
    return { source, result };
  }

  /**
   * The fixing save after a broken one was sometimes never handled (the page kept the old text
   * with the overlay still up; 3 in 105 tries), likely a change event lost by the file watcher.
   * Look again once the change has settled and replay it if the file differs from the last
   * version compiled (not the one this check started from: a truncate-then-write save compiles
   * twice, and the second must not be replayed). An empty file is a save in progress: its own
   * event follows.
   */
  const lastCompiled = new Map<string, string>();
  function recheckLater(server: { watcher: { emit(e: string, p: string): unknown } }, path: string) {
    setTimeout(() => {
      readFile(path, 'utf8').then(
        (now) => {
          const seen = lastCompiled.get(path);
          if (now !== '' && seen !== undefined && now !== seen) server.watcher.emit('change', path);
        },
        () => undefined, // deleted meanwhile: the unlink handler deals with it
      );
    }, 80).unref?.();
  }

  function endpoints() {
    const hasAgent = options.localAgent !== false;
    // The dev server mounts the broker only with a key. A build cannot know its server's key, so it
    // names the path `voice-agents serve` and `vite preview` mount (a game of public agents opts
    // out with configure({ brokerUrl: null })).
    const brokerPath = options.broker?.path ?? '/voice-agents/signed-url';
    return {
      broker: apiKey || !isDev ? brokerPath : null,
      localAgent: hasAgent ? LOCAL_AGENT_PATH : null,
      config: CONFIG_PATH,
    };
  }

  async function mountOn(server: HostServer): Promise<void> {
    mount = await mountVoiceAgents(server, {
      npcs: goodNpcs(),
      apiKey,
      broker: { ...options.broker, ...(baseUrl ? { baseUrl } : {}) },
      localAgent: options.localAgent !== false,
      localAgentOptions: options.localAgentOptions,
    });
  }

  return {
    name: 'phaser-voice-agents',
    enforce: 'pre',

    configResolved(config) {
      root = config.root;
      const dir = options.npcDir ?? 'assets/npcs';
      npcDir = isAbsolute(dir) ? dir : resolve(root, dir);
      isDev = config.command === 'serve';
      const env = loadEnv(config.mode, config.envDir || root, '');
      apiKey = options.apiKey ?? process.env.ELEVENLABS_API_KEY ?? env.ELEVENLABS_API_KEY;
      if (apiKey !== undefined && apiKey.trim() === '') apiKey = undefined;
      baseUrl =
        options.broker?.baseUrl ?? process.env.ELEVENLABS_BASE_URL?.trim() ?? env.ELEVENLABS_BASE_URL?.trim();
      if (baseUrl === '') baseUrl = undefined;
    },

    async buildStart() {
      await scanDir();
    },

    resolveId(id) {
      if (id === VIRTUAL_NPCS) return RESOLVED_VIRTUAL_NPCS;
      // A real file, not a virtual module: a build then keeps one copy of it beside the package entry's.
      if (id === LIVE_MODULE) return liveFile;
      return undefined;
    },

    async load(id) {
      if (id === RESOLVED_VIRTUAL_NPCS) {
        if (files.size === 0) await scanDir();
        for (const path of files.keys()) this.addWatchFile(path);
        const good = [...files.entries()].flatMap(([path, s]) => (s.npc ? [{ path, id: s.npc.id }] : []));
        const errors = [...files.values()].flatMap((s) => s.errors ?? []);
        // In a build a broken file must fail loudly, not ship a game with a missing NPC.
        if (!isDev && errors.length > 0)
          this.error(
            `NPC file errors:\n${errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`).join('\n')}`,
          );
        return virtualNpcsCode({ files: good, errors, endpoints: endpoints() });
      }
      if (!isNpcFile(id)) return undefined;
      const path = cleanId(id);
      let compiled: Awaited<ReturnType<typeof compileFile>>;
      try {
        compiled = await compileFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        const gone = `NPC file ${displayName(path, root)} was deleted or renamed; its import needs updating`;
        if (!isDev) this.error(gone);
        // In dev a module that still imports it keeps running with a silent stand-in; the log says why.
        this.warn(gone);
        const npc = { ...silentNpc(path, []), unavailable: gone };
        return { code: npcModuleCode(npc, endpoints()), map: null };
      }
      const { source, result } = compiled;
      if (!result.ok) {
        const lastGood = files.get(path)?.npc;
        files.set(path, { errors: result.errors, ...(lastGood ? { npc: lastGood } : {}) });
        const o = overlayError(path, source, result.errors, !!lastGood);
        // A build must not ship a broken NPC.
        if (!isDev)
          throw Object.assign(new Error(o.message), {
            id: o.id,
            loc: o.loc,
            frame: o.frame,
            plugin: o.plugin,
          });
        // In dev the game still starts (a refresh with a broken file must not be an HTTP 500): with the
        // last good version when one was seen, else with the NPC present but silent. The overlay and
        // an error event say why; the fixing save brings it back.
        devServer?.ws.send({ type: 'error', err: o });
        const error: NpcErrorEvent = {
          id: npcIdFromFileName(path),
          file: displayName(path, root),
          errors: result.errors,
          silent: !lastGood,
        };
        const npc = lastGood ?? silentNpc(path, result.errors);
        return { code: npcModuleCode(npc, endpoints(), error), map: null };
      }
      files.set(path, { npc: result.npc });
      return { code: npcModuleCode(result.npc, endpoints()), map: null };
    },

    async configureServer(server) {
      devServer = server;
      // Before buildStart: the local agent must know the NPCs from its first conversation.
      await scanDir();
      for (const s of files.values())
        for (const e of s.errors ?? [])
          server.config.logger.error(`${e.file}:${e.line}:${e.column} ${e.message}`);
      for (const w of skipped) server.config.logger.warn(`${w.file}:${w.line}:${w.column} ${w.message}`);
      server.watcher.add(npcDir);
      // Files broken since startup are left out of the NPC list, so no import fails to show them:
      // raise the overlay for each page that connects instead.
      server.ws.on('vite:client:connect', (_data: unknown, client: { send(p: unknown): void }) => {
        for (const [path, s] of files) {
          if (!s.errors?.length) continue;
          let source = '';
          try {
            source = readFileSync(path, 'utf8');
          } catch {
            source = '';
          }
          client.send({ type: 'error', err: overlayError(path, source, s.errors, !!s.npc) });
        }
      });
      const onAddOrRemove = (path: string) => {
        if (!isNpcFile(path)) return;
        // A rejection here would end the dev server (nothing handles it): it is said instead.
        scanDir().then(
          () => {
            mount?.setNpcs(goodNpcs());
            const mod = server.moduleGraph.getModuleById(RESOLVED_VIRTUAL_NPCS);
            if (mod) {
              server.moduleGraph.invalidateModule(mod);
              server.ws.send({ type: 'full-reload' });
            }
          },
          (err: unknown) =>
            server.config.logger.error(
              `voice-agents: could not read the NPC folder again: ${(err as Error)?.message ?? String(err)}`,
            ),
        );
      };
      server.watcher.on('add', onAddOrRemove);
      server.watcher.on('unlink', onAddOrRemove);
      return mountOn({
        httpServer: server.httpServer as Server | null,
        use: (fn) => server.middlewares.use(fn),
        log: (line) => server.config.logger.info(line),
        allowedHosts: server.config.server.allowedHosts,
        https: !!server.config.server.https,
      });
    },

    async configurePreviewServer(server: PreviewServer) {
      await scanDir();
      return mountOn({
        httpServer: server.httpServer as Server,
        use: (fn) => server.middlewares.use(fn),
        log: (line) => server.config.logger.info(line),
        allowedHosts: server.config.preview.allowedHosts,
        https: !!server.config.preview.https,
      });
    },

    async handleHotUpdate(ctx) {
      if (!isNpcFile(ctx.file)) return undefined;
      const path = ctx.file;
      let compiled: Awaited<ReturnType<typeof compileFile>>;
      try {
        compiled = await compileFile(path);
      } catch (err) {
        // Deleted (or renamed away) since the event: the watcher's unlink handler rebuilds the NPC list.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const { source, result } = compiled;
      const server = devServer ?? ctx.server;
      // The watcher can report one save twice (seen on a loaded CI machine): the same good text
      // again is not an update, and the page must not hear of it twice.
      const before = files.get(path);
      if (result.ok && lastCompiled.get(path) === source && before?.npc && !before.errors) return [];
      lastCompiled.set(path, source);
      recheckLater(server, path);
      if (!result.ok) {
        const wasGood = files.get(path)?.npc;
        files.set(path, { errors: result.errors, ...(wasGood ? { npc: wasGood } : {}) });
        const o = overlayError(path, source, result.errors, !!wasGood);
        server.ws.send({ type: 'error', err: o });
        const ev: NpcErrorEvent = {
          id: npcIdFromFileName(path),
          file: displayName(path, root),
          errors: result.errors,
          silent: !wasGood,
        };
        server.ws.send({ type: 'custom', event: NPC_ERROR_EVENT, data: ev });
        server.config.logger.error(o.message, { timestamp: true });
        // No module update: the browser keeps running the last good definition.
        return [];
      }
      const wasNeverGood = !files.get(path)?.npc;
      files.set(path, { npc: result.npc });
      mount?.setNpcs(goodNpcs());
      await updateToolTypes();
      // A file that was broken since startup is not in the page yet: the NPC list must be rebuilt.
      const virtualMod = server.moduleGraph.getModuleById(RESOLVED_VIRTUAL_NPCS);
      if (wasNeverGood && virtualMod) {
        server.moduleGraph.invalidateModule(virtualMod);
        server.ws.send({ type: 'full-reload' });
        return [];
      }
      return undefined;
    },
  };
}
