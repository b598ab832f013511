// `parrotron.personalize`: the paper's second training phase — fine-tune a base model on one speaker's
// recordings, each paired with the canonical voice saying its transcript. The job shares no disk with the
// service that asked (it may run as a Kubernetes Job): the recordings travel inline in the spec, the base
// checkpoint is a path inside the image (the repository), and the fine-tuned checkpoint is written under the
// artifact folder as `model/…`, which the orchestrator keeps (uploaded by a pod) and serves by job id through
// DownloadArtifact — how the parrotron service fetches it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalSpeech } from '../../scripts/data/parrotron-pairs.js';
import { phonemize } from '../../scripts/data/parrotron-text.js';
import { MODEL_SAMPLE_RATE } from '../ml/audio/audio-input.js';
import { decodePcm16 } from '../ml/audio/wav.js';
import { initBackend } from '../ml/backend.js';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';
import { loadParrotron, saveParrotron } from './model/model-io.js';
import { trainParrotron } from './model/parrotron-training.js';
import { toExamples } from './parallel-data.js';

/** A recording (16 kHz mono PCM16, little-endian, base64) and what it says. */
export type PersonalizeExample = { transcript: string; pcm16_base64: string };

export interface PersonalizeSpec {
  /** Checkpoint folder of the model to fine-tune, relative to the repository root (present in the image). */
  base_model_dir: string;
  examples: PersonalizeExample[];
  steps: number;
  learning_rate: number;
}

export const MAX_PERSONALIZE_STEPS = 2000;
/** Recordings in one job, in all: keeps the spec (and the CreateJob message) a few MB. */
export const MAX_PERSONALIZE_SECONDS = 120;
/** Where the fine-tuned checkpoint lies among the job's artifacts. */
export const MODEL_ARTIFACT_PREFIX = 'model/';

const pcm16Bytes = (base64: string) => Math.floor((base64.length * 3) / 4);

function checkExamples(raw: unknown): PersonalizeExample[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new JobSpecError('examples', 'must be a non-empty list');
  let bytes = 0;
  const examples = raw.map((e, i) => {
    const field = `examples[${i}]`;
    if (typeof e !== 'object' || e === null) throw new JobSpecError(field, 'must be an object');
    const transcript = str(e as Record<string, unknown>, 'transcript', field);
    const audio = str(e as Record<string, unknown>, 'pcm16_base64', field);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(audio)) throw new JobSpecError(`${field}.pcm16_base64`, 'must be base64');
    bytes += pcm16Bytes(audio);
    return { transcript, pcm16_base64: audio };
  });
  if (bytes / 2 / MODEL_SAMPLE_RATE > MAX_PERSONALIZE_SECONDS) throw new JobSpecError('examples', `more than ${MAX_PERSONALIZE_SECONDS} s of audio in all`);
  return examples;
}

const str = (spec: Record<string, unknown>, field: string, prefix = ''): string => {
  const v = spec[field];
  const name = prefix ? `${prefix}.${field}` : field;
  if (typeof v !== 'string' || v === '') throw new JobSpecError(name, 'must be a non-empty string');
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
    const examples = checkExamples(spec.examples);
    const steps = spec.steps ?? 30;
    if (!Number.isInteger(steps) || (steps as number) < 1 || (steps as number) > MAX_PERSONALIZE_STEPS) throw new JobSpecError('steps', `must be an integer in [1, ${MAX_PERSONALIZE_STEPS}]`);
    const lr = spec.learning_rate ?? 5e-4;
    if (typeof lr !== 'number' || !(lr > 0 && lr < 1)) throw new JobSpecError('learning_rate', 'must be in (0, 1)');
    return { base_model_dir: base, examples, steps: steps as number, learning_rate: lr };
  },
  async run(spec: PersonalizeSpec, ctx: JobContext) {
    await initBackend();
    const loaded = loadParrotron(spec.base_model_dir);
    const pairs = [];
    for (const e of spec.examples) {
      pairs.push({ input: decodePcm16(Buffer.from(e.pcm16_base64, 'base64')), target: await canonicalSpeech(e.transcript), phonemes: phonemize(e.transcript) });
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
    const modelDir = join(ctx.artifactDir, MODEL_ARTIFACT_PREFIX);
    saveParrotron(modelDir, loaded.model, loaded.normalizers, { ...loaded.manifest.training, personalized_from: spec.base_model_dir, personalize_steps: spec.steps, examples: examples.length });
    loaded.model.dispose();
    return { model_artifacts: MODEL_ARTIFACT_PREFIX, steps: spec.steps, examples: examples.length, loss: losses.loss ?? null };
  },
};

export const jobTypes = [personalizeJob];
