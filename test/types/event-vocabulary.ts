// The events a session, an NPC handle and the plugin share: one name for one happening (issue 13.6).
// Type-checked by `npm test`: renaming an event on one of the three fails to compile here, and
// test/unit/api-report.test.ts holds the README's event table to this list.
import type { AgentSessionEvents } from '../../plugin/session/types.js';
import type { NpcEvents, PluginEvents } from '../../plugin/phaser/events.js';

type Everywhere = keyof AgentSessionEvents & keyof NpcEvents & keyof PluginEvents<unknown>;

export const SHARED_EVENTS = [
  'conversation:start',
  'conversation:end',
  'response',
  'correction',
  'transcript',
  'interruption',
  'tool',
  'reconnecting',
  'state',
  'error',
] as const satisfies readonly Everywhere[];
