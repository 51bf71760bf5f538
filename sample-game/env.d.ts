/// <reference types="vite/client" />
// Types for `*.npc.yaml` imports and `virtual:voice-agents/npcs`. A game that installed the package
// writes `/// <reference types="phaser-voice-agents/vite/client" />`; inside this repo the package
// is its own source (no node_modules entry), so the same file is referenced by path.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- in-repo stand-in, see above
/// <reference path="../plugin/vite/client.d.ts" />
