/**
 * Thornbury: the phaser-voice-agents sample game. Howler is initialised first and its AudioContext
 * handed to Phaser (docs/design.md §4), so Phaser sounds, Howler sounds and the NPC voices share one clock
 * and one master volume.
 */
import * as Phaser from 'phaser';
import { Howler } from 'howler';
import { voiceAgentsPlugin } from 'phaser-voice-agents';
import { BootScene } from './scenes/BootScene.js';
import { StartScene } from './scenes/StartScene.js';
import { VillageScene, onVillageCreate } from './scenes/VillageScene.js';
import { HudScene } from './scenes/HudScene.js';
import { exposeDebugHandle } from './debug-handle.js';
import { setupVoice } from './voice.js';

// Raw Web Audio streams (the NPC voices) do not count as "playing" for Howler, which would
// otherwise suspend the context 30 s after the last Howl.
Howler.autoSuspend = false;
Howler.volume(Howler.volume()); // creates Howler.ctx
const context = Howler.ctx as AudioContext | undefined;

const game = new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  width: 960,
  height: 640,
  pixelArt: true,
  backgroundColor: '#140e1c',
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH },
  physics: { default: 'arcade', arcade: { gravity: { x: 0, y: 0 } } },
  audio: context ? { context } : { noAudio: true },
  banner: false,
  // Real frame times (Phaser's smoothing clamps them to 16.7 ms, which slows the world on busy machines).
  fps: { smoothStep: false },
  // `this.voiceAgents` on every scene; only the village attaches NPCs.
  plugins: { scene: [voiceAgentsPlugin()] },
  scene: [BootScene, VillageScene, HudScene, StartScene],
});

onVillageCreate(setupVoice);
exposeDebugHandle(game);
