// `studies.transfusion`: the Transfusion study as one training job.
import { initBackend } from '../ml/backend.js';
import { studyHooks, type JobContext, type JobType } from '../ml/job-type.js';
import { IMAGE_DATASETS, loadImageDataset, loadPneumonia, PNEUMONIA_NPZ, type ImageDatasetName } from './datasets.js';
import { TRANSFUSION_MODELS } from './models.js';
import { asObject, choice, choices, numberField, optionalString } from './spec-fields.js';
import { INITS, runTransfusion, type TransfusionOptions } from './transfusion.js';

export interface TransfusionSpec extends TransfusionOptions {
  pneumoniaPath: string;
  trainLimit: number;
  source: ImageDatasetName;
  sourceDir?: string;
  sourceExamples: number;
}

const KNOWN = ['models', 'inits', 'pretrainSteps', 'fineTuneSteps', 'batchSize', 'learningRate', 'evalEvery', 'targetAuc', 'svccaExamples', 'seed', 'pneumoniaPath', 'trainLimit', 'source', 'sourceDir', 'sourceExamples'];

export function validateTransfusionSpec(raw: unknown): TransfusionSpec {
  const input = asObject(raw, KNOWN);
  const inits = choices(input, 'inits', INITS, [...INITS]);
  // SVCCA across inits compares with the random-init network, so it runs first.
  inits.sort((a, b) => Number(b === 'random') - Number(a === 'random'));
  return {
    models: choices(input, 'models', TRANSFUSION_MODELS, ['cbr-tiny']),
    inits,
    pretrainSteps: numberField(input, 'pretrainSteps', { default: 1000, min: 0, max: 1e6, integer: true }),
    fineTuneSteps: numberField(input, 'fineTuneSteps', { default: 1000, min: 1, max: 1e6, integer: true }),
    batchSize: numberField(input, 'batchSize', { default: 32, min: 1, max: 1024, integer: true }),
    learningRate: numberField(input, 'learningRate', { default: 1e-3, min: 1e-7, max: 1 }),
    evalEvery: numberField(input, 'evalEvery', { default: 25, min: 1, max: 1e6, integer: true }),
    targetAuc: numberField(input, 'targetAuc', { default: 0.95, min: 0, max: 1 }),
    svccaExamples: numberField(input, 'svccaExamples', { default: 500, min: 10, max: 624, integer: true }),
    seed: numberField(input, 'seed', { default: 1, min: 0, max: 2 ** 31 - 1, integer: true }),
    pneumoniaPath: optionalString(input, 'pneumoniaPath') ?? PNEUMONIA_NPZ,
    trainLimit: numberField(input, 'trainLimit', { default: 4708, min: 1, max: 4708, integer: true }),
    source: choice(input, 'source', IMAGE_DATASETS, 'fashion-mnist'),
    sourceDir: optionalString(input, 'sourceDir'),
    sourceExamples: numberField(input, 'sourceExamples', { default: 20000, min: 1, max: 60000, integer: true }),
  };
}

export const transfusionJob: JobType<TransfusionSpec> = {
  name: 'studies.transfusion',
  description: 'Transfusion: CBR nets and a small ResNet on PneumoniaMNIST from random / transfer / Mean-Var / Gabor inits: test AUC, steps to target AUC, SVCCA',
  validate: validateTransfusionSpec,
  async run(spec, ctx: JobContext) {
    await initBackend();
    const data = loadPneumonia(spec.pneumoniaPath, spec.trainLimit);
    const source = loadImageDataset(spec.source, spec.sourceDir, spec.sourceExamples, 2000, spec.seed);
    const result = await runTransfusion(data, source, spec, {
      ...studyHooks(ctx),
    });
    const { pneumoniaPath: _p, sourceDir: _s, ...meta } = spec;
    // Imported here so that workers of the other study types do not load the plotting library.
    const { writeTransfusionArtifacts } = await import('./transfusion-report.js');
    await writeTransfusionArtifacts(ctx.artifactDir, result, { ...meta, trainImages: data.train.labels.length });
    return {
      pretrainAccuracy: result.pretrainAccuracy,
      results: result.results.map(({ valCurve: _c, ...rest }) => rest),
      artifacts: ['results.json', 'val-auc.svg', 'summary.md'],
    };
  },
};
