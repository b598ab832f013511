// The one training loop: steps of `optimizer.minimize(loss)` with a learning-rate schedule, metrics
// pushed through a callback (a job passes `ctx.reportMetrics`), periodic checkpoints, resume from the
// newest checkpoint, and cancellation between steps via an AbortSignal.
import * as tf from '@tensorflow/tfjs';
import { latestCheckpoint, restoreCheckpoint, saveCheckpoint, type WeightHolder } from './checkpoint.js';
import type { LrSchedule } from './lr-schedules.js';

export type MetricsSink = (values: Record<string, number>, step: number) => void | Promise<void>;

export interface TrainLoopOptions<Batch extends tf.TensorContainer> {
  /** What is trained and checkpointed: a LayersModel or `variables([...])`. */
  model: WeightHolder;
  /** Variables to update; defaults to a LayersModel's trainable weights. */
  trainable?: tf.Variable[];
  optimizer: tf.Optimizer;
  /** The batch for a step; the loop disposes its tensors after the step. */
  nextBatch: (step: number) => Batch | Promise<Batch>;
  /** Scalar loss of a batch; runs under the gradient tape. */
  loss: (batch: Batch, step: number) => tf.Scalar;
  /** Total steps (a resumed run continues up to this count). */
  steps: number;
  learningRate?: LrSchedule;
  /** Called every `logEvery` steps with mean loss, lr and steps/s since the last call. */
  onMetrics?: MetricsSink;
  logEvery?: number;
  /** Extra metrics (e.g. validation) every `every` steps, passed to onMetrics too. */
  evaluate?: { every: number; run: (step: number) => Promise<Record<string, number>> };
  /** Save to `<dir>/step-<n>` every `every` steps and at the end; resume from the newest on start. */
  checkpoint?: { dir: string; every: number; keep?: number };
  signal?: AbortSignal;
}

export interface TrainLoopResult {
  /** Steps completed in total (including those before a resume). */
  step: number;
  /** Step the run resumed from, 0 for a fresh start. */
  resumedFrom: number;
  /** Mean loss over the last logging window. */
  loss: number;
}

/** Set the learning rate of any tfjs optimizer (SGD keeps it in a tensor, the others in a field). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // Not `instanceof SGDOptimizer`: tfjs optimizers' instanceof is duck-typed and true for all of them.
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

export async function trainLoop<Batch extends tf.TensorContainer>(o: TrainLoopOptions<Batch>): Promise<TrainLoopResult> {
  const trainable = o.trainable ?? trainableOf(o.model);
  const logEvery = o.logEvery ?? 10;
  let step = 0;
  if (o.checkpoint) {
    const latest = await latestCheckpoint(o.checkpoint.dir);
    if (latest) step = (await restoreCheckpoint(latest, o.model, o.optimizer)).step;
  }
  const resumedFrom = step;
  let windowLoss = 0;
  let windowSteps = 0;
  let lastLoss = Number.NaN;
  let windowStart = performance.now();
  const save = () => saveCheckpoint(o.checkpoint!.dir, o.model, { step }, o.optimizer, o.checkpoint!.keep);

  while (step < o.steps) {
    o.signal?.throwIfAborted();
    const lr = o.learningRate?.(step);
    if (lr !== undefined) setLearningRate(o.optimizer, lr);
    const batch = await o.nextBatch(step);
    const lossTensor = o.optimizer.minimize(() => o.loss(batch, step), true, trainable)!;
    const value = (await lossTensor.data())[0]!;
    tf.dispose([lossTensor, batch as tf.TensorContainer]);
    if (!Number.isFinite(value)) throw new Error(`loss is ${value} at step ${step}`);
    windowLoss += value;
    windowSteps++;
    step++;

    const metrics: Record<string, number> = {};
    if (step % logEvery === 0 || step === o.steps) {
      lastLoss = windowLoss / windowSteps;
      Object.assign(metrics, { loss: lastLoss, steps_per_s: windowSteps / ((performance.now() - windowStart) / 1000) });
      if (lr !== undefined) metrics.learning_rate = lr;
      windowLoss = 0;
      windowSteps = 0;
      windowStart = performance.now();
    }
    if (o.evaluate && (step % o.evaluate.every === 0 || step === o.steps)) Object.assign(metrics, await o.evaluate.run(step));
    if (Object.keys(metrics).length > 0) await o.onMetrics?.(metrics, step);
    if (o.checkpoint && (step % o.checkpoint.every === 0 || step === o.steps)) await save();
  }
  return { step, resumedFrom, loss: lastLoss };
}

function trainableOf(model: WeightHolder): tf.Variable[] {
  const layers = model as Partial<tf.LayersModel>;
  if (!layers.trainableWeights) throw new Error('pass `trainable` for models that are not a tf.LayersModel');
  // LayerVariable.read() is the underlying tf.Variable the optimizer updates.
  return layers.trainableWeights.map((w) => w.read() as tf.Variable);
}
