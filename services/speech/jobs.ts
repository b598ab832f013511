// Training job types of the speech service (services/ml/job-type.ts), run by the training orchestrator
// locally or as a Kubernetes Job, and in process by scripts/train/speech-rnnt.ts: `speech.rnnt` trains the
// transducer (fresh, or continuing a checkpoint with `resumeFrom`) and writes fp32 and int8 checkpoints as
// artifacts (`<artifactDir>/fp32`, `<artifactDir>/int8`), ready for NNSUITE_SPEECH_MODEL_DIR.
import { join } from 'node:path';
import { initBackend } from '../ml/backend.js';
import { JobSpecError, type JobType } from '../ml/job-type.js';
import { DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, DEFAULT_SYNTH_DIR } from './data/corpora.js';
import { loadCheckpoint, saveCheckpoint } from './model/checkpoint.js';
import { DEFAULT_RNNT_CONFIG, type RnntModel } from './model/rnnt-model.js';
import { SPEC_AUGMENT_POLICIES } from './model/specaugment.js';
import { DEFAULT_RECIPE, trainRnnt } from './rnnt-training.js';
import { DEFAULT_MIX, loadTrainingData, parseMix, type SourceMix } from './training-data.js';

export interface RnntJobSpec {
  an4Dir: string;
  fsddDir: string;
  synthDir: string;
  /** Log-mel cache folder (default `<artifactDir>/features`). */
  featureCache?: string;
  /** Continue from this fp32 checkpoint folder (its config and normalizer) instead of a fresh model. */
  resumeFrom?: string;
  minutes: number;
  maxSteps?: number;
  encoderUnits: number;
  predictionUnits: number;
  policy: keyof typeof SPEC_AUGMENT_POLICIES | 'none';
  /** Steps (of this run) before SpecAugment starts. */
  augmentAfterStep: number;
  /** Dropout on the LSTM layers' outputs while training, in [0, 1). */
  dropout: number;
  learningRate: number;
  warmupSteps: number;
  batchFrames: number;
  /** Source weights per epoch, `an4=2,fsdd=0.3,synth=1` (training-data.ts). */
  mix: SourceMix;
  seed: number;
}

function positive(spec: Record<string, unknown>, field: string, fallback: number): number {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new JobSpecError(field, 'must be a positive number');
  return value;
}

function nonNegative(spec: Record<string, unknown>, field: string, fallback: number): number {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new JobSpecError(field, 'must be a non-negative integer');
  return value;
}

function rate(spec: Record<string, unknown>, field: string, fallback: number): number {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new JobSpecError(field, 'must be a number in [0, 1)');
  return value;
}

function text(spec: Record<string, unknown>, field: string, fallback: string): string {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'string' || value === '') throw new JobSpecError(field, 'must be a non-empty string');
  return value;
}

const optionalText = (spec: Record<string, unknown>, field: string) => (spec[field] === undefined ? undefined : text(spec, field, ''));

function mixOf(spec: Record<string, unknown>): SourceMix {
  if (spec.mix === undefined) return DEFAULT_MIX;
  try {
    return parseMix(text(spec, 'mix', ''));
  } catch (e) {
    throw e instanceof JobSpecError ? e : new JobSpecError('mix', (e as Error).message);
  }
}

