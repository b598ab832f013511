// `parrotron.personalize`: the paper's second training phase — fine-tune a base model on one speaker's
// recordings, each paired with the canonical voice saying its transcript. Runs on the training service (or
// anywhere a JobContext exists); the result names the checkpoint folder the parrotron service then serves.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalSpeech } from '../../scripts/data/parrotron-pairs.js';
import { phonemize } from '../../scripts/data/parrotron-text.js';
import { decodeWavToModelRate } from '../ml/audio/audio-input.js';
import { initBackend } from '../ml/backend.js';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';
import { loadParrotron, saveParrotron } from './model/model-io.js';
import { trainParrotron } from './model/parrotron-training.js';
import { toExamples } from './parallel-data.js';

export interface PersonalizeSpec {
  /** Checkpoint folder of the model to fine-tune. */
  base_model_dir: string;
  /** Folder with `examples.json` ([{ input: file.wav, transcript }]) and the WAV files (16 kHz mono). */
  examples_dir: string;
  steps: number;
  learning_rate: number;
}

export interface PersonalizeExampleFile { input: string; transcript: string }

export const MAX_PERSONALIZE_STEPS = 2000;

const str = (spec: Record<string, unknown>, field: string): string => {
  const v = spec[field];
  if (typeof v !== 'string' || v === '') throw new JobSpecError(field, 'must be a non-empty string');
  return v;
};

export const personalizeJob: JobType<PersonalizeSpec, Record<string, unknown>> = {
  name: 'parrotron.personalize',
  description: 'Fine-tune a Parrotron model on one speaker\'s recordings paired with the canonical voice',
  validate(raw) {
    if (typeof raw !== 'object' || raw === null) throw new JobSpecError('spec', 'must be an object');
    const spec = raw as Record<string, unknown>;
    const base = str(spec, 'base_model_dir');
    if (!existsSync(join(base, 'model.json'))) throw new JobSpecError('base_model_dir', `no checkpoint in ${base}`);
    const examples = str(spec, 'examples_dir');
    if (!existsSync(join(examples, 'examples.json'))) throw new JobSpecError('examples_dir', `no examples.json in ${examples}`);
    const steps = spec.steps ?? 30;
    if (!Number.isInteger(steps) || (steps as number) < 1 || (steps as number) > MAX_PERSONALIZE_STEPS) throw new JobSpecError('steps', `must be an integer in [1, ${MAX_PERSONALIZE_STEPS}]`);
    const lr = spec.learning_rate ?? 5e-4;
    if (typeof lr !== 'number' || !(lr > 0 && lr < 1)) throw new JobSpecError('learning_rate', 'must be in (0, 1)');
    return { base_model_dir: base, examples_dir: examples, steps: steps as number, learning_rate: lr };
  },
  async run(spec: PersonalizeSpec, ctx: JobContext) {
    await initBackend();
    const loaded = loadParrotron(spec.base_model_dir);
    const files = JSON.parse(readFileSync(join(spec.examples_dir, 'examples.json'), 'utf8')) as PersonalizeExampleFile[];
    const pairs = [];
    for (const f of files) {
      pairs.push({ input: decodeWavToModelRate(readFileSync(join(spec.examples_dir, f.input))), target: await canonicalSpeech(f.transcript), phonemes: phonemize(f.transcript) });
    }
    const examples = toExamples(pairs, loaded.model.config.phonemes);
    // The base model's feature normalization is kept: fine-tuning moves the weights, not the front end.
    const losses = await trainParrotron(loaded.model, examples, loaded.normalizers, {
      steps: spec.steps, batchSize: Math.min(8, examples.length), learningRate: spec.learning_rate, signal: ctx.signal,
      onStep: async (step, values) => {
        await ctx.reportMetrics(values, step);
        await ctx.reportProgress(step / spec.steps);
      },
    });
    const modelDir = join(ctx.artifactDir, 'model');
    saveParrotron(modelDir, loaded.model, loaded.normalizers, { ...loaded.manifest.training, personalized_from: spec.base_model_dir, personalize_steps: spec.steps, examples: examples.length });
    loaded.model.dispose();
    return { model_dir: modelDir, steps: spec.steps, examples: examples.length, loss: losses.loss ?? null };
  },
};

export const jobTypes = [personalizeJob];
