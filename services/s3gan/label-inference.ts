// Label inference for S3GAN (Lučić et al. 2019, §3.1 "pre-trained approach"): a feature extractor pretrained
// on the rotation task (Gidaris et al. 2018) over all images, then a linear classifier on its flattened 7×7×4c
// features (mean-pooled 4c features labelled 76.7 % instead of 86.2 % at 10 % labels, README) trained
// on the labelled fraction while the rotation loss continues on unlabelled images (S⁴L-Rotation, Zhai et al.
// 2019, the paper's semi-supervised classifier); it labels the remaining images for the conditional GAN.
import { tf } from '../ml/backend.js';
import { variables } from '../ml/checkpoint.js';
import { seededRandom, type Random } from '../ml/seeded-random.js';
import { trainLoop, type MetricsSink } from '../ml/train-loop.js';
import { argmaxRows } from './feature-classifier.js';
import { imageBatch, labelBatch, mapInChunks, range, sampleIndices, type ImageSet } from './images.js';
import { applyDense, dense, ParamSet, type Dense } from './layers.js';
import { convTrunk, FEATURE_CELLS, rotationBatch, type ConvTrunk } from './networks.js';

export interface LabelInferenceOptions {
  /** Trunk width c (channels c, 2c, 4c). */
  width: number;
  pretrainSteps: number;
  fineTuneSteps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  onMetrics?: MetricsSink;
  signal?: AbortSignal;
}

export interface Extractor {
  params: ParamSet;
  trunk: ConvTrunk;
  rotation: Dense;
  classifier: Dense;
}

export function buildExtractor(width: number, classes: number, seed: number): Extractor {
  const params = new ParamSet(seed);
  const trunk = convTrunk(params, width, false);
  const dim = FEATURE_CELLS * 4 * width;
  return { params, trunk, rotation: dense(params, dim, 4, false), classifier: dense(params, dim, classes, false) };
}

function rotationLoss(e: Extractor, x: tf.Tensor4D): tf.Scalar {
  const { images, labels } = rotationBatch(x);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), applyDense(e.rotation, e.trunk.features(images))) as tf.Scalar;
}

/** Everything but the classifier head (which the rotation task does not reach). */
const trunkVars = (e: Extractor) => e.params.vars.filter((v) => v !== e.classifier.weight && v !== e.classifier.bias);

/** Rotation pretraining on unlabelled images; returns the rotation accuracy on `heldOut` images. */
export async function pretrainRotation(e: Extractor, set: ImageSet, heldOut: ImageSet, o: LabelInferenceOptions): Promise<number> {
  const random = seededRandom(o.seed);
  await trainLoop({
    model: variables(e.params.vars), trainable: trunkVars(e), optimizer: tf.train.adam(o.learningRate),
    steps: o.pretrainSteps, signal: o.signal, logEvery: Math.max(1, Math.floor(o.pretrainSteps / 10)),
    onMetrics: o.onMetrics && ((v, step) => o.onMetrics!({ rotation_loss: v.loss! }, step)),
    nextBatch: () => imageBatch(set, sampleIndices(set.labels.length, o.batchSize, random)),
    loss: (x) => rotationLoss(e, x),
  });
  return rotationAccuracy(e, heldOut);
}

export function rotationAccuracy(e: Extractor, set: ImageSet): number {
  let correct = 0;
  const n = set.labels.length;
  for (let from = 0; from < n; from += 500) {
    const hits = tf.tidy(() => {
      const { images, labels } = rotationBatch(imageBatch(set, range(from, Math.min(n, from + 500))));
      return tf.sum(tf.equal(tf.argMax(applyDense(e.rotation, e.trunk.features(images)), 1), labels));
    });
    correct += hits.dataSync()[0]!;
    hits.dispose();
  }
  return correct / n;
}

export interface InferredLabels {
  /** One label per training image: the true label where it was given, the classifier's elsewhere. */
  labels: Int32Array;
  /** Indices whose labels were given. */
  labelled: Int32Array;
  /** Accuracy of the inferred labels on the images whose labels were withheld. */
  accuracy: number;
}

/** The first ⌈fraction·n⌉ images of a seeded permutation keep their labels. */
export function labelledSubset(n: number, fraction: number, random: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, Math.max(1, Math.ceil(fraction * n)));
}

/**
 * Train the linear classifier (and fine-tune the pretrained trunk, rotation loss kept on unlabelled batches) on
 * the labelled fraction, then label every other image.
 */
export async function inferLabels(e: Extractor, set: ImageSet, fraction: number, o: LabelInferenceOptions): Promise<InferredLabels> {
  const random = seededRandom(o.seed + 1);
  const n = set.labels.length;
  const labelled = labelledSubset(n, fraction, random);
  await trainLoop({
    model: variables(e.params.vars), optimizer: tf.train.adam(o.learningRate), trainable: e.params.vars,
    steps: o.fineTuneSteps, signal: o.signal, logEvery: Math.max(1, Math.floor(o.fineTuneSteps / 10)),
    onMetrics: o.onMetrics && ((v, step) => o.onMetrics!({ classifier_loss: v.loss! }, step)),
    nextBatch: () => {
      const pick = Array.from(sampleIndices(labelled.length, o.batchSize, random), (i) => labelled[i]!);
      return { x: imageBatch(set, pick), y: labelBatch(set.labels, pick), unlabelled: imageBatch(set, sampleIndices(n, o.batchSize, random)) };
    },
    loss: ({ x, y, unlabelled }) => tf.add(
      tf.losses.softmaxCrossEntropy(tf.oneHot(y, set.classes), applyDense(e.classifier, e.trunk.features(x))),
      rotationLoss(e, unlabelled)) as tf.Scalar,
  });
  const logits = classify(e, set);
  const labels = argmaxRows(logits, set.classes);
  const given = new Uint8Array(n);
  for (const i of labelled) { given[i] = 1; labels[i] = set.labels[i]!; }
  let correct = 0;
  for (let i = 0; i < n; i++) if (!given[i] && labels[i] === set.labels[i]) correct++;
  return { labels, labelled, accuracy: n === labelled.length ? 1 : correct / (n - labelled.length) };
}

/** Classifier logits [n·classes] for every image of a set. */
export function classify(e: Extractor, set: ImageSet): Float32Array {
  return mapInChunks(set.labels.length, 500, set.classes, (from, to) => applyDense(e.classifier, e.trunk.features(imageBatch(set, range(from, to)))));
}
