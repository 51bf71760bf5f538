/**
 * `fn` made safe to call from the frame loop: if it throws, `report` hears of it once and `fallback`
 * stands in for its result, so one bug in game code does not stop the game (Phaser's loop ends at
 * the first exception thrown into it).
 */
export function guarded<A extends unknown[], R>(
  fn: (...args: A) => R,
  fallback: R,
  report: (cause: unknown) => void,
): (...args: A) => R {
  let told = false;
  return (...args) => {
    try {
      return fn(...args);
    } catch (cause) {
      if (!told) {
        told = true;
        report(cause);
      }
      return fallback;
    }
  };
}
