/** The HUD's line about who the player is talking to, in words a player reads at a glance. */
const STATE_WORDS: Record<string, string> = {
  idle: 'not talking',
  connecting: 'connecting…',
  ready: 'ready',
  listening: 'listening',
  speaking: 'speaking',
};

export function talkLine(who: { name: string } | null, state: string): string {
  if (!who) return 'Nobody to talk to';
  // The agent holds as many conversations as it may: the wait is the villager's, not a failure.
  if (state === 'queued') return `${who.name} is busy, wait a moment…`;
  return `${who.name} · ${STATE_WORDS[state] ?? state}`;
}
