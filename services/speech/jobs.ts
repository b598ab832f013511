// Training job types of the speech service (services/ml/job-type.ts), run by the training orchestrator
// locally or as a Kubernetes Job: `speech.rnnt` trains the transducer and writes fp32 and int8 checkpoints
// as artifacts (`<artifactDir>/fp32`, `<artifactDir>/int8`), ready for NNSUITE_SPEECH_MODEL_DIR.
import { join } from 'node:path';
import { initBackend } from '../ml/backend.js';
import { JobSpecError, type JobType } from '../ml/job-type.js';
import { DEFAULT_AN4_DIR, DEFAULT_FSDD_DIR, DEFAULT_SYNTH_DIR } from './data/corpora.js';
import { saveCheckpoint } from './model/checkpoint.js';
import { DEFAULT_RNNT_CONFIG } from './model/rnnt-model.js';
import { SPEC_AUGMENT_POLICIES } from './model/specaugment.js';
import { DEFAULT_RECIPE, trainRnnt } from './rnnt-training.js';
import { loadTrainingData } from './training-data.js';

export interface RnntJobSpec {
  an4Dir: string;
  fsddDir: string;
  synthDir: string;
  minutes: number;
  maxSteps?: number;
  encoderUnits: number;
  predictionUnits: number;
  policy: keyof typeof SPEC_AUGMENT_POLICIES | 'none';
  learningRate: number;
  batchFrames: number;
  seed: number;
}

function positive(spec: Record<string, unknown>, field: string, fallback: number): number {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new JobSpecError(field, 'must be a positive number');
  return value;
}

function text(spec: Record<string, unknown>, field: string, fallback: string): string {
  const value = spec[field] ?? fallback;
  if (typeof value !== 'string' || value === '') throw new JobSpecError(field, 'must be a non-empty string');
  return value;
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
      minutes: positive(spec, 'minutes', 60),
      maxSteps: spec.maxSteps === undefined ? undefined : positive(spec, 'maxSteps', 1),
      encoderUnits: positive(spec, 'encoderUnits', 128),
      predictionUnits: positive(spec, 'predictionUnits', 96),
      policy: policy as RnntJobSpec['policy'],
      learningRate: positive(spec, 'learningRate', DEFAULT_RECIPE.learningRate),
      batchFrames: positive(spec, 'batchFrames', DEFAULT_RECIPE.batchFrames),
      seed: positive(spec, 'seed', 1),
    };
  },
  async run(spec, ctx) {
    await initBackend();
    const data = loadTrainingData({ an4: spec.an4Dir, fsdd: spec.fsddDir, synth: spec.synthDir, featureCache: join(ctx.artifactDir, 'features') }, undefined, undefined, spec.seed);
    ctx.log('training data', { ...data.counts, hours: data.hours });
    const config = { ...DEFAULT_RNNT_CONFIG, encoderUnits: spec.encoderUnits, jointUnits: spec.encoderUnits, predictionUnits: spec.predictionUnits, embeddingSize: 32 };
    const save: Parameters<typeof trainRnnt>[1]['onCheckpoint'] = (model, step) => {
      saveCheckpoint(join(ctx.artifactDir, 'fp32'), model, data.normalizer, { training: { steps: step, data: data.counts } });
      saveCheckpoint(join(ctx.artifactDir, 'int8'), model, data.normalizer, { int8: true, training: { steps: step, data: data.counts } });
    };
    const result = await trainRnnt(data.examples, {
      ...DEFAULT_RECIPE, config, maxMinutes: spec.minutes, maxSteps: spec.maxSteps, batchFrames: spec.batchFrames,
      learningRate: spec.learningRate,
      policy: spec.policy === 'none' ? undefined : SPEC_AUGMENT_POLICIES[spec.policy], seed: spec.seed,
      signal: ctx.signal, checkpointEveryMinutes: 5, onCheckpoint: save,
      onLog: (e) => {
        void ctx.reportMetrics({ loss: e.loss, loss_per_label: e.lossPerLabel, learning_rate: e.learningRate }, e.step);
        void ctx.reportProgress(spec.maxSteps ? e.step / spec.maxSteps : e.seconds / 60 / spec.minutes);
      },
    });
    result.model.dispose();
    return { steps: result.steps, loss: result.lastLoss, fp32: join(ctx.artifactDir, 'fp32'), int8: join(ctx.artifactDir, 'int8') };
  },
};

export const jobTypes = [rnntJob];
