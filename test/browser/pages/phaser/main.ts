// Test page: a Phaser game (4, or 3.90 when the page server aliases phaser to phaser3) with the
// voice-agents plugin registered through the game config, one NPC and a player the test moves.
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import {
  installVoiceAgents,
  voiceAgentsPlugin,
  type MicMode,
  type NpcDefinition,
  type NpcHandle,
} from 'phaser-voice-agents';
import { keepMicStreams } from '../mic-streams.js';
import { townGameConfig, type TownPageConfig } from '../town-game.js';

/** What the test hands the page before it loads: `window.phaserConfig`. */
export interface PhaserPageConfig extends TownPageConfig {
  /** Install the plugin at run time from create() instead of the game config. */
  runtimeInstall?: boolean;
  /** configure({ speechRecognition }) */
  speechRecognition?: 'agent' | 'browser';
  /** configure({ micMode }) (the plugin's default is push-to-talk) */
  micMode?: MicMode;
}
const cfg = window.phaserConfig;

let micRequests = 0;

// Canvas renders of Text objects (each re-measures, redraws the canvas and uploads the texture):
// a bubble draws its text once per turn, not once per revealed character.
let textRenders = 0;
const textProto = Phaser.GameObjects.Text.prototype as unknown as { updateText(): unknown };
const updateText = textProto.updateText;
textProto.updateText = function (this: unknown) {
  textRenders++;
  return updateText.call(this);
};
// Every microphone stream the page ever opened, to prove the tracks were stopped.
const streams = keepMicStreams(() => micRequests++);

// Net listeners on window/document, to prove nothing the plugin touched keeps one after shutdown.
const netListeners = new Map<string, number>();
/** A number per listener, the same on every target. */
const listenerIds = new WeakMap<EventListenerOrEventListenerObject, number>();
let nextListenerId = 0;
const key = (t: string, fn: EventListenerOrEventListenerObject) => {
  let id = listenerIds.get(fn);
  if (id === undefined) listenerIds.set(fn, (id = nextListenerId++));
  return `${t}:${id}`;
};
for (const target of [window, document] as EventTarget[]) {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  const name = target === window ? 'window' : 'document';
  const live = new Set<string>();
  target.addEventListener = (t, fn, o) => {
    if (fn && !live.has(key(t, fn))) {
      live.add(key(t, fn));
      netListeners.set(name, (netListeners.get(name) ?? 0) + 1);
    }
    add(t, fn, o);
  };
  target.removeEventListener = (t, fn, o) => {
    if (fn && live.delete(key(t, fn))) netListeners.set(name, (netListeners.get(name) ?? 0) - 1);
    remove(t, fn, o);
  };
}

Howler.autoSuspend = false;
Howler.volume(1);
const ctx = Howler.ctx as AudioContext;
// Stereo tap on Howler's master gain (where every NPC voice ends up), before the destination.
const split = ctx.createChannelSplitter(2);
const anL = ctx.createAnalyser();
const anR = ctx.createAnalyser();
anL.fftSize = anR.fftSize = 2048;
Howler.masterGain.connect(split);
split.connect(anL, 0);
split.connect(anR, 1);
const buf = new Float32Array(2048);
const rms = (a: AnalyserNode) => {
  a.getFloatTimeDomainData(buf);
  let s = 0;
  for (const v of buf) s += v * v;
  return Math.sqrt(s / buf.length);
};

const log: string[] = [];
/** When things happened, on the page's clock (a test measures the plugin, not its own round trips). */
const marks = new Map<string, number>();
/** Each plugin:error as `kind:<cause's name>:<cause's kind>`, to check the typed causes. */
const errorCauses: string[] = [];
/** What the mouth-flap hook saw: the loudest level, and the last call. */
const mouth = { max: 0, last: -1, calls: 0 };
let creates = 0;

/**
 * eventemitter3 listeners whose context is `ctxObj`, on every event or on `event` only: read from the
 * emitter's private `_events` (event name -> one listener or a list), how Phaser emitters store
 * subscriptions with their context; their public API does not show the context.
 */
