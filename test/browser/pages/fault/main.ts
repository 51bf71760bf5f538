// Fault test page: a Phaser game with the voice-agents plugin, one NPC, a player the test moves, and
// probes for what a player would notice when the network misbehaves: the game loop keeps ticking, the
// microphone is released, no AudioNode stays wired, the output has no clicks or lost audio, the bubble
// follows the voice, and the player is told what happened.
import './instrument.js';
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import {
  AgentSession,
  voiceAgentsPlugin,
  type AgentSessionOptions,
  type NpcHandle,
} from 'phaser-voice-agents';
import { keepMicStreams } from '../mic-streams.js';
import { townGameConfig, type TownPageConfig } from '../town-game.js';

/** What the test hands the page before it loads: `window.faultConfig`. */
export interface FaultPageConfig extends TownPageConfig {
  reconnect?: { baseDelayMs: number; maxAttempts: number } | false;
}
const cfg = window.faultConfig;

const streams = keepMicStreams();

Howler.autoSuspend = false;
Howler.volume(1);
const ctx = Howler.ctx as AudioContext;

// --- output recorder: every sample leaving Howler's master gain, recorded on the audio thread ------
const RECORDER = `
class PvaTapRecorder extends AudioWorkletProcessor {
  constructor() { super(); this.on = false; this.buf = new Float32Array(8192); this.n = 0;
    this.port.onmessage = (e) => { this.on = e.data === 'start'; if (!this.on) this.flush(); }; }
  flush() { if (this.n) { this.port.postMessage(this.buf.slice(0, this.n)); this.n = 0; } }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (this.on) {
      for (let i = 0; i < 128; i++) { this.buf[this.n++] = ch ? ch[i] : 0; }
      if (this.n >= this.buf.length) this.flush();
    }
    return true;
  }
}
registerProcessor('pva-tap-recorder', PvaTapRecorder);`;
const recorded: Float32Array[] = [];
let recorder: AudioWorkletNode | null = null;
const recorderReady = ctx.audioWorklet
  .addModule(URL.createObjectURL(new Blob([RECORDER], { type: 'application/javascript' })))
  .then(() => {
    recorder = new AudioWorkletNode(ctx, 'pva-tap-recorder', {
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    recorder.port.onmessage = (e) => recorded.push(e.data as Float32Array);
    Howler.masterGain.connect(recorder);
    // A worklet only runs when pulled: a muted path to the destination keeps it going.
    const mute = ctx.createGain();
    mute.gain.value = 0;
    recorder.connect(mute).connect(ctx.destination);
  });

const analyser = ctx.createAnalyser();
analyser.fftSize = 1024;
Howler.masterGain.connect(analyser);
const levelBuf = new Float32Array(1024);

// --- what the player is told, and what the session saw ----------------------------------------------
const log: string[] = [];
const told: string[] = [];
/**
 * Per conversation+event: character start times (ms from the turn's start) from the audio alignment,
 * and how much audio of the turn has come (where the next chunk's times start).
 */
const alignment = new Map<string, { starts: number[]; durationMs: number }>();
let steps = 0;
let frames = 0;
const rafTick = () => {
  frames++;
  requestAnimationFrame(rafTick);
};
requestAnimationFrame(rafTick);

class Town extends Phaser.Scene {
  player!: Phaser.GameObjects.Rectangle;
  npcObject!: Phaser.GameObjects.Rectangle;
  handle!: NpcHandle;
  notice!: Phaser.GameObjects.Text;

  constructor() {
    super('town');
  }

  create(): void {
    this.npcObject = this.add.rectangle(cfg.npcAt.x, cfg.npcAt.y, 24, 32, 0xcc8844);
    this.player = this.add.rectangle(cfg.playerAt.x, cfg.playerAt.y, 20, 28, 0x4488cc);
    this.notice = this.add.text(10, 10, '', { color: '#fff' });
    const va = this.voiceAgents;
    va.configure({
      localAgentUrl: cfg.agentUrl,
      howler: Howler,
      lingerMs: 300,
      // The session is the plugin's own AgentSession; the page only shortens reconnect backoff and
      // keeps the alignment to check the bubble against the voice.
      createSession: (options: AgentSessionOptions) => {
        const s = new AgentSession({
          ...options,
          reconnect: cfg.reconnect ?? { baseDelayMs: 50, maxAttempts: 2 },
        });
        s.on('audio', (a) => {
          if (!a.alignment) return;
          const key = `${s.conversationId}:${a.eventId}`;
          const turn = alignment.get(key) ?? { starts: [], durationMs: 0 };
          for (const t of a.alignment.char_start_times_ms) turn.starts.push(turn.durationMs + t);
          turn.durationMs += (a.pcm.length / a.sampleRate) * 1000;
          alignment.set(key, turn);
        });
        s.on('reconnecting', (r) => log.push(`reconnecting:${r.attempt}:${r.delayMs}`));
        s.on('conversation:start', (c) => log.push(`connected:${c.reconnectAttempt}`));
        return s;
      },
    });
    va.setListener(this.player);
    this.handle = va.attach(this.npcObject, cfg.npc);
    va.on('conversation:start', (npc) => log.push(`start:${npc.id}`));
    va.on('conversation:end', (npc, reason) => log.push(`end:${npc.id}:${reason.kind}`));
    va.on('response', (npc, text) => log.push(`response:${text}`));
    va.on('mic', (open) => log.push(`mic:${open}`));
    // What a game shows the player: the plugin's error messages, verbatim.
    const tell = (message: string) => {
      told.push(message);
      this.notice.setText(message);
    };
    va.on('error', (_npc, e) => tell(e.message));
    va.on('plugin:error', (e) => tell(e.message));
    va.on('reconnecting', (_npc, r) => tell(`reconnecting ${r.attempt}/${r.maxAttempts}: ${r.message}`));
    this.handle.on('state', (s: string) => log.push(`state:${s}`));
    this.game.events.on('step', () => steps++);
    window.__ready = true;
  }
}

const game = new Phaser.Game({
  type: Phaser.CANVAS,
  ...townGameConfig(Town, ctx),
  plugins: { scene: [voiceAgentsPlugin()] },
});
const scene = () => game.scene.getScene('town') as Town;
/** The NPC's open conversation, as far as the probes read it (plugin internals, not public API). */
interface OpenConversation {
  voice: { underruns: number; turnId: number; playbackPositionMs: number } | null;
  session: { conversationId: string | null };
}
const conversation = () =>
  (scene().handle as unknown as { conversation: OpenConversation | null }).conversation;

/** Silence and click statistics of a recording (mono, context rate). */
function analyse(samples: Float32Array, sampleRate: number) {
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i]!) > 1e-3) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const gaps: number[] = [];
  let run = 0;
  let maxJump = 0;
  const jumps: number[] = [];
  for (let i = Math.max(1, first); i <= last; i++) {
    const jump = Math.abs(samples[i]! - samples[i - 1]!);
    if (jump > maxJump) maxJump = jump;
    if (i % 4 === 0) jumps.push(jump);
    if (Math.abs(samples[i]!) < 1e-4) run++;
    else {
      if (run > sampleRate * 0.01) gaps.push((run / sampleRate) * 1000);
      run = 0;
    }
  }
  jumps.sort((a, b) => a - b);
  const p999 = jumps[Math.floor(jumps.length * 0.999)] ?? 0;
  let peak = 0;
  for (let i = first; i <= last && i >= 0; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  return {
    audibleMs: first < 0 ? 0 : ((last - first) / sampleRate) * 1000,
    gapsMs: gaps,
    silenceMs: gaps.reduce((a, b) => a + b, 0),
    maxJump,
    p999Jump: p999,
    peak,
  };
}

