// The FID/KID feature network: a small Fashion-MNIST CNN the study trains on all training labels (the
// stand-in for Inception, which does not exist for 28×28 grayscale clothing); its penultimate layer's
// activations are the features FID and KID compare. No batch norm: with BN (conv-BN-ReLU 16-32-64, global
// pooling) the moving statistics lagged the fast-changing weights, and test accuracy in inference mode swung
// between 61 % and 81 % from one evaluation to the next while batch-statistics accuracy rose smoothly (README).
import { tf } from '../ml/backend.js';
import { buildModel, serial } from '../ml/compose.js';
import { glorotUniform } from '../ml/seeded-init.js';
import { seededRandom } from '../ml/seeded-random.js';
import { trainLoop } from '../ml/train-loop.js';
import { imageBatch, labelBatch, mapInChunks, range, sampleIndices, type ImageSet } from './images.js';

export interface FeatureClassifierOptions {
  steps: number;
  batchSize: number;
  /** Width of the penultimate (feature) layer. */
  featureDim: number;
  seed: number;
  signal?: AbortSignal;
}

export interface FeatureClassifier {
  model: tf.LayersModel;
  /** Penultimate-layer features of images in [0, 1] ([n·784] pixels). */
  features(pixels: Float32Array, n: number): Float32Array;
  /** Class logits [n·10] of images in [0, 1]. */
  logits(pixels: Float32Array, n: number): Float32Array;
  testAccuracy: number;
}

export async function trainFeatureClassifier(train: ImageSet, test: ImageSet, o: FeatureClassifierOptions): Promise<FeatureClassifier> {
  const penultimate = tf.layers.dense({ units: o.featureDim, activation: 'relu', name: 'features' });
  const conv = (filters: number) => tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' });
  const model = buildModel({ shape: [28, 28, 1] }, serial(
    conv(32), tf.layers.maxPooling2d({ poolSize: 2 }), conv(64), tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(), penultimate, tf.layers.dense({ units: 10 })), 'fid-features');
  const random = seededRandom(o.seed);
  // tfjs's initializers are unseeded: draw the kernels from the seed so a rerun trains the same network.
  const initial = model.getWeights().map((w) => (w.rank >= 2 ? glorotUniform(w.shape, random) : tf.zerosLike(w)));
  model.setWeights(initial);
  tf.dispose(initial);
  await trainLoop({
    model, optimizer: tf.train.adam(1e-3), steps: o.steps, signal: o.signal, logEvery: o.steps,
    nextBatch: () => {
      const idx = sampleIndices(train.labels.length, o.batchSize, random);
      return { x: imageBatch(train, idx), y: tf.oneHot(labelBatch(train.labels, idx), 10) };
    },
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
  });
  const featureModel = tf.model({ inputs: model.inputs, outputs: penultimate.output as tf.SymbolicTensor });
  const apply = (m: tf.LayersModel, width: number) => (pixels: Float32Array, n: number) => mapInChunks(n, 500, width, (from, to) =>
    m.predict(imageBatch({ ...train, images: pixels }, range(from, to))) as tf.Tensor);
  const logits = apply(model, 10);
  return { model, features: apply(featureModel, o.featureDim), logits, testAccuracy: accuracy(logits(test.images, test.labels.length), test.labels, 10) };
}

/** Fraction of rows of `logits` [n·classes] whose argmax is the label. */
export function accuracy(logits: Float32Array, labels: ArrayLike<number>, classes: number): number {
  return argmaxRows(logits, classes).reduce((s, p, i) => s + Number(p === labels[i]), 0) / labels.length;
}

export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(logits.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
    out[i] = best;
  }
  return out;
}
