// What the README examples assume the reader's game already has.
declare module '*.npc.yaml' {
  const npc: import('phaser-voice-agents').NpcDefinition;
  export default npc;
}
declare const player: Phaser.GameObjects.Sprite;
declare const npcSprite: Phaser.GameObjects.Sprite;
declare const miraSprite: Phaser.GameObjects.Sprite;
declare const shop: { open(what: unknown): void };
declare const inventory: { add(item: unknown): void };
declare const hud: { setTarget(name?: string): void; show(text: string): void };
declare const npc: import('phaser-voice-agents').NpcDefinition;
declare const npcs: import('phaser-voice-agents').NpcDefinition[];
declare const bubble: { show(text: string): void };
declare const playerBubble: { show(text: string): void };
declare const voice: import('phaser-voice-agents/audio').NpcVoice;
declare const session: import('phaser-voice-agents').AgentSession;
declare const mic: import('phaser-voice-agents/audio').MicCapture;
declare function showHint(text: string): void;
declare const server: import('node:http').Server;
