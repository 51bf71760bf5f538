// The Phaser test pages' game (fault/ and phaser/), apart from its renderer and how the plugin is
// installed: an 800×600 town in #game with one scene, on Howler's AudioContext.
import type * as Phaser from 'phaser';

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
