// `wann.search`: a WANN topology search on MNIST 16×16 or the swing-up cart-pole as a training job. Metrics
// per generation; artifacts: best-network.json (genome + final evaluation), best-network.svg, results.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JobSpecError, type JobContext, type JobType } from '../ml/job-type.js';
import { asObject, choice, numberField, numberList, optionalString } from '../studies/spec-fields.js';
import { drawNetwork } from './draw.js';
import { checkGenome, type Genome } from './genome.js';
import { evaluateMnist, evaluateSwingUp, mnistScore, pickFinalist, swingUpScore, type FinalEvaluation } from './final-eval.js';
import { allOf, batchOf, loadDigits, MNIST_DIR, MNIST_FITNESS } from './mnist16.js';
import { serialEvaluator, workerEvaluator } from './population-evaluator.js';
import { buildTask, type TaskSource } from './task-source.js';
import { searchWann, SHARED_WEIGHTS, type GenerationReport, type SearchOptions, type WannTask } from './search.js';

export const TASKS = ['mnist16', 'swingup'] as const;
const SECOND_OBJECTIVES = ['max', 'ensemble'] as const;

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
  /** Worker threads scoring the population; 0 = in the job's own thread. */
  workers: number;
  /** Wall-clock budget of the search in minutes (0 = none): it stops after the generation that passes it. */
  minutes: number;
  /** A best-network.json of an earlier search on the same task: the search continues from its genome. */
  startFrom?: string;
  /** Ranked with the mean when the connection count is not: `max` (the paper's) or `ensemble` (mnist16 only). */
  secondObjective: SearchOptions['secondObjective'];
  /**
   * mnist16: what the search maximises on each minibatch: `accuracy`, the label's `logLikelihood` (the paper's code),
   * or `ensembleLikelihood` (accuracy at each weight, log-likelihood of the ensemble; ranked with `secondObjective: ensemble`).
   */
  fitness: (typeof MNIST_FITNESS)[number];
}

const KNOWN = ['task', 'datasetDir', 'population', 'generations', 'weights', 'seed', 'trainExamples', 'batch', 'testExamples', 'trials', 'steps', 'initialConnectionRate', 'workers', 'minutes', 'startFrom', 'secondObjective', 'fitness'];

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
    workers: numberField(input, 'workers', { default: 0, min: 0, max: 64, integer: true }),
    minutes: numberField(input, 'minutes', { default: 0, min: 0, max: 10000 }),
    startFrom: optionalString(input, 'startFrom'),
    ...objectives(input, task),
  };
}

/** The second objective and the fitness; `ensembleLikelihood` only scores the ensemble differently, so it ranks by it. */
function objectives(input: Record<string, unknown>, task: WannSearchSpec['task']): Pick<WannSearchSpec, 'secondObjective' | 'fitness'> {
  const fitness = choice(input, 'fitness', task === 'mnist16' ? MNIST_FITNESS : (['accuracy'] as const), 'accuracy');
  const ensembleOnly = fitness === 'ensembleLikelihood';
  const secondObjective = choice(input, 'secondObjective', ensembleOnly ? (['ensemble'] as const) : task === 'mnist16' ? SECOND_OBJECTIVES : (['max'] as const), ensembleOnly ? 'ensemble' : 'max');
  return { secondObjective, fitness };
}

export function searchOptions(spec: WannSearchSpec): SearchOptions {
  return {
    population: spec.population, generations: spec.generations, weights: spec.weights, seed: spec.seed,
    initialConnectionRate: spec.initialConnectionRate,
    rates: { insertNode: 1, addConnection: 3, changeActivation: 1 },
    connectionObjectiveProbability: 0.8, secondObjective: spec.secondObjective, elite: Math.max(1, Math.round(spec.population / 16)), tournament: 4,
    finalists: 32, speciesThreshold: 1, targetSpecies: Math.max(1, Math.round(spec.population / 16)), compatibility: { connectionCoefficient: 1, activationCoefficient: 0.5 },
  };
}

/** The genome of an earlier search's best-network.json, checked to fit this task (read when the job runs). */
export async function loadStartGenome(file: string, spec: WannSearchSpec, task: WannTask): Promise<Genome> {
  try {
    const saved: { task?: string; genome?: Genome } = JSON.parse(await readFile(file, 'utf8'));
    if (saved.task !== spec.task) throw new Error(`a network for task ${saved.task}, not ${spec.task}`);
    const g = saved.genome;
    if (!g || !Array.isArray(g.nodes) || !Array.isArray(g.connections)) throw new Error('no genome in it');
    checkGenome(g);
    const count = (kind: string) => g.nodes.filter((n) => n.kind === kind).length;
    if (count('input') !== task.inputs || count('output') !== task.outputs || count('bias') !== 1) throw new Error(`not a network with ${task.inputs} inputs, a bias and ${task.outputs} outputs`);
    return g;
  } catch (e) {
    throw new JobSpecError('startFrom', `${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
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
  const source: TaskSource = train
    ? { kind: 'mnist16', train, batch: spec.batch, seed: spec.seed, fitness: spec.fitness }
    : { kind: 'swingup', trials: spec.trials, steps: spec.steps, seed: spec.seed };
  const task = buildTask(source);
  const start = spec.startFrom === undefined ? undefined : await loadStartGenome(spec.startFrom, spec, task);
  const evaluator = spec.workers > 0 ? workerEvaluator(source, spec.workers) : serialEvaluator(task);
  const { finalists, history } = await searchWann(task, { ...searchOptions(spec), start }, {
    signal: ctx.signal, evaluator, deadline: spec.minutes > 0 ? Date.now() + spec.minutes * 60_000 : undefined,
    onGeneration: async (r) => {
      await ctx.reportMetrics({ best_mean: r.bestMean, best_max: r.bestMax, ...(r.bestEnsemble !== undefined && { best_ensemble: r.bestEnsemble }), mean_of_means: r.meanOfMeans, champion_connections: r.championConnections, species: r.species }, r.generation);
      await ctx.reportProgress((r.generation + 1) / spec.generations);
    },
  }).finally(() => evaluator.close());
  // The finalist is picked, and the single weight tuned, on (up to 10,000) training images, never on the test set.
  const tuneOn = train && batchOf(train, Array.from({ length: Math.min(train.n, 10000) }, (_, i) => i));
  const genome = pickFinalist(finalists, tuneOn ? mnistScore(tuneOn, spec.weights) : swingUpScore(spec.weights, spec.steps, spec.trials, spec.seed));
  const evaluation = tuneOn
    ? evaluateMnist(genome, spec.weights, tuneOn, allOf(loadDigits(dir, 't10k', spec.testExamples)))
    : evaluateSwingUp(genome, spec.weights, spec.steps, spec.trials, spec.seed);
  const unit = spec.task === 'mnist16' ? 'test accuracy' : 'return';
  await mkdir(ctx.artifactDir, { recursive: true });
  await writeFile(path.join(ctx.artifactDir, 'best-network.json'), JSON.stringify({ task: spec.task, genome, evaluation }, null, 1));
  await writeFile(path.join(ctx.artifactDir, 'best-network.svg'), drawNetwork(genome,
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
