/**
 * How many of the HUD's ten microphone bars light for a level (RMS, 0..1). In dB, as ears hear it:
 * -54 dBFS and below lights none, -6 dBFS all ten, so speech at about -18 dBFS lights eight (a
 * linear scale lit two, and players took their voice for too quiet).
 */
export function micBarsLit(level: number, bars = 10): number {
  const db = 20 * Math.log10(Math.max(level, 1e-6));
  return Math.round(Math.min(1, Math.max(0, (db + 54) / 48)) * bars);
}
