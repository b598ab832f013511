// `training.demo-regression`: a small but real training job — an MLP fit by SGD to a seeded synthetic
// regression problem, y = x·w + sin(x₀) + ε — that reports its loss every step and writes a JSON checkpoint
// and its loss curve. The orchestrator's tests, studies and benchmark run it; a large learning rate makes it
// diverge (a real failure), a tiny one makes it a bad trial for early stopping.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initBackend, tf } from '../ml/backend.js';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';

export interface DemoRegressionSpec {
  steps: number;
  learningRate: number;
  samples: number;
  features: number;
  /** Hidden units; 0 makes the model linear. */
  hidden: number;
  noise: number;
  batchSize: number;
  seed: number;
  /** Report the loss every this many steps (and at the last). */
  reportEvery: number;
}

const DEFAULTS: DemoRegressionSpec = { steps: 200, learningRate: 0.05, samples: 256, features: 4, hidden: 8, noise: 0.05, batchSize: 32, seed: 1, reportEvery: 1 };

const LIMITS: Record<keyof DemoRegressionSpec, { min: number; max: number; integer: boolean; exclusiveMin?: boolean }> = {
  steps: { min: 1, max: 1_000_000, integer: true },
  learningRate: { min: 0, max: 100, integer: false, exclusiveMin: true },
  samples: { min: 1, max: 100_000, integer: true },
  features: { min: 1, max: 256, integer: true },
  hidden: { min: 0, max: 1024, integer: true },
  noise: { min: 0, max: 100, integer: false },
  batchSize: { min: 1, max: 100_000, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  reportEvery: { min: 1, max: 1_000_000, integer: true },
};

export function validateDemoRegressionSpec(raw: unknown): DemoRegressionSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JobSpecError('spec', 'must be an object');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULTS)) throw new JobSpecError(key, `unknown field (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  const spec = { ...DEFAULTS };
  for (const [key, limit] of Object.entries(LIMITS) as [keyof DemoRegressionSpec, (typeof LIMITS)[keyof DemoRegressionSpec]][]) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new JobSpecError(key, 'must be a finite number');
    if (limit.integer && !Number.isInteger(value)) throw new JobSpecError(key, 'must be an integer');
    if (value < limit.min || (limit.exclusiveMin && value === limit.min) || value > limit.max) {
      throw new JobSpecError(key, `must be in ${limit.exclusiveMin ? '(' : '['}${limit.min}, ${limit.max}]`);
    }
    spec[key] = value;
  }
  return spec;
}

export interface DemoRegressionResult extends Record<string, unknown> {
  initialLoss: number;
  finalLoss: number;
  steps: number;
  parameters: number;
}

export async function runDemoRegression(spec: DemoRegressionSpec, ctx: JobContext): Promise<DemoRegressionResult> {
  await initBackend();
  const { x, y } = syntheticData(spec);
  const model = buildModel(spec);
  const optimizer = tf.train.sgd(spec.learningRate);
  const losses: { step: number; loss: number }[] = [];
  try {
    for (let step = 1; step <= spec.steps; step++) {
      if (ctx.signal.aborted) throw new Error('cancelled');
      const start = ((step - 1) * spec.batchSize) % spec.samples;
      const size = Math.min(spec.batchSize, spec.samples - start);
      const lossTensor = tf.tidy(() => {
        const xb = x.slice([start, 0], [size, spec.features]);
        const yb = y.slice([start, 0], [size, 1]);
        return optimizer.minimize(() => tf.losses.meanSquaredError(yb, model.predict(xb) as tf.Tensor), true)!;
      });
      const loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      if (!Number.isFinite(loss)) throw new Error(`loss diverged (${loss}) at step ${step}: lower learningRate`);
      if (step % spec.reportEvery === 0 || step === spec.steps) {
        losses.push({ step, loss });
        await ctx.reportMetrics({ loss }, step);
        await ctx.reportProgress(step / spec.steps);
      }
    }
    const parameters = model.countParams();
    await writeCheckpoint(ctx.artifactDir, model, spec);
    await writeFile(path.join(ctx.artifactDir, 'loss.json'), JSON.stringify(losses));
    return { initialLoss: losses[0].loss, finalLoss: losses.at(-1)!.loss, steps: spec.steps, parameters };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
}

function syntheticData(spec: DemoRegressionSpec): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([spec.samples, spec.features], 0, 1, 'float32', spec.seed) as tf.Tensor2D;
    const w = tf.randomNormal([spec.features, 1], 0, 1, 'float32', spec.seed + 1);
    const noise = tf.randomNormal([spec.samples, 1], 0, spec.noise, 'float32', spec.seed + 2);
    const y = x.matMul(w).add(tf.sin(x.slice([0, 0], [spec.samples, 1]))).add(noise) as tf.Tensor2D;
    return { x, y };
  });
}

function buildModel(spec: DemoRegressionSpec): tf.Sequential {
  const model = tf.sequential();
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: spec.seed + offset });
  if (spec.hidden > 0) model.add(tf.layers.dense({ inputShape: [spec.features], units: spec.hidden, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ inputShape: spec.hidden > 0 ? undefined : [spec.features], units: 1, kernelInitializer: init(4) }));
  return model;
}

/** The weights as JSON: `{ spec, weights: [{ name, shape, values }] }`, enough to rebuild the model. */
async function writeCheckpoint(dir: string, model: tf.Sequential, spec: DemoRegressionSpec): Promise<void> {
  const weights = await Promise.all(model.weights.map(async (w) => ({ name: w.name, shape: w.shape, values: Array.from(await w.read().data()) })));
  await writeFile(path.join(dir, 'checkpoint.json'), JSON.stringify({ spec, weights }));
}

export const demoRegression: JobType<DemoRegressionSpec, DemoRegressionResult> = {
  name: 'training.demo-regression',
  description: 'Tiny MLP regression on seeded synthetic data (SGD); reports loss per step, writes checkpoint.json and loss.json',
  validate: validateDemoRegressionSpec,
  run: runDemoRegression,
};
