// What the Phaser test pages (fault/ and phaser/) share: the config a test hands them, and their game
// apart from its renderer and how the plugin is installed (an 800×600 town in #game with one scene, on
// Howler's AudioContext).
import type * as Phaser from 'phaser';
import type { NpcDefinition } from 'phaser-voice-agents';

/** What a test hands either Phaser page before it loads: the NPC, its agent, where both stand. */
export interface TownPageConfig {
  npc: NpcDefinition;
  agentUrl: string;
  npcAt: { x: number; y: number };
  playerAt: { x: number; y: number };
}

/** The game config the two Phaser test pages share: `scene` alone, Phaser's audio on `context`. */
export function townGameConfig(scene: typeof Phaser.Scene, context: AudioContext) {
  return {
    width: 800,
    height: 600,
    parent: 'game',
    backgroundColor: '#2d3a4a',
    scene: [scene],
    banner: false,
    audio: { context },
  };
}
