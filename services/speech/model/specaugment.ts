// SpecAugment (Park et al. 2019, arXiv:1904.08779, §2 and Table 1): time warping, frequency masks and time
// masks applied online to log-mel features [frames][bins] that are already mean-normalised, so a masked
// value of 0 is the mean. Sampling, per the paper:
//   time warp: a point w0 ~ U(W, τ−W−1) moves by w ~ U[−W, W] (open bounds keep both ends of the utterance
//     fixed; skipped when τ ≤ 2W + 2); frames on either side are
//     stretched linearly (the piecewise-linear form of the paper's sparse image warp with two fixed ends);
//   frequency mask (×mF): width f ~ U{0..F}, start f0 ~ U{0..ν−f};
//   time mask (×mT): width t ~ U{0..min(T, ⌊p·τ⌋)} (p caps a mask to a fraction of the utterance), start
//     t0 ~ U{0..τ−t}. Masks may overlap.

export interface SpecAugmentPolicy {
  /** Time-warp parameter W (frames). */
  W: number;
  /** Maximum frequency-mask width F (bins). */
  F: number;
  /** Number of frequency masks. */
  mF: number;
  /** Maximum time-mask width T (frames). */
  T: number;
  /** Upper bound on a time mask as a fraction of the utterance length. */
  p: number;
  /** Number of time masks. */
  mT: number;
}

/** Table 1 of the paper. */
export const SPEC_AUGMENT_POLICIES: Record<'LB' | 'LD' | 'SM' | 'SS', SpecAugmentPolicy> = {
  LB: { W: 80, F: 27, mF: 1, T: 100, p: 1.0, mT: 1 },
  LD: { W: 80, F: 27, mF: 2, T: 100, p: 1.0, mT: 2 },
  SM: { W: 40, F: 15, mF: 2, T: 70, p: 0.2, mT: 2 },
  SS: { W: 40, F: 27, mF: 2, T: 70, p: 0.2, mT: 2 },
};

import { seededRandom, type Random } from '../../ml/seeded-random.js';

export { seededRandom, type Random };

export interface AppliedAugment {
  features: Float32Array;
  /** Warp point and shift (0, 0 when not warped). */
  warp: { centre: number; shift: number };
  freqMasks: { start: number; width: number }[];
  timeMasks: { start: number; width: number }[];
}

/** Uniform integer in [lo, hi] (inclusive). */
const uniformInt = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** The widest time mask the policy allows for an utterance of `frames` frames. */
export const maxTimeMaskWidth = (policy: SpecAugmentPolicy, frames: number) => Math.min(policy.T, Math.floor(policy.p * frames));

export function specAugment(features: Float32Array, frames: number, bins: number, policy: SpecAugmentPolicy, random: Random): AppliedAugment {
  let out: Float32Array = features.slice();
  const warp = { centre: 0, shift: 0 };
  if (policy.W > 0 && frames > 2 * policy.W + 2) {
    warp.centre = uniformInt(random, policy.W + 1, frames - policy.W - 2);
    warp.shift = uniformInt(random, -policy.W, policy.W);
    out = timeWarp(out, frames, bins, warp.centre, warp.centre + warp.shift);
  }
  const freqMasks = [];
  for (let m = 0; m < policy.mF; m++) {
    const width = uniformInt(random, 0, Math.min(policy.F, bins));
    const start = uniformInt(random, 0, bins - width);
    for (let t = 0; t < frames; t++) out.fill(0, t * bins + start, t * bins + start + width);
    freqMasks.push({ start, width });
  }
  const timeMasks = [];
  const cap = maxTimeMaskWidth(policy, frames);
  for (let m = 0; m < policy.mT; m++) {
    const width = uniformInt(random, 0, cap);
    const start = uniformInt(random, 0, frames - width);
    out.fill(0, start * bins, (start + width) * bins);
    timeMasks.push({ start, width });
  }
  return { features: out, warp, freqMasks, timeMasks };
}

/** Move frame `from` to `to`, stretching [0, from] onto [0, to] and [from, τ−1] onto [to, τ−1] (linear interpolation). */
function timeWarp(x: Float32Array, frames: number, bins: number, from: number, to: number): Float32Array {
  if (from === to) return x;
  const out = new Float32Array(x.length);
  for (let t = 0; t < frames; t++) {
    const source = t <= to ? (t * from) / to : from + ((t - to) * (frames - 1 - from)) / (frames - 1 - to);
    const lo = Math.floor(source);
    const hi = Math.min(frames - 1, lo + 1);
    const frac = source - lo;
    for (let k = 0; k < bins; k++) out[t * bins + k] = (1 - frac) * x[lo * bins + k] + frac * x[hi * bins + k];
  }
  return out;
}

