// Image sets for the study: Fashion-MNIST through the suite's reader, minibatches as tensors.
import { tf } from '../ml/backend.js';
import type { Random } from '../ml/seeded-random.js';
import { FASHION_MNIST_DIR, loadIdxDataset, type Dataset, type ImageSet } from '../ml/idx-datasets.js';

export { FASHION_MNIST_DIR, type Dataset, type ImageSet };

/** The first `trainLimit` / `testLimit` Fashion-MNIST examples (Debian package dataset-fashion-mnist). */
export function loadFashionMnist(dir = FASHION_MNIST_DIR, trainLimit = 60000, testLimit = 10000): Dataset {
  return loadIdxDataset(dir, trainLimit, testLimit);
}

export const PIXELS = 28 * 28;

/** Random indices (with replacement) into a set of `n`. */
export function sampleIndices(n: number, count: number, random: Random): Int32Array {
  return Int32Array.from({ length: count }, () => Math.floor(random() * n));
}

/** Images [count, 28, 28, 1] at the given indices, pixels mapped from [0, 1] to [-1, 1] (the generator's tanh range). */
export function imageBatch(set: ImageSet, indices: ArrayLike<number>): tf.Tensor4D {
  const out = new Float32Array(indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]! * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[i * PIXELS + p] = set.images[from + p]! * 2 - 1;
  }
  return tf.tensor4d(out, [indices.length, 28, 28, 1]);
}

/** Labels at the given indices from any label array (true or inferred). */
export function labelBatch(labels: Int32Array, indices: ArrayLike<number>): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from(indices, (i) => labels[i]!), 'int32');
}

/** Run `f` over [0, n) in chunks of `chunk` images and concatenate its per-image rows (dataSync'd). */
export function mapInChunks(n: number, chunk: number, width: number, f: (from: number, to: number) => tf.Tensor): Float32Array {
  const out = new Float32Array(n * width);
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const rows = tf.tidy(() => f(from, to));
    out.set(rows.dataSync(), from * width);
    rows.dispose();
  }
  return out;
}

export function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, i) => from + i);
}
