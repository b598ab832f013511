// MNIST and Fashion-MNIST splits (read by services/ml/idx-datasets.ts) as inputs of the ntk benchmark:
// standardized float64 vectors (784) or 8×8 images (28×28 cropped to 24×24, 3×3 averaged).
import type { Split } from '../../../services/ml/idx-datasets.js';
import type { Inputs } from '../../../services/ntk/kernel-block.js';

/** Pixels / 255 standardized by the given mean and sd (pass the training split's). */
export function vectors(s: Split, mean: number, sd: number): Inputs {
  return { n: s.n, image: false, h: 1, w: 1, channels: 784, data: Float64Array.from(s.pixels, (p) => (p / 255 - mean) / sd) };
}

/** 8×8 single-channel images: the central 24×24 crop averaged over 3×3 cells, then standardized. */
export function smallImages(s: Split, mean: number, sd: number): Inputs {
  const data = new Float64Array(s.n * 64);
  for (let i = 0; i < s.n; i++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        let sum = 0;
        for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) sum += s.pixels[i * 784 + (2 + y * 3 + dy) * 28 + 2 + x * 3 + dx];
        data[i * 64 + y * 8 + x] = (sum / 9 / 255 - mean) / sd;
      }
    }
  }
  return { n: s.n, image: true, h: 8, w: 8, channels: 1, data };
}

export function pixelStats(s: Split): { mean: number; sd: number } {
  let sum = 0, sq = 0;
  for (const p of s.pixels) {
    sum += p / 255;
    sq += (p / 255) ** 2;
  }
  const mean = sum / s.pixels.length;
  return { mean, sd: Math.sqrt(sq / s.pixels.length - mean * mean) };
}

/** One-hot targets centred as in Lee et al. 2018 (−0.1 / 0.9), [n, 10]. */
export function centredOneHot(labels: Uint8Array): Float64Array {
  const y = new Float64Array(labels.length * 10).fill(-0.1);
  labels.forEach((l, i) => (y[i * 10 + l] = 0.9));
  return y;
}

export function accuracy(scores: Float64Array | Float32Array, labels: Uint8Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores[i * 10 + c] > scores[i * 10 + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}
