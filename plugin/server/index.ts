// Node entry (phaser-voice-agents/server): the local agent and the signed-URL broker.
export * from './agent/index.js';
export * from './broker/index.js';
