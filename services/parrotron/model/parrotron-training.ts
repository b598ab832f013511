// Parallel examples → padded batches → Adam steps on the multitask loss. Used by the training script, the
// personalization job and the tests alike.
import { tf } from '../../ml/backend.js';
import { constant, type LrSchedule } from '../../ml/lr-schedules.js';
import { setLearningRate } from '../../ml/train-loop.js';
import { seededRandom } from '../../speech/model/specaugment.js';
import type { FeatureNormalizer } from '../../speech/data/features.js';
import { guidedAttentionPenalty, parrotronLoss } from './parrotron-loss.js';
import type { Batch, ParrotronModel } from './parrotron-model.js';

export interface ParallelExample {
  /** Raw log-mel frames [frames × mel] of the input speaker. */
  input: Float32Array;
  /** Raw log-mel frames of the canonical voice saying the same text. */
  target: Float32Array;
  /** Phoneme ids (1-based into the model's phoneme list). */
  phonemes: number[];
}

export interface Normalizers { input: FeatureNormalizer; target: FeatureNormalizer }

/** log of the log-mel front end's energy floor: what digital silence looks like, used for padding. */
export const SILENCE_LOG_MEL = Math.log(1e-6);

const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

/** Normalized frames padded with silence to `frames` rows. */
export function padNormalized(raw: Float32Array, frames: number, norm: FeatureNormalizer): Float32Array {
  const bins = norm.mean.length;
  const out = new Float32Array(frames * bins).fill(SILENCE_LOG_MEL);
  out.set(raw.subarray(0, Math.min(raw.length, out.length)));
  for (let i = 0; i < out.length; i++) out[i] = (out[i] - norm.mean[i % bins]) / norm.std[i % bins];
  return out;
}

export interface PaddedBatch { batch: Batch; penalty: tf.Tensor3D }

export function makeBatch(model: ParrotronModel, examples: ParallelExample[], norms: Normalizers): PaddedBatch {
  const { melBins: M, stack, reduction: r } = model.config;
  const B = examples.length;
  const inFrames = examples.map((e) => e.input.length / M);
  const outFrames = examples.map((e) => e.target.length / M);
  const Tx = roundUp(Math.max(...inFrames), stack);
  const Ty = roundUp(Math.max(...outFrames), r);
  const encSteps = inFrames.map((n) => Math.ceil(n / stack));
  const decSteps = outFrames.map((n) => Math.ceil(n / r));
  const P = Math.max(...examples.map((e) => e.phonemes.length)) + 1;
  const input = new Float32Array(B * Tx * M);
  const target = new Float32Array(B * Ty * M);
  const inputMask = new Float32Array(B * (Tx / stack));
  const targetMask = new Float32Array(B * (Ty / r));
  const stop = new Float32Array(B * (Ty / r));
  const pIn = new Int32Array(B * P);
  const pOut = new Int32Array(B * P);
  const pMask = new Float32Array(B * P);
  examples.forEach((e, b) => {
    input.set(padNormalized(e.input, Tx, norms.input), b * Tx * M);
    target.set(padNormalized(e.target, Ty, norms.target), b * Ty * M);
    inputMask.fill(1, b * (Tx / stack), b * (Tx / stack) + encSteps[b]);
    targetMask.fill(1, b * (Ty / r), b * (Ty / r) + decSteps[b]);
    stop[b * (Ty / r) + decSteps[b] - 1] = 1;
    // Decoder input: start symbol (0) then the phonemes; output: the phonemes then the end symbol (0).
    e.phonemes.forEach((p, i) => { pIn[b * P + i + 1] = p; pOut[b * P + i] = p; });
    pMask.fill(1, b * P, b * P + e.phonemes.length + 1);
  });
  return {
    batch: {
      input: tf.tensor3d(input, [B, Tx, M]), inputMask: tf.tensor2d(inputMask, [B, Tx / stack]),
      target: tf.tensor3d(target, [B, Ty, M]), targetMask: tf.tensor2d(targetMask, [B, Ty / r]), stop: tf.tensor2d(stop, [B, Ty / r]),
      phonemesIn: tf.tensor2d(pIn, [B, P], 'int32'), phonemesOut: tf.tensor2d(pOut, [B, P], 'int32'), phonemeMask: tf.tensor2d(pMask, [B, P]),
    },
    penalty: guidedAttentionPenalty(decSteps, encSteps, Ty / r, Tx / stack),
  };
}

export function disposeBatch({ batch, penalty }: PaddedBatch): void {
  tf.dispose([...Object.values(batch), penalty]);
}

export interface TrainOptions {
  steps: number;
  batchSize: number;
  /** A constant rate or a schedule of the 0-based step (services/ml/lr-schedules.ts). */
  learningRate: number | LrSchedule;
  seed?: number;
  clipNorm?: number;
  signal?: AbortSignal;
  onStep?: (step: number, losses: Record<string, number>) => void | Promise<void>;
}

/** Adam on random length-sorted minibatches; returns the last step's losses. */
export async function trainParrotron(model: ParrotronModel, examples: ParallelExample[], norms: Normalizers, options: TrainOptions): Promise<Record<string, number>> {
  const random = seededRandom(options.seed ?? 1);
  const schedule = typeof options.learningRate === 'number' ? constant(options.learningRate) : options.learningRate;
  const optimizer = tf.train.adam(schedule(0));
  const vars = [...model.store.vars.values()];
  // Sorting by length and taking a random window keeps padding (wasted decoder steps) small.
  const sorted = [...examples].sort((a, b) => a.target.length - b.target.length);
  let last: Record<string, number> = {};
  try {
    for (let step = 1; step <= options.steps; step++) {
      if (options.signal?.aborted) throw new Error('training cancelled');
      setLearningRate(optimizer, schedule(step - 1));
      const size = Math.min(options.batchSize, sorted.length);
      const start = Math.floor(random() * (sorted.length - size + 1));
      const padded = makeBatch(model, sorted.slice(start, start + size), norms);
      const parts: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const loss = parrotronLoss(padded.batch, model.forward(padded.batch, true), padded.penalty);
        for (const [k, v] of Object.entries(loss.parts)) parts[k] = tf.keep(v);
        return loss.total;
      }, vars);
      const clipped = clipByGlobalNorm(grads, options.clipNorm ?? 1);
      optimizer.applyGradients(clipped as Record<string, tf.Variable>);
      last = { loss: (await value.data())[0] };
      for (const [k, v] of Object.entries(parts)) last[k] = (await v.data())[0];
      tf.dispose([value, ...Object.values(grads), ...Object.values(clipped), ...Object.values(parts)]);
      disposeBatch(padded);
      await options.onStep?.(step, last);
    }
  } finally {
    optimizer.dispose();
  }
  return last;
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const norm = tf.addN(Object.values(grads).map((g) => g.square().sum())).sqrt();
    const scale = tf.minimum(1, tf.scalar(maxNorm).div(norm.add(1e-6)));
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(scale)]));
  });
}
