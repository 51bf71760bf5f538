import type * as Phaser from 'phaser';
import { VoiceAgentsPlugin } from './plugin.js';

export const VOICE_AGENTS_KEY = 'VoiceAgentsPlugin';

/**
 * The game-config entry: `plugins: { scene: [voiceAgentsPlugin()] }`. Keep the default mapping
 * for the typed `this.voiceAgents`.
 */
export function voiceAgentsPlugin(mapping = 'voiceAgents'): {
  key: string;
  plugin: typeof VoiceAgentsPlugin;
  mapping: string;
} {
  return { key: VOICE_AGENTS_KEY, plugin: VoiceAgentsPlugin, mapping };
}

/** Install at run time into a running scene (when the game config is not yours). Returns the plugin. */
export function installVoiceAgents(scene: Phaser.Scene, mapping = 'voiceAgents'): VoiceAgentsPlugin {
  const existing = (scene as unknown as Record<string, unknown>)[mapping];
  if (existing instanceof VoiceAgentsPlugin) return existing;
  scene.plugins.installScenePlugin(VOICE_AGENTS_KEY, VoiceAgentsPlugin, mapping, scene);
  return (scene as unknown as Record<string, VoiceAgentsPlugin>)[mapping]!;
}
