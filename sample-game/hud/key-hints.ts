import type { Talk } from '../game/talk.js';
import type { Hint } from './widgets.js';

/**
 * The key hints along the bottom of the screen: what the keys do now, for what the player is doing
 * (typing, shopping, listening, talking, walking). Walking with nobody near names every key.
 */
export function keyHints(t: Talk, started: boolean, shopOpen: boolean): Hint[] {
  const who = t.target ?? t.nearby;
  const micUsable =
    t.micMode !== 'off' &&
    !['mic-denied', 'mic-missing', 'asr-unavailable'].some((id) => t.problems.has(id as never));
  let hints: Hint[];
  if (!started) hints = [];
  else if (t.typing)
    hints = [
      { keys: ['Enter'], text: 'Send' },
      { keys: ['Esc'], text: 'Cancel' },
    ];
  else if (shopOpen)
    hints = [
      { keys: ['1-4'], text: 'Buy' },
      { keys: ['Esc'], text: 'Close the shop' },
    ];
  else if (who && t.npcState === 'speaking' && t.target)
    hints = [
      { keys: ['Esc'], text: 'Skip' },
      micUsable ? { keys: ['Space'], text: 'Interrupt' } : { keys: ['Enter'], text: `Type to ${who.name}` },
      ...(micUsable ? [{ keys: ['Enter'], text: 'Type' }] : []),
    ];
  else if (t.target && t.micMode === 'off')
    hints = [
      { keys: ['Enter'], text: `Type to ${t.target.name}` },
      { keys: ['M'], text: 'Mic on' },
    ];
  else if (t.target && !micUsable)
    hints = [
      { keys: ['Enter'], text: `Type to ${t.target.name}` },
      { keys: [], text: '(speaking is unavailable, see the note above)' },
    ];
  else if (t.target && t.micMode === 'open' && t.micOpen)
    hints = [
      { keys: [], text: `Just speak to ${t.target.name}` },
      { keys: ['M'], text: 'Mic off' },
      { keys: ['Enter'], text: 'Type' },
    ];
  else if (who && !t.target)
    hints = [
      { keys: [], text: `Walk up to ${who.name} to talk` },
      { keys: ['W', 'A', 'S', 'D'], text: 'or arrows: walk' },
    ];
  else if (who)
    hints = [
      { keys: ['Space'], text: `Hold to talk to ${who.name}` },
      { keys: ['Enter'], text: 'Type' },
      { keys: ['M'], text: 'Open mic' },
    ];
  else
    hints = [
      { keys: ['W', 'A', 'S', 'D'], text: 'or arrows: walk' },
      { keys: [], text: 'Walk up to a villager to talk' },
      { keys: ['L'], text: 'Log' },
      { keys: ['C'], text: 'Captions' },
      { keys: ['-', '+'], text: 'Volume' },
      { keys: ['`'], text: 'Debug' },
    ];
  return hints;
}
