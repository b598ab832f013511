// Mel-cepstral distortion (Kubichek 1993) between two utterances: cepstra c_1..c_13 of each frame's log-mel
// spectrum (c_k = (1/M) Σ_m L_m cos(πk(m + ½)/M), the cosine-series cepstrum of the log amplitude L = ½ log
// power), leading and trailing silence trimmed, frames paired by dynamic time warping, then
// MCD = (10 / ln 10) · √2 · mean over the path of ‖c − c′‖. Cepstra come from the 80-bin log-mel front end,
// not SPTK's mcep analysis, so values compare within this suite rather than with published dB figures.
const ORDER = 13;

export function melCepstra(logMel: Float32Array, bins: number): Float64Array[] {
  const frames = logMel.length / bins;
  return Array.from({ length: frames }, (_, t) => {
    const out = new Float64Array(ORDER);
    for (let k = 1; k <= ORDER; k++) {
      let sum = 0;
      for (let m = 0; m < bins; m++) sum += logMel[t * bins + m] * Math.cos((Math.PI * k * (m + 0.5)) / bins);
      out[k - 1] = sum / bins / 2;
    }
    return out;
  });
}

const distance = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
};

/** MCD in dB between two log-mel spectrograms (row-major [frames × bins]). */
export function melCepstralDistortion(a: Float32Array, b: Float32Array, bins = 80): number {
  const x = melCepstra(trimSilence(a, bins), bins);
  const y = melCepstra(trimSilence(b, bins), bins);
  if (x.length === 0 || y.length === 0) return Number.NaN;
  // DTW with steps (1,0), (0,1), (1,1); cost and path length tracked together to average along the path.
  const cost = new Float64Array((x.length + 1) * (y.length + 1)).fill(Infinity);
  const len = new Float64Array(cost.length);
  const W = y.length + 1;
  cost[0] = 0;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const candidates = [(i - 1) * W + j - 1, (i - 1) * W + j, i * W + j - 1];
      let best = candidates[0];
      for (const c of candidates) if (cost[c] < cost[best]) best = c;
      cost[i * W + j] = cost[best] + distance(x[i - 1], y[j - 1]);
      len[i * W + j] = len[best] + 1;
    }
  }
  const end = x.length * W + y.length;
  return ((10 / Math.LN10) * Math.SQRT2 * cost[end]) / len[end];
}

/** Nats of mean log-mel energy below the loudest frame that count as silence (~17 dB, as the recognizer's endpointer). */
const SILENCE_DROP = 4;

/** Frames from the first to the last one within SILENCE_DROP of the loudest. */
export function trimSilence(logMel: Float32Array, bins: number): Float32Array {
  const frames = logMel.length / bins;
  const energy = Array.from({ length: frames }, (_, t) => logMel.subarray(t * bins, (t + 1) * bins).reduce((a, v) => a + v, 0) / bins);
  const peak = Math.max(...energy);
  const first = energy.findIndex((e) => e > peak - SILENCE_DROP);
  let last = frames - 1;
  while (last > first && energy[last] <= peak - SILENCE_DROP) last--;
  return first < 0 ? logMel : logMel.subarray(first * bins, (last + 1) * bins);
}
