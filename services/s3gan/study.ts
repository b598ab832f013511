// The study: train the FID/KID feature classifier, pretrain the rotation extractor, infer labels from 10 % /
// 20 % of them, train the GAN variants, and score each by FID, KID and label-inference accuracy.
import { join } from 'node:path';
import { tf } from '../ml/backend.js';
import { accuracy, trainFeatureClassifier } from './feature-classifier.js';
import { fid, kid, type Features } from './fid.js';
import { sampleImages, trainGan, type GanData } from './gan-train.js';
import type { Dataset } from './images.js';
import { buildExtractor, inferLabels, pretrainRotation } from './label-inference.js';
import { buildDiscriminator, buildGenerator, type GanConfig } from './networks.js';
import { sampleGridPng } from './sample-grid.js';

/** Adam's β1, β2 for G and D: DCGAN's (0.5, 0.999), the setting the diagnostics of the current networks ran with (README). */
export const ADAM_BETAS: [number, number] = [0.5, 0.999];

export const VARIANTS = ['unconditional', 'full-labels', 's3gan'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface StudyOptions {
  variants: Variant[];
  /** Labelled fractions S3GAN runs at. */
  labelFractions: number[];
  ganSteps: number;
  batchSize: number;
  zDim: number;
  gChannels: number;
  dChannels: number;
  learningRateG: number;
  learningRateD: number;
  /** Rotation-loss weights (Chen et al. 2019: β = 1 for D, α = 0.2 for G; the job's defaults are a tenth, README). */
  rotationWeightD: number;
  rotationWeightG: number;
  featureSteps: number;
  featureDim: number;
  extractorWidth: number;
  pretrainSteps: number;
  fineTuneSteps: number;
  /** Generated and real images per FID/KID estimate. */
  evalSamples: number;
  seed: number;
}

export interface VariantResult {
  name: string;
  variant: Variant;
  labelFraction: number | null;
  fid: number;
  kid: number;
  kidStd: number;
  /** Accuracy of the inferred labels on the images whose labels were withheld (S3GAN only). */
  labelAccuracy: number | null;
  /** Fraction of class-conditional samples the feature classifier assigns to the class asked for (conditional only). */
  classAccuracy: number | null;
  lossD: number;
  lossG: number;
  seconds: number;
  /** PNG bytes of the 10×10 sample grid (row = class for conditional variants). */
  grid: Buffer;
}

export interface StudyResult {
  featureClassifierAccuracy: number;
  rotationAccuracy: number | null;
  /** FID/KID of held-out real training images against the test set: the floor any generator is measured against. */
  realFid: number;
  realKid: number;
  variants: VariantResult[];
}

export interface StudyHooks {
  signal?: AbortSignal;
  progress?: (fraction: number) => void | Promise<void>;
  metrics?: (values: Record<string, number>, step: number) => void | Promise<void>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Folder for per-variant GAN checkpoints (none when absent). */
  checkpointRoot?: string;
}

interface Run { name: string; variant: Variant; fraction: number | null }

export function plannedRuns(o: Pick<StudyOptions, 'variants' | 'labelFractions'>): Run[] {
  return o.variants.flatMap((variant): Run[] => variant === 's3gan'
    ? o.labelFractions.map((f) => ({ name: `s3gan-${Math.round(f * 100)}pct`, variant, fraction: f }))
    : [{ name: variant, variant, fraction: null }]);
}

export async function runS3ganStudy(data: Dataset, o: StudyOptions, hooks: StudyHooks = {}): Promise<StudyResult> {
  const runs = plannedRuns(o);
  const needsLabels = runs.some((r) => r.fraction !== null);
  // Progress weights: the GANs dominate; feature net and label inference are a fixed share.
  const units = runs.length * o.ganSteps + o.featureSteps + (needsLabels ? o.pretrainSteps + runs.filter((r) => r.fraction !== null).length * o.fineTuneSteps : 0);
  let done = 0;
  const advance = async (steps: number) => { done += steps; await hooks.progress?.(Math.min(1, done / units)); };
  const log = hooks.log ?? (() => {});

  const classifier = await trainFeatureClassifier(data.train, data.test, { steps: o.featureSteps, batchSize: 64, featureDim: o.featureDim, seed: o.seed, signal: hooks.signal });
  await advance(o.featureSteps);
  log('feature classifier trained', { testAccuracy: classifier.testAccuracy });
  const evalN = Math.min(o.evalSamples, data.test.labels.length);
  const featuresOf = (pixels: Float32Array, n: number): Features => ({ values: classifier.features(pixels, n), n, d: o.featureDim });
  const reference = featuresOf(data.test.images.subarray(0, evalN * 784), evalN);
  const kidOptions = { subsets: 10, subsetSize: Math.min(1000, evalN), seed: o.seed };
  const score = (f: Features) => ({ fid: fid(f, reference), kid: kid(f, reference, kidOptions) });
  const realN = Math.min(evalN, data.train.labels.length);
  const real = score(featuresOf(data.train.images.subarray(data.train.images.length - realN * 784), realN));

  let rotationAccuracy: number | null = null;
  let pretrained: tf.Tensor[] | undefined;
  const labelOptions = { width: o.extractorWidth, pretrainSteps: o.pretrainSteps, fineTuneSteps: o.fineTuneSteps, batchSize: 64, learningRate: 1e-3, seed: o.seed, signal: hooks.signal, onMetrics: hooks.metrics };
  if (needsLabels) {
    const extractor = buildExtractor(o.extractorWidth, data.train.classes, o.seed);
    rotationAccuracy = await pretrainRotation(extractor, data.train, data.test, labelOptions);
    pretrained = extractor.params.vars.map((v) => v.clone());
    tf.dispose(extractor.params.vars);
    await advance(o.pretrainSteps);
    log('rotation extractor pretrained', { rotationAccuracy });
  }

  const variants: VariantResult[] = [];
  for (const run of runs) {
    const started = performance.now();
    let labels: Int32Array | undefined;
    let labelAccuracy: number | null = null;
    if (run.fraction !== null) {
      const extractor = buildExtractor(o.extractorWidth, data.train.classes, o.seed);
      extractor.params.vars.forEach((v, i) => v.assign(pretrained![i]!));
      const inferred = await inferLabels(extractor, data.train, run.fraction, labelOptions);
      tf.dispose(extractor.params.vars);
      await advance(o.fineTuneSteps);
      ({ labels, accuracy: labelAccuracy } = inferred);
      log('labels inferred', { run: run.name, labelled: inferred.labelled.length, accuracy: labelAccuracy });
    } else if (run.variant === 'full-labels') {
      labels = data.train.labels;
    }
    const conditional = labels !== undefined;
    const rotation = run.variant === 's3gan';
    const config: GanConfig = { zDim: o.zDim, gChannels: o.gChannels, dChannels: o.dChannels, classes: data.train.classes, conditional, rotationHead: rotation };
    const g = buildGenerator(config, o.seed), d = buildDiscriminator(config, o.seed + 1);
    const ganData: GanData = { set: data.train, labels };
    const trained = await trainGan(g, d, ganData, {
      steps: o.ganSteps, batchSize: o.batchSize, zDim: o.zDim, learningRateG: o.learningRateG, learningRateD: o.learningRateD,
      betas: ADAM_BETAS, rotationWeightD: rotation ? o.rotationWeightD : 0, rotationWeightG: rotation ? o.rotationWeightG : 0,
      seed: o.seed, signal: hooks.signal, logEvery: 100,
      onMetrics: hooks.metrics && ((v, step) => hooks.metrics!(Object.fromEntries(Object.entries(v).map(([k, x]) => [`${run.name}_${k}`, x])), step)),
      onProgress: async () => advance(100),
      checkpointDir: hooks.checkpointRoot && join(hooks.checkpointRoot, run.name),
    });
    // Balanced classes for the FID set (the test set is balanced) and one class per grid row.
    const sampleLabels = conditional ? Int32Array.from({ length: evalN }, (_, i) => i % data.train.classes) : undefined;
    const samples = sampleImages(g, evalN, o.zDim, sampleLabels, o.seed + 17);
    const gridLabels = conditional ? Int32Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)) : undefined;
    const grid = sampleGridPng(sampleImages(g, 100, o.zDim, gridLabels, o.seed + 29, 100), 100, { columns: 10 });
    const s = score(featuresOf(samples, evalN));
    const classAccuracy = sampleLabels ? accuracy(classifier.logits(samples, evalN), sampleLabels, data.train.classes) : null;
    tf.dispose(g.params.vars);
    d.dispose();
    variants.push({
      name: run.name, variant: run.variant, labelFraction: run.fraction, fid: s.fid, kid: s.kid.mean, kidStd: s.kid.std,
      labelAccuracy, classAccuracy, lossD: trained.lossD, lossG: trained.lossG, seconds: (performance.now() - started) / 1000, grid,
    });
    log('variant done', { run: run.name, fid: s.fid, kid: s.kid.mean, labelAccuracy, classAccuracy });
  }
  tf.dispose(pretrained ?? []);
  classifier.model.dispose();
  return { featureClassifierAccuracy: classifier.testAccuracy, rotationAccuracy, realFid: real.fid, realKid: real.kid.mean, variants };
}
