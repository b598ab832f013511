// `wann.search`: a WANN topology search on MNIST 16×16 or the swing-up cart-pole as a training job. Metrics
// per generation; artifacts: best-network.json (genome + final evaluation), best-network.svg, results.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobContext, JobType } from '../ml/job-type.js';
import { asObject, choice, numberField, numberList, optionalString } from '../studies/spec-fields.js';
import { swingUpTask } from './cartpole.js';
import { drawNetwork } from './draw.js';
import { evaluateMnist, evaluateSwingUp, type FinalEvaluation } from './final-eval.js';
import { loadDigits, MNIST_DIR, mnistTask } from './mnist16.js';
import { searchWann, SHARED_WEIGHTS, type GenerationReport, type SearchOptions } from './search.js';

export const TASKS = ['mnist16', 'swingup'] as const;

export interface WannSearchSpec {
  task: (typeof TASKS)[number];
  datasetDir?: string;
  population: number;
  generations: number;
  weights: number[];
  seed: number;
  /** mnist16: training examples searched over, minibatch per generation, test examples. */
  trainExamples: number;
  batch: number;
  testExamples: number;
  /** swingup: episodes per evaluation and their length in steps (10 ms each). */
  trials: number;
  steps: number;
  initialConnectionRate: number;
}

const KNOWN = ['task', 'datasetDir', 'population', 'generations', 'weights', 'seed', 'trainExamples', 'batch', 'testExamples', 'trials', 'steps', 'initialConnectionRate'];

export function validateWannSpec(raw: unknown): WannSearchSpec {
  const input = asObject(raw, KNOWN);
  const task = choice(input, 'task', TASKS, 'mnist16');
  return {
    task,
    datasetDir: optionalString(input, 'datasetDir'),
    population: numberField(input, 'population', { default: 64, min: 2, max: 10000, integer: true }),
    generations: numberField(input, 'generations', { default: 50, min: 1, max: 100000, integer: true }),
    weights: numberList(input, 'weights', SHARED_WEIGHTS, { min: -100, max: 100 }),
    seed: numberField(input, 'seed', { default: 1, min: 0, max: 2 ** 31 - 1, integer: true }),
    trainExamples: numberField(input, 'trainExamples', { default: 60000, min: 10, max: 60000, integer: true }),
    batch: numberField(input, 'batch', { default: 1000, min: 10, max: 60000, integer: true }),
    testExamples: numberField(input, 'testExamples', { default: 10000, min: 10, max: 10000, integer: true }),
    trials: numberField(input, 'trials', { default: 4, min: 1, max: 1000, integer: true }),
    steps: numberField(input, 'steps', { default: 1000, min: 1, max: 100000, integer: true }),
    initialConnectionRate: numberField(input, 'initialConnectionRate', { default: task === 'mnist16' ? 0.1 : 0.5, min: 0, max: 1 }),
  };
}

export function searchOptions(spec: WannSearchSpec): SearchOptions {
  return {
    population: spec.population, generations: spec.generations, weights: spec.weights, seed: spec.seed,
    initialConnectionRate: spec.initialConnectionRate,
    rates: { insertNode: 1, addConnection: 3, changeActivation: 1 },
    connectionObjectiveProbability: 0.8, elite: Math.max(1, Math.round(spec.population / 16)), tournament: 4,
    speciesThreshold: 1, compatibility: { connectionCoefficient: 1, activationCoefficient: 0.5 },
  };
}

export interface WannSearchResult extends Record<string, unknown> {
  task: WannSearchSpec['task'];
  evaluation: FinalEvaluation;
  history: GenerationReport[];
  artifacts: string[];
}

export async function runWannSearch(spec: WannSearchSpec, ctx: Pick<JobContext, 'signal' | 'artifactDir' | 'reportMetrics' | 'reportProgress'>): Promise<WannSearchResult> {
  const dir = spec.datasetDir ?? MNIST_DIR;
  const train = spec.task === 'mnist16' ? loadDigits(dir, 'train', spec.trainExamples) : undefined;
  const task = train ? mnistTask(train, spec.batch, spec.seed) : swingUpTask(spec.trials, spec.steps, spec.seed);
  const { champion, history } = await searchWann(task, searchOptions(spec), {
    signal: ctx.signal,
    onGeneration: async (r) => {
      await ctx.reportMetrics({ best_mean: r.bestMean, best_max: r.bestMax, mean_of_means: r.meanOfMeans, champion_connections: r.championConnections, species: r.species }, r.generation);
      await ctx.reportProgress((r.generation + 1) / spec.generations);
    },
  });
  const evaluation = train
    ? evaluateMnist(champion.genome, spec.weights, train, loadDigits(dir, 't10k', spec.testExamples))
    : evaluateSwingUp(champion.genome, spec.weights, spec.steps, spec.trials, spec.seed);
  const unit = spec.task === 'mnist16' ? 'test accuracy' : 'return';
  await mkdir(ctx.artifactDir, { recursive: true });
  await writeFile(path.join(ctx.artifactDir, 'best-network.json'), JSON.stringify({ task: spec.task, genome: champion.genome, evaluation }, null, 1));
  await writeFile(path.join(ctx.artifactDir, 'best-network.svg'), drawNetwork(champion.genome,
    `${spec.task}: ${evaluation.connections} connections, ${unit} mean over weights ${evaluation.mean.toFixed(3)}, tuned w=${evaluation.tunedWeight} ${evaluation.tuned.toFixed(3)}`));
  const { datasetDir: _d, ...meta } = spec;
  await writeFile(path.join(ctx.artifactDir, 'results.json'), JSON.stringify({ spec: meta, evaluation, history }, null, 1));
  return { task: spec.task, evaluation, history, artifacts: ['best-network.json', 'best-network.svg', 'results.json'] };
}

export const wannSearchJob: JobType<WannSearchSpec, WannSearchResult> = {
  name: 'wann.search',
  description: 'Gaier & Ha: weight agnostic network search (shared weight, Pareto ranking, NEAT speciation) on MNIST 16x16 or swing-up cart-pole',
  validate: validateWannSpec,
  run: (spec, ctx) => runWannSearch(spec, ctx),
};