const liveTracks = () => streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length;

const fault = {
  log,
  told,
  ready: () => recorderReady.then(() => true),
  movePlayer(x: number, y: number) {
    scene().player.setPosition(x, y);
  },
  sendText(text: string) {
    return scene().voiceAgents.sendText(text);
  },
  skip() {
    scene().voiceAgents.skip();
  },
  /** Blocks the main thread (a long frame: level load, GC storm, a slow device). */
  stall(ms: number) {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      /* busy */
    }
  },
  ticks: () => ({ steps, frames }),
  level() {
    analyser.getFloatTimeDomainData(levelBuf);
    let s = 0;
    for (const v of levelBuf) s += v * v;
    return Math.sqrt(s / levelBuf.length);
  },
  liveTracks,
  audioNodes: () => ({ wired: window.__audioNodes.wired(), created: window.__audioNodes.totalCreated() }),
  startRecording() {
    recorded.length = 0;
    recorder?.port.postMessage('start');
  },
  async stopRecording() {
    recorder?.port.postMessage('stop');
    // The last block arrives on the next message turn of the audio thread.
    await new Promise((r) => setTimeout(r, 100));
    const total = recorded.reduce((n, b) => n + b.length, 0);
    const all = new Float32Array(total);
    let o = 0;
    for (const b of recorded) {
      all.set(b, o);
      o += b.length;
    }
    return analyse(all, ctx.sampleRate);
  },
  snapshot() {
    const s = scene();
    const h = s.handle;
    const c = conversation();
    const voice = c?.voice;
    const session = c?.session;
    const key = session && voice ? `${session.conversationId}:${voice.turnId}` : '';
    const starts = alignment.get(key)?.starts ?? [];
    const positionMs = voice?.playbackPositionMs ?? 0;
    return {
      npcState: h.state,
      bubble: h.bubbleText,
      micOpen: s.voiceAgents.micOpen,
      liveTracks: liveTracks(),
      conversationId: h.conversationId,
      notice: s.notice.text,
      underruns: voice?.underruns ?? 0,
      turnId: voice?.turnId ?? -1,
      positionMs,
      /** Characters the voice has reached, by the alignment. */
      spokenChars: starts.filter((t) => t <= positionMs).length,
      alignedChars: starts.length,
    };
  },
};
/** The fault page's test API: `window.fault` (declared in test/types/window.ts). */
export type FaultPage = typeof fault;
window.fault = fault;