export const rnntJob: JobType<RnntJobSpec> = {
  name: 'speech.rnnt',
  description: 'Train the streaming RNN-T recognizer (AN4 + FSDD + espeak-ng speech) and export fp32/int8 checkpoints',
  validate(raw) {
    if (typeof raw !== 'object' || raw === null) throw new JobSpecError('spec', 'must be an object');
    const spec = raw as Record<string, unknown>;
    const policy = text(spec, 'policy', DEFAULT_RECIPE.policy);
    if (policy !== 'none' && !(policy in SPEC_AUGMENT_POLICIES)) throw new JobSpecError('policy', `must be one of LB, LD, SM, SS, none`);
    return {
      an4Dir: text(spec, 'an4Dir', DEFAULT_AN4_DIR),
      fsddDir: text(spec, 'fsddDir', DEFAULT_FSDD_DIR),
      synthDir: text(spec, 'synthDir', DEFAULT_SYNTH_DIR),
      featureCache: optionalText(spec, 'featureCache'),
      resumeFrom: optionalText(spec, 'resumeFrom'),
      minutes: positive(spec, 'minutes', 60),
      maxSteps: spec.maxSteps === undefined ? undefined : positive(spec, 'maxSteps', 1),
      encoderUnits: positive(spec, 'encoderUnits', 128),
      predictionUnits: positive(spec, 'predictionUnits', 96),
      policy: policy as RnntJobSpec['policy'],
      augmentAfterStep: nonNegative(spec, 'augmentAfterStep', DEFAULT_RECIPE.augmentAfterStep),
      dropout: rate(spec, 'dropout', DEFAULT_RECIPE.dropout),
      learningRate: positive(spec, 'learningRate', DEFAULT_RECIPE.learningRate),
      warmupSteps: positive(spec, 'warmupSteps', DEFAULT_RECIPE.warmupSteps),
      batchFrames: positive(spec, 'batchFrames', DEFAULT_RECIPE.batchFrames),
      mix: mixOf(spec),
      seed: positive(spec, 'seed', 1),
    };
  },
  async run(spec, ctx) {
    await initBackend();
    const started = Date.now();
    // Resuming keeps the checkpoint's normalizer: its weights were trained on features scaled by it.
    const resumed = spec.resumeFrom ? loadCheckpoint(spec.resumeFrom) : undefined;
    const featureCache = spec.featureCache ?? join(ctx.artifactDir, 'features');
    const data = loadTrainingData({ an4: spec.an4Dir, fsdd: spec.fsddDir, synth: spec.synthDir, featureCache }, resumed?.normalizer, spec.mix, spec.seed);
    ctx.log('training data', { ...data.counts, hours: +data.hours.toFixed(2) });
    const config = resumed?.model.config ?? { ...DEFAULT_RNNT_CONFIG, encoderUnits: spec.encoderUnits, jointUnits: spec.encoderUnits, predictionUnits: spec.predictionUnits, embeddingSize: 32 };
    const previousSteps = Number(resumed?.manifest.training?.steps ?? 0);
    const save = (model: RnntModel, step: number) => {
      const training = {
        steps: previousSteps + step, data: data.counts, hours: data.hours, policy: spec.policy, lr: spec.learningRate, dropout: spec.dropout, seed: spec.seed,
        minutes: (Date.now() - started) / 60000, ...(resumed ? { resumedFrom: { steps: previousSteps, training: resumed.manifest.training } } : {}),
      };
      saveCheckpoint(join(ctx.artifactDir, 'fp32'), model, data.normalizer, { training });
      saveCheckpoint(join(ctx.artifactDir, 'int8'), model, data.normalizer, { int8: true, training });
      ctx.log('checkpoint', { step: previousSteps + step });
    };
    const result = await trainRnnt(data.examples, {
      ...DEFAULT_RECIPE, config, model: resumed?.model, maxMinutes: spec.minutes, maxSteps: spec.maxSteps, batchFrames: spec.batchFrames,
      learningRate: spec.learningRate, warmupSteps: spec.warmupSteps, augmentAfterStep: spec.augmentAfterStep, dropout: spec.dropout,
      policy: spec.policy === 'none' ? undefined : SPEC_AUGMENT_POLICIES[spec.policy], seed: spec.seed,
      signal: ctx.signal, checkpointEveryMinutes: 5, onCheckpoint: save,
      onLog: (e) => {
        void ctx.reportMetrics({ loss: e.loss, loss_per_label: e.lossPerLabel, learning_rate: e.learningRate }, previousSteps + e.step);
        void ctx.reportProgress(Math.min(1, Math.max(spec.maxSteps ? e.step / spec.maxSteps : 0, e.seconds / 60 / spec.minutes)));
      },
    });
    const params = result.model.parameterCount();
    result.model.dispose();
    return { steps: previousSteps + result.steps, loss: result.lastLoss, params, fp32: join(ctx.artifactDir, 'fp32'), int8: join(ctx.artifactDir, 'int8') };
  },
};

export const jobTypes = [rnntJob];
