/**
 * Windowed-sinc polyphase resampler design, computed on the main thread and handed to the
 * AudioWorklets (so the audio thread never designs filters or allocates).
 *
 * The ratio in/out is reduced to M/L (integers). Output sample j sits at input time j*M/L; its
 * phase p = (j*M) mod L selects one row of K taps. Row p holds g(p/L - K/2 + k) for k = 0..K-1,
 * applied to x[n + K/2 - k] (n = floor(j*M/L)), where g is a Kaiser-windowed sinc low-pass with
 * its cutoff below the lower of the two Nyquist frequencies: that is the anti-aliasing filter when
 * downsampling (mic 44.1/48 kHz -> 16 kHz) and the anti-imaging filter when upsampling (voice
 * 16/24 kHz -> context rate). Each row is normalised to unit DC gain so no phase ripples.
 */
export interface ResamplerDesign {
  inRate: number;
  outRate: number;
  /** Number of phases (rows). */
  L: number;
  /** Input step per output sample, in 1/L input samples. */
  M: number;
  /** Taps per phase. */
  K: number;
  /** L*K coefficients, row-major by phase. */
  taps: Float32Array;
  /** Group delay of the filter in input samples (K/2). */
  delay: number;
}

interface ResamplerOptions {
  /** Cutoff as a fraction of the lower Nyquist frequency. Default 0.9 (7.2 kHz for 16 kHz out). */
  cutoff?: number;
  /** Sinc zero crossings on each side of the centre. More = steeper transition. Default 12. */
  zeroCrossings?: number;
  /** Kaiser window beta; 9 gives about -90 dB side lobes. */
  beta?: number;
  /** Above this many phases the position is quantised to this many (odd rates). Default 1024. */
  maxPhases?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export function designResampler(
  inRate: number,
  outRate: number,
  opts: ResamplerOptions = {},
): ResamplerDesign {
  if (!(inRate > 0 && outRate > 0) || !Number.isInteger(inRate) || !Number.isInteger(outRate))
    throw new RangeError(`resampler rates must be positive integers (got ${inRate} -> ${outRate})`);
  const cutoff = opts.cutoff ?? 0.9;
  const zc = opts.zeroCrossings ?? 12;
  const beta = opts.beta ?? 9;
  const maxPhases = opts.maxPhases ?? 1024;
  const g = gcd(inRate, outRate);
  let L = outRate / g;
  let M = inRate / g;
  if (L > maxPhases) {
    // Odd rate pair: quantise positions to maxPhases steps. The rate error is below 1/maxPhases of
    // a sample per output sample, far under any clock tolerance.
    M = Math.round((M * maxPhases) / L);
    L = maxPhases;
  }
  // Cutoff in cycles per input sample.
  const fc = (0.5 * cutoff * Math.min(inRate, outRate)) / inRate;
  const halfWidth = zc / (2 * fc); // in input samples
  const K = 2 * Math.ceil(halfWidth);
  const taps = new Float32Array(L * K);
  const i0b = besselI0(beta);
  for (let p = 0; p < L; p++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const tau = p / L - K / 2 + k;
      const x = 2 * fc * tau;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = tau / halfWidth;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0b;
      const v = 2 * fc * sinc * w;
      taps[p * K + k] = v;
      sum += v;
    }
    for (let k = 0; k < K; k++) taps[p * K + k] = taps[p * K + k]! / sum;
  }
  return { inRate, outRate, L, M, K, taps, delay: K / 2 };
}

const designs = new Map<string, ResamplerDesign>();

/** Filter designs are a few ms of main-thread work each, so they are cached per rate pair. */
export function cachedDesign(inRate: number, outRate: number): ResamplerDesign {
  const key = `${inRate}>${outRate}`;
  let d = designs.get(key);
  if (!d) designs.set(key, (d = designResampler(inRate, outRate)));
  return d;
}
