import type { VoiceAgentsPlugin } from './plugin.js';

// Every scene gets `this.voiceAgents` typed with no code in the game. Phaser's typings are a global
// script (`declare namespace Phaser`), so only this form merges: `declare module 'phaser' {
// namespace Phaser { … } }` compiles but silently does nothing (anchors §C.1).
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- merging into Phaser's global namespace is the point
  namespace Phaser {
    interface Scene {
      /** The voice-agents scene plugin (registered with mapping 'voiceAgents'). */
      voiceAgents: VoiceAgentsPlugin;
    }
  }
}

export {};
