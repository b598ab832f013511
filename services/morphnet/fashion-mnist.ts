// Image classification data for the cycle: Fashion-MNIST from its IDX files (big-endian headers, gzip),
// or a tiny synthetic task for smoke tests that needs no files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  /** Pixels in [0, 1], example-major, height×width×channels each. */
  images: Float32Array;
  labels: Int32Array;
  height: number;
  width: number;
  channels: number;
  classes: number;
}

export interface Dataset { train: ImageSet; test: ImageSet }

function readIdx(path: string, magic: number): { dims: number[]; data: Buffer } {
  const buf = gunzipSync(readFileSync(path));
  if (buf.readUInt32BE(0) !== magic) throw new Error(`${path}: not an IDX file with magic ${magic.toString(16)}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * rank) };
}

function loadSplit(dir: string, prefix: string, limit: number): ImageSet {
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`), 0x803);
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`), 0x801);
  const n = Math.min(limit, images.dims[0]);
  const [height, width] = [images.dims[1], images.dims[2]];
  const pixels = new Float32Array(n * height * width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: Int32Array.from(labels.data.subarray(0, n)), height, width, channels: 1, classes: 10 };
}

/** The first `trainLimit` / `testLimit` examples of each split. */
export function loadFashionMnist(dir = FASHION_MNIST_DIR, trainLimit = 60000, testLimit = 10000): Dataset {
  return { train: loadSplit(dir, 'train', trainLimit), test: loadSplit(dir, 't10k', testLimit) };
}

/**
 * A small learnable task of the same layout: class k is a bright horizontal bar at row band k plus noise,
 * so a tiny convnet learns it in a few dozen steps.
 */
export function syntheticDataset(height: number, width: number, classes: number, train: number, test: number, seed: number): Dataset {
  let state = seed >>> 0 || 1;
  const random = (): number => { state = (state * 1664525 + 1013904223) >>> 0; return state / 2 ** 32; };
  const make = (n: number): ImageSet => {
    const images = new Float32Array(n * height * width);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * classes);
      labels[i] = k;
      const rows = [Math.floor((k * height) / classes), Math.floor(((k + 1) * height) / classes)];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) images[(i * height + y) * width + x] = (y >= rows[0] && y < rows[1] ? 0.8 : 0) + 0.3 * random();
      }
    }
    return { images, labels, height, width, channels: 1, classes };
  };
  return { train: make(train), test: make(test) };
}
