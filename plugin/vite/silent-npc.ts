import { compileNpcFile, npcIdFromFileName, type NpcDefinition, type NpcFileError } from '../npc/index.js';

/**
 * Stands in for an NPC whose file has been broken since the server started: the game gets an NPC
 * that is attached like the others but never opens a conversation, until its file compiles.
 */
export function silentNpc(path: string, errors: NpcFileError[]): NpcDefinition {
  const id = npcIdFromFileName(path);
  // Compiled under a name that is always a valid id: the broken file's own name may be the error
  // ("old guard.npc.yaml"), and its stand-in must still load.
  const stub = compileNpcFile(
    `name: ${JSON.stringify(id)}\nagent:\n  prompt: { text: "(this NPC file has errors)" }\n`,
    'stand-in.npc.yaml',
  );
  if (!stub.ok) throw new Error(`internal: the stand-in for ${id} did not compile`);
  const first = errors[0];
  return {
    ...stub.npc,
    id,
    unavailable: first
      ? `${first.file}:${first.line}:${first.column} ${first.message}`
      : `${id}.npc.yaml has errors`,
  };
}
