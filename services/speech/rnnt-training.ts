// End-to-end training of the transducer: length-bucketed batches of normalized log-mel features, SpecAugment
// applied online (after a short warm-up so the lattice finds alignments first), Adam with linear warm-up
// and cosine decay over the time or step budget, gradients clipped by global norm, RNN-T loss averaged
// over the sequences of a batch.
import { tf } from '../ml/backend.js';
import { setLearningRate } from '../ml/train-loop.js';
import { framesPerEncoderStep, RnntModel, type RnntConfig } from './model/rnnt-model.js';
import { rnntLoss } from './model/rnnt-loss.js';
import { BLANK } from './model/vocabulary.js';
import { seededRandom, specAugment, type Random, type SpecAugmentPolicy } from './model/specaugment.js';

export interface Example {
  id: string;
  /** Normalized log-mel frames, row-major [numFrames][melBins]. */
  features: Float32Array;
  numFrames: number;
  labels: number[];
}

export interface TrainOptions {
  config: RnntConfig;
  /** Stop after this many steps… */
  maxSteps?: number;
  /** …or after this many minutes, whichever comes first. */
  maxMinutes?: number;
  /** Upper bound on batch size × longest utterance (frames), and on sequences per batch. */
  batchFrames: number;
  maxBatch: number;
  learningRate: number;
  warmupSteps: number;
  clipNorm: number;
  policy?: SpecAugmentPolicy;
  augmentAfterStep: number;
  /** Dropout rate on the LSTM layers' outputs while training (0 = none). */
  dropout: number;
  /** Seeds batch order, augmentation and (for a fresh model) the initial weights. */
  seed: number;
  /** Continue from these weights instead of a fresh model. */
  model?: RnntModel;
  signal?: AbortSignal;
  onLog?: (entry: { step: number; loss: number; lossPerLabel: number; seconds: number; learningRate: number }) => void;
  /** Called every `checkpointEveryMinutes` and at the end. */
  onCheckpoint?: (model: RnntModel, step: number) => void;
  checkpointEveryMinutes?: number;
  logEvery?: number;
}

/**
 * The defaults of the training script and the `speech.rnnt` job. SpecAugment's mild Switchboard policy (SM:
 * p = 0.2 caps the time masks at a fifth of these short utterances) starts after 300 steps, once the lattice
 * has found alignments; the served checkpoint was trained 762 steps without it, then resumed with it.
 */
export const DEFAULT_RECIPE = { policy: 'SM', learningRate: 0.003, warmupSteps: 50, augmentAfterStep: 300, dropout: 0, batchFrames: 3000, maxBatch: 32, clipNorm: 5 } as const;

/** Encoder frames the model produces for `numFrames` log-mel frames (stacking drops a partial group). */
export function encoderFrames(config: RnntConfig, numFrames: number): number {
  return Math.ceil(Math.floor(numFrames / config.stack) / config.reduction);
}

/** Group examples of similar length so padding stays small; each batch fits the frame budget. */
export function makeBatches(examples: Example[], batchFrames: number, maxBatch: number): Example[][] {
  const sorted = [...examples].sort((a, b) => a.numFrames - b.numFrames);
  const batches: Example[][] = [];
  let current: Example[] = [];
  for (const ex of sorted) {
    if (current.length > 0 && ((current.length + 1) * ex.numFrames > batchFrames || current.length >= maxBatch)) {
      batches.push(current);
      current = [];
    }
    current.push(ex);
  }
  if (current.length) batches.push(current);
  return batches;
}

function shuffle<T>(xs: T[], random: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Pad a batch into one [B, T, F] tensor (zeros = the normalized mean), augmenting each utterance if asked. */
function batchTensor(batch: Example[], bins: number, augment: ((ex: Example) => Float32Array) | undefined): tf.Tensor3D {
  const T = Math.max(...batch.map((e) => e.numFrames));
  const data = new Float32Array(batch.length * T * bins);
  batch.forEach((ex, b) => data.set(augment ? augment(ex) : ex.features, b * T * bins));
  return tf.tensor3d(data, [batch.length, T, bins]);
}

export async function trainRnnt(examples: Example[], options: TrainOptions): Promise<{ model: RnntModel; steps: number; lastLoss: number }> {
  const { config } = options;
  const minFrames = framesPerEncoderStep(config);
  const usable = examples.filter((e) => e.numFrames >= minFrames && e.labels.length > 0);
  if (usable.length === 0) throw new Error('no usable training examples');
  const model = options.model ?? new RnntModel(config, options.seed);
  const random = seededRandom(options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const variables = [...model.params.values()];
  const started = Date.now();
  const budgetMs = (options.maxMinutes ?? Infinity) * 60_000;
  const maxSteps = options.maxSteps ?? Infinity;
  const progress = (step: number) => Math.min(1, Math.max(step / maxSteps, (Date.now() - started) / budgetMs));
  let lastCheckpoint = Date.now();
  let step = 0;
  let lastLoss = NaN;
  let sumLoss = 0;
  let sumPerLabel = 0;
  let logged = 0;
  const dropout = { rate: options.dropout, random };
  const augment = options.policy
    ? (ex: Example) => specAugment(ex.features, ex.numFrames, config.melBins, options.policy!, random).features
    : undefined;

  outer: for (;;) {
    for (const batch of shuffle(makeBatches(usable, options.batchFrames, options.maxBatch), random)) {
      if (step >= maxSteps || Date.now() - started >= budgetMs || options.signal?.aborted) break outer;
      const p = progress(step);
      const lr = options.learningRate * Math.min(1, (step + 1) / options.warmupSteps) * (0.55 + 0.45 * Math.cos(Math.PI * p));
      setLearningRate(optimizer, lr);
      const labels = batch.map((e) => e.labels);
      const logitLengths = batch.map((e) => encoderFrames(config, e.numFrames));
      const x = batchTensor(batch, config.melBins, step >= options.augmentAfterStep ? augment : undefined);
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.joint(model.encode(x, dropout), model.predict(labels, dropout));
          return rnntLoss(logits, { targets: labels, logitLengths, blank: BLANK }).mean() as tf.Scalar;
        }, variables);
        const names = Object.keys(grads);
        const norm = tf.sqrt(tf.addN(names.map((n) => grads[n].square().sum())));
        const scale = tf.minimum(1, tf.div(options.clipNorm, norm.add(1e-6)));
        optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, grads[n].mul(scale)])));
        return value;
      });
      x.dispose();
      lastLoss = (await loss.data())[0];
      loss.dispose();
      step++;
      const meanLabels = labels.reduce((s, l) => s + l.length, 0) / labels.length;
      sumLoss += lastLoss;
      sumPerLabel += lastLoss / meanLabels;
      logged++;
      if (step % (options.logEvery ?? 20) === 0) {
        options.onLog?.({ step, loss: sumLoss / logged, lossPerLabel: sumPerLabel / logged, seconds: (Date.now() - started) / 1000, learningRate: lr });
        sumLoss = sumPerLabel = logged = 0;
      }
      if (options.onCheckpoint && options.checkpointEveryMinutes && Date.now() - lastCheckpoint > options.checkpointEveryMinutes * 60_000) {
        options.onCheckpoint(model, step);
        lastCheckpoint = Date.now();
      }
    }
  }
  options.onCheckpoint?.(model, step);
  optimizer.dispose();
  return { model, steps: step, lastLoss };
}
