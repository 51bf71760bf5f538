/**
 * `<dir>/.voice-agents-push.json`: what the last push sent for each NPC, so the next push sends only
 * what changed, and `pull` can tell a dashboard edit from a local edit that was never pushed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json } from './payload.js';

export const PUSH_STATE_FILE = '.voice-agents-push.json';

export interface ToolRecord {
  id: string;
  hash: string;
}

export interface PushRecord {
  agent_id: string;
  hash: string;
  payload: Json;
  /** This push created the agent (so it may name it). */
  managed?: boolean;
  tools?: Record<string, ToolRecord>;
  /** The agent as the service held it right after that push (pull compares against it). */
  service?: Json;
}

type PushState = Record<string, PushRecord>;

export async function readState(dir: string): Promise<PushState> {
  try {
    return JSON.parse(await readFile(join(dir, PUSH_STATE_FILE), 'utf8')) as PushState;
  } catch {
    return {};
  }
}

export async function writeState(dir: string, state: PushState): Promise<void> {
  await writeFile(join(dir, PUSH_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
