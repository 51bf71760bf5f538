// A game's scene, written the way the README shows, compiled once per Phaser major (test/types/consumer-{3,4}/tsconfig.json).
// If `this.voiceAgents` were untyped (`any`) or missing, the @ts-expect-error lines would fail.
import * as Phaser from 'phaser';
import {
  voiceAgentsPlugin,
  installVoiceAgents,
  type NpcDefinition,
  type NpcHandle,
} from 'phaser-voice-agents';

declare const mira: NpcDefinition;

export class Village extends Phaser.Scene {
  create(): void {
    const sprite = this.add.sprite(100, 100, 'mira');
    const player = this.add.sprite(0, 0, 'player');
    this.voiceAgents.configure({ localAgentUrl: 'ws://localhost:8787', maxConcurrent: 4, spatial: 'stereo' });
    this.voiceAgents.setListener(player);
    this.voiceAgents.setListener(this.cameras.main);
    const npc: NpcHandle = this.voiceAgents.attach(sprite, mira);
    npc.setContext('inventory', 'The player holds a lantern.');
    npc.on('tool:open_shop', (params, call) => {
      const shop: unknown = params['shop'];
      const name: string = call.name;
      void shop;
      void name;
    });
    npc.onTool('give_item', (params) => `gave ${String(params['item'])}`);
    npc.on('state', (state, previous) => {
      const s: 'idle' | 'connecting' | 'queued' | 'ready' | 'listening' | 'speaking' = state;
      void s;
      void previous;
    });
    this.voiceAgents.on('active:change', (who, before) => {
      const id: string | undefined = who?.id;
      void id;
      void before;
    });
    this.voiceAgents.on('response', (who, text) => {
      const line: string = `${who.name}: ${text}`;
      void line;
    });
    this.input.keyboard?.on('keydown-SPACE', () => this.voiceAgents.pushToTalkStart());
    this.input.keyboard?.on('keyup-SPACE', () => this.voiceAgents.pushToTalkStop());
    this.voiceAgents.setMicMode('open');
    this.voiceAgents.skip();
    this.voiceAgents.toggleDebug();
    const sent: boolean = this.voiceAgents.sendText('How much is a potion?');
    void sent;
    // @ts-expect-error misspelt method: proves this.voiceAgents is typed, not any
    this.voiceAgents.atach(sprite, mira);
    // @ts-expect-error unknown event name
    npc.on('respnse', () => {});
    // @ts-expect-error wrong mic mode
    this.voiceAgents.setMicMode('always');
  }
}

export class LateScene extends Phaser.Scene {
  create(): void {
    const plugin = installVoiceAgents(this);
    plugin.setDebug(true);
  }
}

export const game = new Phaser.Game({
  type: Phaser.AUTO,
  scene: [Village, LateScene],
  plugins: { scene: [voiceAgentsPlugin()] },
});
