/** What went wrong, in words a player understands, with what to do about it. */
import type { VoiceAgentsError } from 'phaser-voice-agents';
import type { Problem } from './talk.js';

export function describeError(e: VoiceAgentsError, who?: string): Problem {
  const micKind = (e.cause as { kind?: string } | undefined)?.kind;
  if (e.kind === 'mic') {
    if (micKind === 'no-device' || micKind === 'unplugged')
      return {
        id: 'mic-missing',
        title: 'No microphone found.',
        action: 'Plug one in and walk up to the villager again, or press Enter to type instead.',
      };
    if (micKind === 'denied' || micKind === 'revoked')
      return {
        id: 'mic-denied',
        title: 'The microphone is blocked.',
        action:
          "Allow microphone access (the icon in the browser's address bar), then walk up again. Typing works now: press Enter.",
      };
    // The browser's own words ("Could not start audio source") go to the console and the debug
    // handle (detail), not to the player.
    return {
      id: 'mic-denied',
      title: 'The microphone could not start.',
      action:
        'Walk up to the villager again to retry, or press Enter to type. (The browser console says why.)',
    };
  }
  if (e.kind === 'audio')
    return {
      id: 'audio-locked',
      title: 'Sound is off.',
      action: 'Click the game or press any key to turn sound on.',
    };
  // A conversation the agent ended for a reason the player can act on: not "can't reach".
  const ended = e.kind === 'ended' && e.reason?.kind === 'error' ? e.reason.error : undefined;
  const name = who ?? 'The villager';
  if (ended === 'busy' || ended === 'rate_limited')
    return {
      id: 'agent-busy',
      title: `${name} is busy.`,
      action:
        'Too many people are talking to them right now. Walk up again in a moment, or press Enter to type.',
    };
  if (ended === 'max_duration')
    return {
      id: 'agent-busy',
      title: `${name} has talked for as long as one conversation may last.`,
      action: 'Step away and walk up again to start a new one.',
    };
  if (ended === 'quota')
    return {
      id: 'agent-unreachable',
      title: "The voice service's allowance is used up.",
      action: 'The villagers cannot talk until it is renewed; the rest of the game goes on.',
    };
  if (ended === 'config' || ended === 'override' || ended === 'dynamic_variable')
    return { id: 'npc-files', title: `${name}'s agent is not set up for this game.`, action: e.message };
  if (e.kind === 'connection' || e.kind === 'ended')
    return {
      id: 'agent-unreachable',
      // Named only for the villager the player is at; a prewarm elsewhere failing is the service.
      title: who ? `Can't reach ${who}'s voice.` : "Can't reach the villagers' voices.",
      action:
        'The voice service is not answering. Check that the game server (npm run dev) is still running and your connection is up, then walk up again.',
    };
  if (e.kind === 'config') return { id: 'npc-files', title: 'An NPC file has a problem.', action: e.message };
  return {
    id: 'other',
    title: 'Something went wrong.',
    action: 'The villagers may not answer for a moment: walk up again, or press Enter to type.',
  };
}

/** The connection dropped mid-conversation and the plugin is reopening it. */
export function describeReconnect(who: string, attempt: number, maxAttempts: number): Problem {
  return {
    id: 'reconnecting',
    title: `Lost the connection to ${who}.`,
    action: `Reconnecting (attempt ${attempt} of ${maxAttempts})… Stay close; you can keep typing once it is back.`,
  };
}

/** The local agent has no speech recognizer: it cannot understand speech, typing still works. */
export const ASR_UNAVAILABLE: Problem = {
  id: 'asr-unavailable',
  title: 'Offline speech input is unavailable.',
  action:
    'The local agent has no speech recognizer on this computer, so it cannot understand speech. Press Enter to type instead (or install pocketsphinx).',
};

/** NPCs need the local agent but the server offers none. */
export const NO_VOICE_SERVICE: Problem = {
  id: 'agent-unreachable',
  title: 'No voice service is configured.',
  action:
    'Run the game with npm run dev (it starts the offline local agent), or give the NPC files agent ids.',
};
