// The data-parallel limits study (Shallue et al. 2018, "Measuring the Effects of Data Parallelism on Neural
// Network Training"): for each batch size, a quasi-random search over the learning rate (and momentum); each
// trial trains until the target validation accuracy or its step budget; the best steps-to-target per batch
// size, for plain SGD and SGD with (heavy-ball) momentum, then the three-regime fit of each curve.
import { tf } from '../ml/backend.js';
import type { Dataset } from './datasets.js';
import { seededRandom } from './inits.js';
import { accuracy, batchTensors, buildClassifier, predictAll, type SimpleModel } from './models.js';
import { halton, logUniform } from './quasi-random.js';
import { fitRegimes, type RegimeFit } from './regimes.js';
import { bestSteps, stepsToTarget, type CurvePoint } from './steps-to-target.js';

export const OPTIMIZERS = ['sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface DataParallelOptions {
  model: SimpleModel;
  batchSizes: number[];
  optimizers: OptimizerName[];
  trialsPerBatch: number;
  stepBudget: number;
  targetAccuracy: number;
  /** Learning rate (SGD) or effective learning rate η/(1 − γ) (momentum), searched log-uniformly. */
  learningRateRange: [number, number];
  /** 1 − momentum is searched log-uniformly in this range. */
  oneMinusMomentumRange: [number, number];
  seed: number;
}

export interface Trial {
  optimizer: OptimizerName;
  batchSize: number;
  learningRate: number;
  momentum: number;
  stepsToTarget: number | null;
  finalAccuracy: number;
  diverged: boolean;
}

export interface CurveResult {
  optimizer: OptimizerName;
  /** Best steps-to-target per batch size (null: no trial reached the target). */
  points: { batchSize: number; steps: number | null; learningRate: number | null; momentum: number | null }[];
  fit: RegimeFit | null;
}

export interface DataParallelResult {
  trials: Trial[];
  curves: CurveResult[];
}

export interface StudyHooks {
  signal?: AbortSignal;
  progress?: (fraction: number) => Promise<void> | void;
  metrics?: (values: Record<string, number>, step: number) => Promise<void> | void;
}

/** Evaluation steps: geometric (~12 % apart), so steps-to-target has the same relative resolution at every batch size. */
export function evaluationSteps(budget: number): number[] {
  const steps = new Set<number>();
  for (let s = 1; s < budget; s = Math.max(s + 1, Math.round(s * 1.12))) steps.add(s);
  steps.add(budget);
  return [...steps].sort((a, b) => a - b);
}

function checkCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error('cancelled');
}

export async function runTrial(data: Dataset, o: Pick<DataParallelOptions, 'model' | 'stepBudget' | 'targetAccuracy'>, optimizer: OptimizerName, batchSize: number, learningRate: number, momentum: number, seed: number, signal?: AbortSignal): Promise<Trial> {
  const model = buildClassifier(o.model, data.train.classes, seed);
  const opt = optimizer === 'sgd' ? tf.train.sgd(learningRate) : tf.train.momentum(learningRate, momentum);
  const random = seededRandom(seed * 7919 + batchSize);
  const evals = new Set(evaluationSteps(o.stepBudget));
  const curve: CurvePoint[] = [];
  let diverged = false, finalAccuracy = 0;
  try {
    for (let step = 1; step <= o.stepBudget; step++) {
      checkCancelled(signal);
      const idx = Array.from({ length: batchSize }, () => Math.floor(random() * data.train.labels.length));
      const { x, y } = batchTensors(data.train, idx, data.train.classes);
      const evaluate = evals.has(step);
      // Reading the loss back syncs the backend, so only at evaluation steps (enough to catch a divergence).
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, evaluate);
      const value = evaluate ? loss!.dataSync()[0] : 0;
      tf.dispose([x, y, ...(loss ? [loss] : [])]);
      if (!Number.isFinite(value)) {
        diverged = true;
        break;
      }
      if (evaluate) {
        finalAccuracy = accuracy(predictAll(model, data.test), data.test.labels, data.test.classes);
        curve.push({ step, value: finalAccuracy });
        if (finalAccuracy >= o.targetAccuracy) break;
      }
    }
  } finally {
    model.dispose();
    opt.dispose();
  }
  return { optimizer, batchSize, learningRate, momentum, stepsToTarget: diverged ? null : stepsToTarget(curve, o.targetAccuracy), finalAccuracy, diverged };
}

/**
 * Learning rate and momentum of Halton point `t` (1-based), the same at every batch size. For momentum the
 * learning-rate range is the range of the effective learning rate η/(1 − γ) (Shallue et al. 2018 §5.5 compare
 * optimizers by it), so SGD and momentum trials with the same `t` take steps of the same size.
 */
export function trialPoint(optimizer: OptimizerName, t: number, o: Pick<DataParallelOptions, 'learningRateRange' | 'oneMinusMomentumRange'>): { learningRate: number; momentum: number } {
  const [u, v] = halton(t, 2);
  const effective = logUniform(u, ...o.learningRateRange);
  if (optimizer === 'sgd') return { learningRate: effective, momentum: 0 };
  const oneMinus = logUniform(v, ...o.oneMinusMomentumRange);
  return { learningRate: effective * oneMinus, momentum: 1 - oneMinus };
}

/** The whole study in this process, trial after trial (`dataparallel-study.ts` runs each trial as a job instead). */
export async function runDataParallel(data: Dataset, o: DataParallelOptions, hooks: StudyHooks = {}): Promise<DataParallelResult> {
  const trials: Trial[] = [];
  const total = o.optimizers.length * o.batchSizes.length * o.trialsPerBatch;
  for (const optimizer of o.optimizers) {
    for (const batchSize of o.batchSizes) {
      for (let t = 1; t <= o.trialsPerBatch; t++) {
        const { learningRate, momentum } = trialPoint(optimizer, t, o);
        const trial = await runTrial(data, o, optimizer, batchSize, learningRate, momentum, o.seed + t, hooks.signal);
        trials.push(trial);
        await hooks.metrics?.({ batch_size: batchSize, learning_rate: learningRate, steps_to_target: trial.stepsToTarget ?? -1, val_accuracy: trial.finalAccuracy }, trials.length);
        await hooks.progress?.(trials.length / total);
      }
    }
  }
  return summarizeAll(trials, o);
}

export function summarizeAll(trials: Trial[], o: Pick<DataParallelOptions, 'optimizers' | 'batchSizes'>): DataParallelResult {
  return { trials, curves: o.optimizers.map((opt) => summarize(trials.filter((t) => t.optimizer === opt), opt, o.batchSizes)) };
}

export function summarize(trials: Trial[], optimizer: OptimizerName, batchSizes: number[]): CurveResult {
  const points = batchSizes.map((batchSize) => {
    const mine = trials.filter((t) => t.batchSize === batchSize);
    const steps = bestSteps(mine.map((t) => t.stepsToTarget));
    const best = mine.find((t) => t.stepsToTarget === steps && steps !== null);
    return { batchSize, steps, learningRate: best?.learningRate ?? null, momentum: best?.momentum ?? null };
  });
  const reached = points.filter((p): p is typeof p & { steps: number } => p.steps !== null).map((p) => ({ batch: p.batchSize, steps: p.steps }));
  return { optimizer, points, fit: reached.length >= 4 ? fitRegimes(reached) : null };
}
