/**
 * What the NPC says when a spoken turn yields no words: no recognizer, nothing understood, or the
 * recognizer too busy. Never an invented transcript; and throttled, so a client flooding audio cannot
 * turn every declined turn into speech work.
 */
import type { LocalAgentNotice } from './channel.js';
import type { SpokenTurn } from './voice-input.js';

/** Spoken input in a language the offline recognizer does not know (it has English only). */
export function asrLanguageNotice(language: string): LocalAgentNotice {
  return {
    type: 'local_agent_notice',
    local_agent_notice_event: {
      code: 'asr_unavailable',
      message: `Offline speech input understands English only, and this NPC speaks ${language}: type instead.`,
    },
  };
}

export const ASR_UNAVAILABLE_NOTICE: LocalAgentNotice = {
  type: 'local_agent_notice',
  local_agent_notice_event: {
    code: 'asr_unavailable',
    message: 'Offline speech input is unavailable (no speech recognizer installed): type instead.',
  },
};

const NOT_HEARD_LINE = "I can't make out spoken words in offline mode. Please type your message instead.";
const NOT_UNDERSTOOD_LINE = "Sorry, I didn't catch that.";
/** The recognizer was overloaded (or the client sent audio faster than real time): said, not waited on. */
export const BUSY_LINE = "Sorry, I didn't catch that. Could you say it again?";

export class VoiceLines {
  #lastNotHeardAt = -Infinity;
  #lastBusyAt = -Infinity;
  readonly #own: { sayAgain?: string; typeInstead?: string };

  /** `local`: the NPC file's lines, so it asks again in its own words and language. */
  constructor(local: { say_again?: string; type_instead?: string } = {}) {
    this.#own = {
      ...(local.say_again ? { sayAgain: local.say_again } : {}),
      ...(local.type_instead ? { typeInstead: local.type_instead } : {}),
    };
  }

  /** The line to say for a turn without words, or null when one was said too recently. */
  lineFor(kind: Exclude<SpokenTurn['kind'], 'heard'>, now = performance.now()): string | null {
    const own = this.#own;
    if (kind === 'not_understood') return own.sayAgain ?? NOT_UNDERSTOOD_LINE;
    if (kind === 'no_recognizer') {
      if (now - this.#lastNotHeardAt < 15_000) return null;
      this.#lastNotHeardAt = now;
      return own.typeInstead ?? NOT_HEARD_LINE;
    }
    // At most one busy line every 5 s.
    if (now - this.#lastBusyAt < 5_000) return null;
    this.#lastBusyAt = now;
    return own.sayAgain ?? BUSY_LINE;
  }
}
