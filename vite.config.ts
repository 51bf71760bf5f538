// Dev server and build for the sample game (index.html at the repo root). The voiceAgents plugin
// compiles assets/npcs/*.npc.yaml, hot-reloads them, and mounts the local agent (and the broker when
// ELEVENLABS_API_KEY is set in the environment or .env) so `npm run dev` is one process.
import { defineConfig } from 'vite';
import { voiceAgents } from './plugin/vite/index.js';
import { packageAliases } from './harness/repo.js';

export default defineConfig({
  resolve: { alias: packageAliases() },
  // The tool declarations of the NPC files type onTool's parameters in the sample game.
  plugins: [voiceAgents({ npcDir: 'assets/npcs', toolTypes: 'sample-game/voice-agents-tools.d.ts' })],
  // Phaser alone is ~1.2 MB minified; the warning would fire on every build of any Phaser game.
  build: { outDir: 'dist-game', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
