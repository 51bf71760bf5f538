/** How a voice is positioned. */
export interface SpatialOptions {
  /**
   * 'stereo': StereoPannerNode pan from the horizontal offset plus distance attenuation (the
   * natural choice for a 2D game). 'hrtf': a PannerNode with the HRTF model (x right, y down the
   * screen = towards the listener's back, so an NPC above the player is in front).
   */
  model?: 'stereo' | 'hrtf';
  /** World distance at which the voice is at full level. Default 64. */
  refDistance?: number;
  /** Beyond this distance the level stops falling. Default 2000. */
  maxDistance?: number;
  /** Inverse-distance rolloff (as PannerNode 'inverse'). Default 1. */
  rolloff?: number;
  /** Stereo model: horizontal offset that pans fully to one side. Default 400 world units. */
  panWidth?: number;
  /** Time constant of position smoothing (setTargetAtTime), seconds. Default 0.04. */
  smoothing?: number;
}

export const SPATIAL_DEFAULTS: Required<SpatialOptions> = {
  model: 'stereo',
  refDistance: 64,
  maxDistance: 2000,
  rolloff: 1,
  panWidth: 400,
  smoothing: 0.04,
};

/** PannerNode's 'inverse' distance model, reused by the stereo model so both attenuate alike. */
export function distanceGain(d: number, o: Required<SpatialOptions>): number {
  const dd = Math.min(Math.max(d, o.refDistance), o.maxDistance);
  return o.refDistance / (o.refDistance + o.rolloff * (dd - o.refDistance));
}

/** Pan in [-1, 1] from the horizontal offset (negative = left). */
export function stereoPan(dx: number, o: Required<SpatialOptions>): number {
  return Math.max(-1, Math.min(1, dx / o.panWidth));
}
