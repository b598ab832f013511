// `studies.dataparallel-summary`: the last job of a data-parallel study run as trial jobs. It takes the
// gathered trials in its spec, fits the regimes and writes results.json, steps-vs-batch.svg and summary.md as
// its own artifacts, so the study's tables and plots live on the orchestrator like any job's (uploaded from a
// Kubernetes pod, written in place by a local worker).
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';
import { summarizeAll, OPTIMIZERS, type CurveResult, type Trial } from './dataparallel.js';
import { asObject, choice, choices, numberField, numberList } from './spec-fields.js';

export interface DataParallelSummarySpec {
  batchSizes: number[];
  optimizers: (typeof OPTIMIZERS)[number][];
  trials: Trial[];
  /** The study's shared settings and name, recorded in the artifacts. */
  setup: Record<string, unknown>;
}

function trialAt(raw: unknown, i: number): Trial {
  const field = `trials[${i}]`;
  const t = asObject(raw, ['optimizer', 'batchSize', 'learningRate', 'momentum', 'stepsToTarget', 'finalAccuracy', 'diverged']);
  const num = (key: string, min: number, max: number, integer = false) => numberField({ [`${field}.${key}`]: t[key] }, `${field}.${key}`, { default: NaN, min, max, integer });
  if (typeof t.diverged !== 'boolean') throw new JobSpecError(`${field}.diverged`, 'must be a boolean');
  return {
    optimizer: choice({ [`${field}.optimizer`]: t.optimizer }, `${field}.optimizer`, OPTIMIZERS, 'sgd'),
    batchSize: num('batchSize', 1, 4096, true),
    learningRate: num('learningRate', 0, 1e3),
    momentum: num('momentum', 0, 1),
    stepsToTarget: t.stepsToTarget === null ? null : num('stepsToTarget', 1, 1e6, true),
    finalAccuracy: num('finalAccuracy', 0, 1),
    diverged: t.diverged,
  };
}

export function validateSummarySpec(raw: unknown): DataParallelSummarySpec {
  const input = asObject(raw, ['batchSizes', 'optimizers', 'trials', 'setup']);
  if (!Array.isArray(input.trials)) throw new JobSpecError('trials', 'must be a list of trial results');
  const setup = input.setup ?? {};
  if (typeof setup !== 'object' || Array.isArray(setup)) throw new JobSpecError('setup', 'must be an object');
  return {
    batchSizes: numberList(input, 'batchSizes', [], { min: 1, max: 4096, integer: true }),
    optimizers: choices(input, 'optimizers', OPTIMIZERS, []),
    trials: input.trials.map(trialAt),
    setup: setup as Record<string, unknown>,
  };
}

export const dataParallelSummaryJob: JobType<DataParallelSummarySpec, { curves: CurveResult[]; trials: number; artifacts: string[] }> = {
  name: 'studies.dataparallel-summary',
  description: 'The data-parallel study from its gathered trial results: best steps per batch size, three-regime fit, table and log-log plot as artifacts',
  validate: validateSummarySpec,
  async run(spec, ctx: JobContext) {
    const result = summarizeAll(spec.trials, spec);
    const { writeDataParallelArtifacts } = await import('./dataparallel-report.js');
    await writeDataParallelArtifacts(ctx.artifactDir, result, { ...spec.setup, batchSizes: spec.batchSizes, optimizers: spec.optimizers });
    await ctx.reportProgress(1);
    return { curves: result.curves, trials: result.trials.length, artifacts: ['results.json', 'steps-vs-batch.svg', 'summary.md'] };
  },
};