function listenersWithContext(emitter: object | undefined, ctxObj: unknown, event?: string): number {
  const store = emitter && '_events' in emitter ? emitter._events : undefined;
  if (typeof store !== 'object' || store === null) return 0;
  const entries: unknown[] = event === undefined ? Object.values(store) : [Reflect.get(store, event)];
  let n = 0;
  for (const entry of entries) {
    const list: unknown[] = Array.isArray(entry) ? entry : [entry];
    for (const l of list) if (typeof l === 'object' && l && 'context' in l && l.context === ctxObj) n++;
  }
  return n;
}

class Town extends Phaser.Scene {
  player!: Phaser.GameObjects.Rectangle;
  npcObject!: Phaser.GameObjects.Rectangle;
  handle!: NpcHandle;

  constructor() {
    super('town');
  }

  create(): void {
    creates++;
    this.cameras.main.setBounds(0, 0, 1200, 600);
    this.npcObject = this.add.rectangle(cfg.npcAt.x, cfg.npcAt.y, 24, 32, 0xcc8844);
    this.player = this.add.rectangle(cfg.playerAt.x, cfg.playerAt.y, 20, 28, 0x4488cc);
    // Typed with no cast: the package entry augments Phaser.Scene.
    const va = cfg.runtimeInstall ? installVoiceAgents(this) : this.voiceAgents;
    va.configure({
      localAgentUrl: cfg.agentUrl,
      howler: Howler,
      lingerMs: 300,
      spatialOptions: { panWidth: 100 },
      ...(cfg.speechRecognition ? { speechRecognition: cfg.speechRecognition } : {}),
      ...(cfg.micMode ? { micMode: cfg.micMode } : {}),
    });
    va.setListener(this.player);
    this.handle = va.attach(this.npcObject, cfg.npc, {
      onMouth: (level) => {
        mouth.max = Math.max(mouth.max, level);
        mouth.last = level;
        mouth.calls++;
      },
    });
    va.on('active:change', (npc) => log.push(`active:${npc ? npc.id : 'none'}`));
    va.on('conversation:start', (npc) => log.push(`start:${npc.id}`));
    va.on('conversation:end', (npc, reason) => log.push(`end:${npc.id}:${reason.kind}`));
    va.on('response', (npc, text) => log.push(`response:${npc.id}:${text}`));
    va.on('mic', (open) => log.push(`mic:${open}`));
    va.on('plugin:error', (e) => {
      log.push(`plugin:error:${e.kind}:${e.message}`);
      const cause = e.cause as { name?: string; kind?: string } | undefined;
      errorCauses.push(`${e.kind}:${cause?.name ?? ''}:${cause?.kind ?? ''}`);
    });
    va.on('error', (npc, e) => log.push(`error:${npc.id}:${e.kind}:${e.message}`));
    this.handle.on('state', (s: string) => {
      log.push(`state:${s}`);
      marks.set(`state:${s}`, performance.now());
    });
    // A designer-facing action with no protocol knowledge: just listen for the tool.
    this.handle.on('tool:open_shop', (params) => log.push(`tool:open_shop:${JSON.stringify(params)}`));
    va.on('transcript', (npc, text) => log.push(`transcript:${npc.id}:${text}`));
    window.__creates = creates;
  }
}

const game = new Phaser.Game({
  type: Phaser.AUTO,
  ...townGameConfig(Town, ctx),
  ...(cfg.runtimeInstall ? {} : { plugins: { scene: [voiceAgentsPlugin()] } }),
});

const scene = () => game.scene.getScene('town') as Town;
/** A scene's plugin and systems (what removeScene() returns), to count what they still hold. */
interface SceneParts {
  plugin: Town['voiceAgents'];
  sys: Town['sys'];
}

// Every distinct text the NPC's bubble showed, checked after each game frame since the page loaded:
// what a player saw, however seldom a busy test process gets to poll.
const bubbleHistory: string[] = [];
game.events.on('poststep', () => {
  const text = scene()?.handle?.bubbleText ?? '';
  if (bubbleHistory[bubbleHistory.length - 1] !== text) bubbleHistory.push(text);
});

const liveTracks = () => streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length;

/**
 * Watches the NPC's bubble after each of the next game frames (the plugin redraws bubbles once a
 * frame): every distinct text it showed, in order. Stops after `maxFrames`, or as soon as the
 * bubble is gone when `untilGone`.
 */
