// Compiled by `npm run typecheck`: what the Vite plugin's generated tool types give a game.
import type { NpcHandle } from 'phaser-voice-agents';

declare module 'phaser-voice-agents' {
  interface NpcToolParameters {
    typed_test_tool: { item: string; count?: number; mode: 'a' | 'b' };
  }
}

export function useTypedTools(npc: NpcHandle): void {
  npc.onTool('typed_test_tool', (p) => {
    const item: string = p.item;
    const count: number | undefined = p.count;
    const mode: 'a' | 'b' = p.mode;
    // @ts-expect-error not a declared parameter
    void p.nope;
    return `${item} ${count ?? 0} ${mode}`;
  });
  // A tool the generated types do not know takes any JSON object.
  npc.onTool('undeclared_tool', (p) => {
    const v: unknown = p['anything'];
    return String(v);
  });
}
