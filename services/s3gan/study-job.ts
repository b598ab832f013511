// `s3gan.study`: the GANs-with-fewer-labels study as one training job. Metrics: GAN losses per variant, the
// extractor's rotation and classifier losses; artifacts: results.json, summary.md, samples-<variant>.png,
// per-variant GAN checkpoints.
import { join } from 'node:path';
import { initBackend } from '../ml/backend.js';
import { studyHooks, type JobContext, type JobType } from '../ml/job-type.js';
import { asObject, choices, numberField, numberList, optionalString } from '../studies/spec-fields.js';
import { FASHION_MNIST_DIR, loadFashionMnist } from './images.js';
import { flatMetrics, writeStudyArtifacts } from './report.js';
import { runS3ganStudy, VARIANTS, type StudyOptions } from './study.js';

export interface S3ganSpec extends StudyOptions {
  dataDir: string;
  trainLimit: number;
}

const DEFAULTS = {
  ganSteps: 5000, batchSize: 64, zDim: 64, gChannels: 32, dChannels: 16, learningRateG: 2e-4, learningRateD: 2e-4,
  rotationWeightD: 0.1, rotationWeightG: 0.02, featureSteps: 1500, featureDim: 64, extractorWidth: 16, pretrainSteps: 2000,
  fineTuneSteps: 1500, evalSamples: 5000, seed: 1, trainLimit: 60000,
};
const KNOWN = ['variants', 'labelFractions', 'dataDir', ...Object.keys(DEFAULTS)];

export function validateS3ganSpec(raw: unknown): S3ganSpec {
  const input = asObject(raw, KNOWN);
  const int = (key: keyof typeof DEFAULTS, min: number, max: number) => numberField(input, key, { default: DEFAULTS[key], min, max, integer: true });
  const real = (key: keyof typeof DEFAULTS, min: number, max: number) => numberField(input, key, { default: DEFAULTS[key], min, max });
  return {
    variants: choices(input, 'variants', VARIANTS, [...VARIANTS]),
    labelFractions: numberList(input, 'labelFractions', [0.1, 0.2], { min: 0.001, max: 1 }),
    dataDir: optionalString(input, 'dataDir') ?? FASHION_MNIST_DIR,
    ganSteps: int('ganSteps', 1, 1e6),
    batchSize: int('batchSize', 4, 1024),
    zDim: int('zDim', 1, 1024),
    gChannels: int('gChannels', 1, 512),
    dChannels: int('dChannels', 1, 512),
    learningRateG: real('learningRateG', 1e-7, 1),
    learningRateD: real('learningRateD', 1e-7, 1),
    rotationWeightD: real('rotationWeightD', 0, 100),
    rotationWeightG: real('rotationWeightG', 0, 100),
    featureSteps: int('featureSteps', 1, 1e6),
    featureDim: int('featureDim', 2, 1024),
    extractorWidth: int('extractorWidth', 1, 512),
    pretrainSteps: int('pretrainSteps', 1, 1e6),
    fineTuneSteps: int('fineTuneSteps', 1, 1e6),
    evalSamples: int('evalSamples', 10, 10000),
    seed: int('seed', 0, 2 ** 31 - 1),
    trainLimit: int('trainLimit', 100, 60000),
  };
}

export const s3ganStudyJob: JobType<S3ganSpec> = {
  name: 's3gan.study',
  description: 'GANs with fewer labels on Fashion-MNIST: unconditional, fully-labelled and S3GAN (10 %/20 % labels) — FID/KID on a repo-trained classifier, label-inference accuracy, sample grids',
  validate: validateS3ganSpec,
  async run(spec, ctx: JobContext) {
    await initBackend();
    const data = loadFashionMnist(spec.dataDir, spec.trainLimit, 10000);
    const result = await runS3ganStudy(data, spec, {
      ...studyHooks(ctx),
      checkpointRoot: join(ctx.artifactDir, 'checkpoints'),
    });
    const { dataDir: _d, ...settings } = spec;
    const artifacts = await writeStudyArtifacts(ctx.artifactDir, result, settings);
    return { ...flatMetrics(result), artifacts };
  },
};
