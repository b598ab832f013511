// Minibatch training of a NetworkModel with softmax cross-entropy (Adam, learning rate cosine-decayed to 0 over
// the run, so runs end converged rather than at a noisy iterate), or, with MorphNet's regularizer
// scaled by strength / initial cost (so `strength` means the same for any network and target), by momentum
// SGD plus the regularizer's proximal step. SGD there, not Adam: Adam normalizes every parameter's step, so
// a gate would shrink at the same pace whatever its usefulness and cost — the trade-off the regularizer
// strength is meant to set would be lost.
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../ml/backend.js';
import { cosineDecay } from '../ml/lr-schedules.js';
import { setLearningRate } from '../ml/train-loop.js';
import { channelGroups } from './channel-groups.js';
import { neuronCosts, totalCost, type Coefficients } from './cost-model.js';
import type { ImageSet } from '../ml/idx-datasets.js';
import type { NetworkModel } from './network-model.js';
import { aliveCounts, groupGates, morphnetRegularizer, proximalStep } from './regularizer.js';

export interface RegularizerOptions {
  coef: Coefficients;
  /** SGD learning rate of the regularized phase (default 0.05, momentum 0.9). */
  learningRate?: number;
  /** λ·initial cost: the regularizer term is strength · G(θ) / initialCost. */
  strength: number;
  threshold: number;
  /** Recompute neuron costs from the alive counts every this many steps (default 10). */
  refreshEvery?: number;
}

export interface TrainOptions {
  steps: number;
  batchSize: number;
  learningRate?: number;
  seed: number;
  signal?: AbortSignal;
  regularizer?: RegularizerOptions;
  /** Called every `reportEvery` steps (default 25) and at the end. */
  onReport?: (step: number, values: Record<string, number>) => Promise<void> | void;
  reportEvery?: number;
}

export async function train(model: NetworkModel, data: ImageSet, opts: TrainOptions): Promise<void> {
  const groups = channelGroups(model.graph);
  const reg = opts.regularizer;
  const sgdRate = reg?.learningRate ?? 0.05;
  const optimizer = reg ? tf.train.momentum(sgdRate, 0.9) : tf.train.adam(opts.learningRate ?? 2e-3);
  const adamRate = cosineDecay(opts.learningRate ?? 2e-3, opts.steps);
  const initialCost = reg ? totalCost(model.graph, groups, reg.coef) : 0;
  let costs = reg ? neuronCosts(model.graph, groups, reg.coef) : [];
  let order = shuffled(data.labels.length, opts.seed);
  let cursor = 0;
  const reportEvery = opts.reportEvery ?? 25;
  try {
    for (let step = 1; step <= opts.steps; step++) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      if (cursor + opts.batchSize > order.length) { order = shuffled(order.length, opts.seed + step); cursor = 0; }
      const batch = order.subarray(cursor, cursor + opts.batchSize);
      cursor += opts.batchSize;
      if (reg && step % (reg.refreshEvery ?? 10) === 0) {
        costs = neuronCosts(model.graph, groups, reg.coef, aliveCounts(groupGates(model, groups), reg.threshold));
      }
      if (!reg) setLearningRate(optimizer, adamRate(step - 1));
      const { x, y } = makeBatch(data, batch);
      let stats: { layer: string; mean: tfTypes.Tensor; variance: tfTypes.Tensor }[] = [];
      const loss = optimizer.minimize(() => {
        const { logits, batchStats } = model.forward(x, true);
        stats = batchStats.map((s) => ({ layer: s.layer, mean: tf.keep(s.mean), variance: tf.keep(s.variance) }));
        return tf.losses.softmaxCrossEntropy(y, logits) as tfTypes.Scalar;
      }, true, model.trainable)!;
      if (reg) proximalStep(model, groups, costs, (sgdRate * reg.strength) / initialCost);
      model.updateMovingStats(stats);
      for (const s of stats) { s.mean.dispose(); s.variance.dispose(); }
      tf.dispose([x, y]);
      if (opts.onReport && (step % reportEvery === 0 || step === opts.steps)) {
        const values: Record<string, number> = { loss: (await loss.data())[0] };
        if (reg) {
          const penalty = morphnetRegularizer(model, groups, costs);
          values.regularizer = ((await penalty.data())[0] * reg.strength) / initialCost;
          penalty.dispose();
          values.alive_cost = totalCost(model.graph, groups, reg.coef, aliveCounts(groupGates(model, groups), reg.threshold));
        }
        await opts.onReport(step, values);
      }
      loss.dispose();
      // Yield so cancellation and RPCs are served between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
  }
}

/** Top-1 accuracy on a set, in batches. */
export async function evaluate(model: NetworkModel, data: ImageSet, batchSize = 500): Promise<number> {
  let correct = 0;
  const n = data.labels.length;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const { x, y } = makeBatch(data, idx);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.forward(x, false).logits, 1), tf.argMax(y, 1)), 'int32')));
    correct += (await hits.data())[0];
    tf.dispose([x, y, hits]);
  }
  return correct / n;
}

function makeBatch(data: ImageSet, idx: Int32Array): { x: tfTypes.Tensor4D; y: tfTypes.Tensor2D } {
  const size = data.height * data.width * data.channels;
  const pixels = new Float32Array(idx.length * size);
  idx.forEach((j, i) => pixels.set(data.images.subarray(j * size, (j + 1) * size), i * size));
  const labels = tf.tensor1d(Array.from(idx, (j) => data.labels[j]), 'int32');
  const y = tf.oneHot(labels, data.classes).toFloat() as tfTypes.Tensor2D;
  labels.dispose();
  return { x: tf.tensor4d(pixels, [idx.length, data.height, data.width, data.channels]), y };
}

function shuffled(n: number, seed: number): Int32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    state = (state * 1664525 + 1013904223) >>> 0;
    const j = state % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
