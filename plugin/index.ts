// Browser entry of phaser-voice-agents. Each folder owns its public surface in its own index.ts.
export * from './protocol/index.js';
export * from './session/index.js';
export * from './audio/index.js';
export * from './proximity/index.js';
export * from './npc/index.js';
export * from './phaser/index.js';
