// The data-parallel limits study as job types: `studies.dataparallel-trial` trains one (optimizer, batch size,
// Halton point) trial — `dataparallel-study.ts` runs the study as one such job per trial through the
// orchestrator; `studies.dataparallel` runs every trial in sequence inside one job.
import { initBackend } from '../ml/backend.js';
import { studyHooks, type JobContext, type JobType } from '../ml/job-type.js';
import { runDataParallel, runTrial, trialPoint, OPTIMIZERS, type DataParallelOptions, type OptimizerName, type Trial } from './dataparallel.js';
import { IMAGE_DATASETS, loadImageDataset, type ImageDatasetName } from './datasets.js';
import { asObject, choice, choices, numberField, numberList, optionalString, range } from './spec-fields.js';

/** What every trial of a study shares. */
export interface TrialSettings extends Omit<DataParallelOptions, 'batchSizes' | 'optimizers' | 'trialsPerBatch'> {
  dataset: ImageDatasetName;
  datasetDir?: string;
  trainExamples: number;
  valExamples: number;
}

export interface DataParallelSpec extends TrialSettings, DataParallelOptions {}

export interface DataParallelTrialSpec extends TrialSettings {
  optimizer: OptimizerName;
  batchSize: number;
  /** 1-based index of the Halton point giving the learning rate and momentum (`trialPoint`). */
  trial: number;
}

const SETTINGS = ['dataset', 'datasetDir', 'model', 'stepBudget', 'targetAccuracy', 'learningRateRange', 'oneMinusMomentumRange', 'trainExamples', 'valExamples', 'seed'];
const MAX_BATCH = 4096;

function trialSettings(input: Record<string, unknown>): TrialSettings {
  return {
    dataset: choice(input, 'dataset', IMAGE_DATASETS, 'mnist'),
    datasetDir: optionalString(input, 'datasetDir'),
    model: choice(input, 'model', ['mlp', 'cnn'] as const, 'mlp'),
    stepBudget: numberField(input, 'stepBudget', { default: 3000, min: 1, max: 1e6, integer: true }),
    targetAccuracy: numberField(input, 'targetAccuracy', { default: 0.95, min: 0, max: 1 }),
    learningRateRange: range(input, 'learningRateRange', [1e-3, 2], 1e-7, 100),
    oneMinusMomentumRange: range(input, 'oneMinusMomentumRange', [0.01, 0.5], 1e-4, 1),
    trainExamples: numberField(input, 'trainExamples', { default: 60000, min: 1, max: 60000, integer: true }),
    valExamples: numberField(input, 'valExamples', { default: 10000, min: 1, max: 10000, integer: true }),
    seed: numberField(input, 'seed', { default: 1, min: 0, max: 2 ** 31 - 1, integer: true }),
  };
}

export function validateDataParallelSpec(raw: unknown): DataParallelSpec {
  const input = asObject(raw, [...SETTINGS, 'batchSizes', 'optimizers', 'trialsPerBatch']);
  return {
    ...trialSettings(input),
    batchSizes: numberList(input, 'batchSizes', [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096], { min: 1, max: MAX_BATCH, integer: true }),
    optimizers: choices(input, 'optimizers', OPTIMIZERS, [...OPTIMIZERS]),
    trialsPerBatch: numberField(input, 'trialsPerBatch', { default: 8, min: 1, max: 256, integer: true }),
  };
}

export function validateDataParallelTrialSpec(raw: unknown): DataParallelTrialSpec {
  const input = asObject(raw, [...SETTINGS, 'optimizer', 'batchSize', 'trial']);
  return {
    ...trialSettings(input),
    optimizer: choice(input, 'optimizer', OPTIMIZERS, 'sgd'),
    batchSize: numberField(input, 'batchSize', { default: NaN, min: 1, max: MAX_BATCH, integer: true }),
    trial: numberField(input, 'trial', { default: NaN, min: 1, max: 256, integer: true }),
  };
}

const loadData = (spec: TrialSettings) => loadImageDataset(spec.dataset, spec.datasetDir, spec.trainExamples, spec.valExamples, spec.seed);

export const dataParallelJob: JobType<DataParallelSpec> = {
  name: 'studies.dataparallel',
  description: 'Shallue et al.: best steps-to-target vs batch size (quasi-random LR/momentum search), three-regime fit, SGD vs momentum; all trials in this job',
  validate: validateDataParallelSpec,
  async run(spec, ctx: JobContext) {
    await initBackend();
    const result = await runDataParallel(loadData(spec), spec, {
      ...studyHooks(ctx),
    });
    const { datasetDir: _dir, ...meta } = spec;
    // Imported here so that trial workers do not load the plotting library.
    const { writeDataParallelArtifacts } = await import('./dataparallel-report.js');
    await writeDataParallelArtifacts(ctx.artifactDir, result, meta);
    return {
      curves: result.curves.map((c) => ({ ...c })),
      trials: result.trials.length,
      artifacts: ['results.json', 'steps-vs-batch.svg', 'summary.md'],
    };
  },
};

export const dataParallelTrialJob: JobType<DataParallelTrialSpec, Trial & Record<string, unknown>> = {
  name: 'studies.dataparallel-trial',
  description: 'One trial of the data-parallel study: train at one batch size and Halton (learning rate, momentum) point until the target accuracy or the step budget',
  validate: validateDataParallelTrialSpec,
  async run(spec, ctx: JobContext) {
    await initBackend();
    const { learningRate, momentum } = trialPoint(spec.optimizer, spec.trial, spec);
    const trial = await runTrial(loadData(spec), spec, spec.optimizer, spec.batchSize, learningRate, momentum, spec.seed + spec.trial, ctx.signal);
    // Only a trial that reached the target reports the study objective (a missing value is "not reached").
    if (trial.stepsToTarget !== null) await ctx.reportMetrics({ steps_to_target: trial.stepsToTarget }, trial.stepsToTarget);
    await ctx.reportMetrics({ val_accuracy: trial.finalAccuracy }, spec.stepBudget);
    await ctx.reportProgress(1);
    return { ...trial };
  },
};