function watchBubble(maxFrames: number, untilGone = false): Promise<{ texts: string[]; frames: number }> {
  return new Promise((resolve) => {
    const texts: string[] = [];
    let frames = 0;
    const onStep = () => {
      const text = scene()?.handle?.bubbleText ?? '';
      if (texts[texts.length - 1] !== text) texts.push(text);
      frames++;
      if (frames >= maxFrames || (untilGone && text === '')) {
        game.events.off('poststep', onStep);
        resolve({ texts, frames });
      }
    };
    game.events.on('poststep', onStep);
  });
}

const phaserLab = {
  version: Phaser.VERSION,
  log,
  errorCauses,
  mouth,
  micRequests: () => micRequests,
  textRenders: () => textRenders,
  movePlayer(x: number, y: number) {
    marks.set('moved', performance.now());
    scene().player.setPosition(x, y);
  },
  /** Page time (ms) of the last `moved` or `state:<state>`, or null. */
  mark: (name: string) => marks.get(name) ?? null,
  sendText(text: string) {
    return scene().voiceAgents.sendText(text);
  },
  pushToTalk(down: boolean) {
    if (down) scene().voiceAgents.pushToTalkStart();
    else scene().voiceAgents.pushToTalkStop();
  },
  skip() {
    scene().voiceAgents.skip();
  },
  setMicMode(mode: MicMode) {
    scene().voiceAgents.setMicMode(mode);
  },
  playerBubble() {
    return scene().voiceAgents.playerBubbleText;
  },
  updateNpc(def: NpcDefinition) {
    return scene().voiceAgents.updateNpc(def);
  },
  setDebug(on: boolean) {
    scene().voiceAgents.setDebug(on);
  },
  debugText() {
    // What the player sees: every visible text in the scene (the panel is the one with "active:").
    const texts: string[] = [];
    for (const go of scene().children.list)
      if (go instanceof Phaser.GameObjects.Text && go.visible && go.alpha > 0) texts.push(go.text);
    return texts.find((t) => t.includes('active:')) ?? '';
  },
  destroyNpc() {
    scene().npcObject.destroy();
  },
  restart() {
    scene().scene.restart();
  },
  removeScene(): SceneParts {
    const s = scene();
    const plugin = s.voiceAgents;
    const sys = s.sys;
    game.scene.remove('town');
    return { plugin, sys };
  },
  levels() {
    return { L: rms(anL), R: rms(anR) };
  },
  liveTracks,
  streamsOpened() {
    return streams.length;
  },
  snapshot() {
    const s = scene();
    const va = s?.voiceAgents;
    const h = s?.handle;
    return {
      npcState: h?.state ?? null,
      active: va?.activeNpc?.id ?? null,
      bubble: h?.bubbleText ?? '',
      micOpen: va?.micOpen ?? false,
      liveTracks: liveTracks(),
      conversationId: h?.conversationId ?? null,
    };
  },
  watchBubble,
  /** The bubble's texts from the `from`th on (see bubbleHistory). */
  bubbleTexts: (from = 0) => bubbleHistory.slice(from),
  bubbleTextCount: () => bubbleHistory.length,
  /** Waits `n` game frames. */
  frames(n: number): Promise<void> {
    return watchBubble(n).then(() => undefined);
  },
  /** Listeners the plugin (or its NPC handles) hold on Phaser emitters, and net DOM listeners. */
  listenerCounts(target?: SceneParts) {
    const s = scene();
    const plugin = target?.plugin ?? s.voiceAgents;
    const sys = target?.sys ?? s.sys;
    return {
      sceneEvents: listenersWithContext(sys.events, plugin),
      boot: listenersWithContext(sys.events, plugin, 'boot'),
      gameEvents: listenersWithContext(game.events, plugin),
      player: s ? listenersWithContext(s.player, plugin) : 0,
      npcObject: s && s.npcObject.scene ? listenersWithContext(s.npcObject, plugin) : 0,
      gameListeners: plugin.listenerCount(),
      window: netListeners.get('window') ?? 0,
      document: netListeners.get('document') ?? 0,
    };
  },
};
/** The Phaser page's test API: `window.phaserLab` (declared in test/types/window.ts). */
export type PhaserLab = typeof phaserLab;
window.phaserLab = phaserLab;
window.__ready = true;
