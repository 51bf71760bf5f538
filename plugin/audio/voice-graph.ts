/**
 * The Web Audio graph of one NPC voice: its worklet, a level tap, the panner (stereo pan and distance
 * gain, or an HRTF PannerNode) and its volume, into Howler's output. Built again whenever Howler
 * replaces its AudioContext; NpcVoice (npc-voice.ts) decides what plays and when.
 */
import { distanceGain, stereoPan, type SpatialOptions } from './spatial.js';
import type { VoiceOut } from './worklets/voice-processor.js';
import { VOICE_PROCESSOR } from './worklets/names.js';

export interface VoiceGraph {
  ctx: AudioContext;
  node: AudioWorkletNode;
  analyser: AnalyserNode;
  panner: StereoPannerNode | PannerNode;
  dist: GainNode | null;
  out: GainNode;
  rates: Set<number>;
}

/** What the graph is built with: NpcVoice's options, every default filled. */
interface VoiceGraphOptions extends Required<SpatialOptions> {
  volume: number;
  flushFadeMs: number;
  edgeFadeMs: number;
  leadMs: number;
  leadStepMs: number;
  leadMaxMs: number;
}

/** The graph on `ctx` (the voice worklet must be loaded), connected into `output`. */
export function buildVoiceGraph(
  ctx: AudioContext,
  o: VoiceGraphOptions,
  output: AudioNode,
  levelSamples: number,
  onMessage: (m: VoiceOut) => void,
): VoiceGraph {
  const node = new AudioWorkletNode(ctx, VOICE_PROCESSOR, {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: {
      flushFadeMs: o.flushFadeMs,
      edgeFadeMs: o.edgeFadeMs,
      leadMs: o.leadMs,
      leadStepMs: o.leadStepMs,
      leadMaxMs: o.leadMaxMs,
    },
  });
  node.port.onmessage = (e: MessageEvent) => onMessage(e.data);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = levelSamples;
  node.connect(analyser);
  const out = ctx.createGain();
  out.gain.value = o.volume;
  let panner: StereoPannerNode | PannerNode;
  let dist: GainNode | null = null;
  if (o.model === 'hrtf') {
    const p = ctx.createPanner();
    p.panningModel = 'HRTF';
    p.distanceModel = 'inverse';
    p.refDistance = o.refDistance;
    p.maxDistance = o.maxDistance;
    p.rolloffFactor = o.rolloff;
    node.connect(p).connect(out);
    panner = p;
  } else {
    panner = ctx.createStereoPanner();
    dist = ctx.createGain();
    node.connect(panner).connect(dist).connect(out);
  }
  out.connect(output);
  return { ctx, node, analyser, panner, dist, out, rates: new Set() };
}

/**
 * Disconnects every node (silent at once) and stops the worklet. Posting the stop and closing the
 * port can wait on the audio thread, and conversations end inside game frames (the player walked
 * away): those go in a task of their own after the frame; a disconnected worklet plays to nobody.
 */
export function teardownVoiceGraph(g: VoiceGraph): void {
  const port = g.node.port;
  port.onmessage = null;
  for (const n of [g.node, g.analyser, g.panner, g.dist, g.out]) n?.disconnect();
  setTimeout(() => {
    port.postMessage('stop');
    port.close();
  }, 0);
}

/** Smallest moves worth scheduling (see placeVoice). */
const PAN_STEP = 0.01;
const GAIN_STEP = 0.03;
const HRTF_STEP_PX = 2;
/** Fewest seconds between two scheduled moves of one voice (about every third frame at 60 fps). */
const MOVE_INTERVAL_S = 0.045;

/**
 * Places the voice at (dx, dy) from the listener. `last` holds the pan and distance gain (or HRTF
 * x, z) last scheduled and when (context time), and is updated; `immediate` jumps there (the voice
 * is silent), otherwise it glides. Returns false when the move was put off (too soon after the
 * last one): call again, with the same position if it has not changed, on a later frame.
 */
export function placeVoice(
  g: VoiceGraph,
  dx: number,
  dy: number,
  o: VoiceGraphOptions,
  last: number[],
  immediate: boolean,
): boolean {
  // Only the stereo graph has a distance gain (cheaper than instanceof, every frame, for every voice).
  const stereo = g.dist !== null;
  const a = stereo ? stereoPan(dx, o) : dx;
  const b = stereo ? distanceGain(Math.hypot(dx, dy), o) : dy;
  // A player walking 3 px a frame moves a voice's pan by under 0.01 and its level by ~3 %: per
  // frame that is two automation events per voice for a change nobody hears (a pan step of 0.01
  // is under a degree; 3 % is 0.26 dB, a quarter of the smallest step of loudness people notice).
  // Each parameter is scheduled only once it moved past its own step (walking past an NPC turns
  // its pan much faster than its level), so the error left is bounded by the steps, never
  // accumulated. NaN (nothing scheduled yet on this context) counts as moved.
  const moveA = immediate || !(Math.abs(a - last[0]!) < (stereo ? PAN_STEP : HRTF_STEP_PX));
  const moveB = immediate || !(Math.abs(b - last[1]!) < (stereo ? GAIN_STEP * last[1]! : HRTF_STEP_PX));
  if (!moveA && !moveB) return true;
  const t = g.ctx.currentTime;
  // Larger moves at most every MOVE_INTERVAL_S: an automation call is the costliest thing in a
  // plugin frame (~12 µs each, measured in the 200-NPC frame-cost walk); `last` must therefore be
  // reset with the context whose clock it holds. The glide (smoothing, 40 ms) already spreads each
  // move over about that long, so nobody hears the spacing.
  if (!immediate && t - last[2]! < MOVE_INTERVAL_S) return false;
  last[2] = t;
  const tau = immediate ? 0 : o.smoothing;
  if (stereo) {
    if (moveA) setParam((g.panner as StereoPannerNode).pan, (last[0] = a), t, tau);
    if (moveB) setParam(g.dist!.gain, (last[1] = b), t, tau);
  } else {
    // Relative to Howler's default listener (origin, facing -z): screen up = ahead.
    const p = g.panner as PannerNode;
    if (moveA) setParam(p.positionX, (last[0] = a), t, tau);
    if (immediate) setParam(p.positionY, 0, t, tau);
    if (moveB) setParam(p.positionZ, (last[1] = b), t, tau);
  }
  return true;
}

/** tau 0: jump (the voice is silent); otherwise glide with that time constant (no zipper noise). */
function setParam(p: AudioParam, v: number, t: number, tau: number): void {
  if (tau === 0) p.setValueAtTime(v, t);
  else p.setTargetAtTime(v, t, tau);
}
