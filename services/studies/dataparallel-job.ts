// `studies.dataparallel`: the data-parallel limits study as one training job (trials run in sequence inside it).
import { initBackend } from '../ml/backend.js';
import type { JobContext, JobType } from '../ml/job-type.js';
import { runDataParallel, OPTIMIZERS, type DataParallelOptions } from './dataparallel.js';
import { writeDataParallelArtifacts } from './dataparallel-report.js';
import { IMAGE_DATASETS, loadImageDataset, type ImageDatasetName } from './datasets.js';
import { asObject, choice, choices, numberField, numberList, optionalString, range } from './spec-fields.js';

export interface DataParallelSpec extends DataParallelOptions {
  dataset: ImageDatasetName;
  datasetDir?: string;
  trainExamples: number;
  valExamples: number;
}

const KNOWN = ['dataset', 'datasetDir', 'model', 'batchSizes', 'optimizers', 'trialsPerBatch', 'stepBudget', 'targetAccuracy', 'learningRateRange', 'oneMinusMomentumRange', 'trainExamples', 'valExamples', 'seed'];

export function validateDataParallelSpec(raw: unknown): DataParallelSpec {
  const input = asObject(raw, KNOWN);
  return {
    dataset: choice(input, 'dataset', IMAGE_DATASETS, 'mnist'),
    datasetDir: optionalString(input, 'datasetDir'),
    model: choice(input, 'model', ['mlp', 'cnn'] as const, 'mlp'),
    batchSizes: numberList(input, 'batchSizes', [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096], { min: 1, max: 4096, integer: true }),
    optimizers: choices(input, 'optimizers', OPTIMIZERS, [...OPTIMIZERS]),
    trialsPerBatch: numberField(input, 'trialsPerBatch', { default: 8, min: 1, max: 256, integer: true }),
    stepBudget: numberField(input, 'stepBudget', { default: 3000, min: 1, max: 1e6, integer: true }),
    targetAccuracy: numberField(input, 'targetAccuracy', { default: 0.95, min: 0, max: 1 }),
    learningRateRange: range(input, 'learningRateRange', [1e-3, 2], 1e-7, 100),
    oneMinusMomentumRange: range(input, 'oneMinusMomentumRange', [0.01, 0.5], 1e-4, 1),
    trainExamples: numberField(input, 'trainExamples', { default: 60000, min: 1, max: 60000, integer: true }),
    valExamples: numberField(input, 'valExamples', { default: 10000, min: 1, max: 10000, integer: true }),
    seed: numberField(input, 'seed', { default: 1, min: 0, max: 2 ** 31 - 1, integer: true }),
  };
}

export const dataParallelJob: JobType<DataParallelSpec> = {
  name: 'studies.dataparallel',
  description: 'Shallue et al.: best steps-to-target vs batch size (quasi-random LR/momentum search), three-regime fit, SGD vs momentum',
  validate: validateDataParallelSpec,
  async run(spec, ctx: JobContext) {
    await initBackend();
    const data = loadImageDataset(spec.dataset, spec.datasetDir, spec.trainExamples, spec.valExamples, spec.seed);
    const result = await runDataParallel(data, spec, {
      signal: ctx.signal,
      progress: (f) => ctx.reportProgress(f),
      metrics: (values, step) => ctx.reportMetrics(values, step),
    });
    const { datasetDir: _dir, ...meta } = spec;
    await writeDataParallelArtifacts(ctx.artifactDir, result, meta);
    return {
      curves: result.curves.map((c) => ({ ...c })),
      trials: result.trials.length,
      artifacts: ['results.json', 'steps-vs-batch.svg', 'summary.md'],
    };
  },
};
