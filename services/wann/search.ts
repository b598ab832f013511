// The WANN search loop (paper §3): minimal initial networks → evaluate each over the shared-weight
// series → rank by Pareto fronts of (mean, max, −connections) → speciate (NEAT) → children by mutation only.
// Where the task reads out an ensemble over the weights (MNIST), the search can rank by it in place of max.
import { enabledConnections, type Activation, type Genome, type Plan } from './genome.js';
import { Innovations, mutate, type MutationRates } from './mutation.js';
import { paretoRank } from './pareto.js';
import { serialEvaluator, type PopulationEvaluator } from './population-evaluator.js';
import { seededRandom, type Rng } from './random.js';
import { speciate, type Compatibility } from './species.js';

/** The paper's weight series. */
export const SHARED_WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];

export interface WannTask {
  inputs: number;
  outputs: number;
  outputActivation: Activation;
  /** Performance (higher is better) of a network at each shared weight; `generation` lets a task resample data. */
  evaluate(plan: Plan, weights: readonly number[], generation: number): Performance;
}

export interface Performance {
  perWeight: number[];
  /** Performance of the ensemble of the network's instances over the weights, where the task has one (MNIST). */
  ensemble?: number;
}

export interface SearchOptions {
  population: number;
  generations: number;
  weights: number[];
  /** Share of input→output pairs connected in a starting network (at least one per network). */
  initialConnectionRate: number;
  rates: MutationRates;
  /** Probability a generation ranks with the connection-count objective (the paper's code uses 0.8). */
  connectionObjectiveProbability: number;
  /** The objective paired with the mean in the other generations: the best weight's performance (the paper's), or the ensemble's. */
  secondObjective: 'max' | 'ensemble';
  /** Genomes carried over unchanged, best first. */
  elite: number;
  tournament: number;
  /** Starting compatibility threshold; it then adapts each generation to keep about `targetSpecies` species. */
  speciesThreshold: number;
  targetSpecies: number;
  compatibility: Compatibility;
  seed: number;
  /** How many recent generations' champions the search returns as finalists (a final pick re-scores them). */
  finalists: number;
  /** Continue from this network (e.g. an earlier search's champion): the first population is it and its mutants. */
  start?: Genome;
}

export interface Scored {
  genome: Genome;
  performance: number[];
  mean: number;
  max: number;
  ensemble?: number;
  connections: number;
}

export interface GenerationReport {
  generation: number;
  bestMean: number;
  bestMax: number;
  /** Best ensemble performance in the population, where the task has an ensemble. */
  bestEnsemble?: number;
  meanOfMeans: number;
  championConnections: number;
  medianConnections: number;
  species: number;
}

export function minimalGenome(task: WannTask, rate: number, rng: Rng, innovations: Innovations): Genome {
  const nodes: Genome['nodes'] = [];
  for (let i = 0; i < task.inputs; i++) nodes.push({ id: i, kind: 'input', activation: 'linear' });
  nodes.push({ id: task.inputs, kind: 'bias', activation: 'linear' });
  for (let o = 0; o < task.outputs; o++) nodes.push({ id: task.inputs + 1 + o, kind: 'output', activation: task.outputActivation });
  const connections: Genome['connections'] = [];
  for (let i = 0; i < task.inputs; i++) {
    for (let o = 0; o < task.outputs; o++) {
      if (rng() < rate) connections.push({ from: i, to: task.inputs + 1 + o, enabled: true, innovation: innovations.connection(i, task.inputs + 1 + o) });
    }
  }
  if (!connections.length) {
    const i = Math.floor(rng() * task.inputs), o = task.inputs + 1 + Math.floor(rng() * task.outputs);
    connections.push({ from: i, to: o, enabled: true, innovation: innovations.connection(i, o) });
  }
  return { nodes, connections };
}

export function scored(genome: Genome, { perWeight, ensemble }: Performance): Scored {
  return {
    genome, performance: perWeight,
    mean: perWeight.reduce((s, p) => s + p, 0) / perWeight.length,
    max: Math.max(...perWeight),
    ensemble,
    connections: enabledConnections(genome),
  };
}

function secondObjective(s: Scored, which: SearchOptions['secondObjective']): number {
  if (which === 'max') return s.max;
  if (s.ensemble === undefined) throw new Error('secondObjective ensemble: this task has no ensemble read-out');
  return s.ensemble;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface SearchHooks {
  signal?: AbortSignal;
  onGeneration?: (report: GenerationReport, champion: Scored) => void | Promise<void>;
  /** Scores the population (default: in this thread, with `task.evaluate`). */
  evaluator?: PopulationEvaluator;
  /** Time budget: the first generation that ends after this moment (Date.now() ms) is the last. */
  deadline?: number;
}

/**
 * Runs the search; returns the champion (best mean performance over the weights, last evaluation) and the
 * distinct champions of the last `o.finalists` generations: one minibatch flatters a lucky genome, so the
 * caller can re-score these on more data, as the paper's code re-tests a new best over many trials.
 */
export async function searchWann(task: WannTask, o: SearchOptions, hooks: SearchHooks = {}): Promise<{ champion: Scored; finalists: Genome[]; history: GenerationReport[] }> {
  const rng = seededRandom(o.seed);
  const evaluator = hooks.evaluator ?? serialEvaluator(task);
  const innovations = o.start ? Innovations.after(o.start) : new Innovations(0, task.inputs + 1 + task.outputs);
  let population = Array.from({ length: o.population }, (_, i) => (!o.start
    ? minimalGenome(task, o.initialConnectionRate, rng, innovations)
    : i === 0 ? o.start : mutate(o.start, rng, innovations, o.rates)));
  let representatives: Genome[] = [];
  let threshold = o.speciesThreshold;
  const history: GenerationReport[] = [];
  let champion: Scored | undefined;
  const recent: Genome[] = [];
  for (let gen = 0; gen < o.generations; gen++) {
    if (hooks.signal?.aborted) throw new Error('search cancelled');
    const performance = await evaluator.evaluate(population, o.weights, gen);
    const scores = population.map((g, i) => scored(g, performance[i]));
    const useConnections = rng() < o.connectionObjectiveProbability;
    const points = scores.map((s) => [s.mean, useConnections ? -s.connections : secondObjective(s, o.secondObjective)]);
    const rank = paretoRank(points, scores.map((s) => s.mean));
    const byRank = scores.map((_, i) => i).sort((a, b) => rank[a] - rank[b]);
    const best = scores.reduce((a, b) => (b.mean > a.mean ? b : a));
    champion = best;
    recent.push(best.genome);
    if (recent.length > o.finalists) recent.shift();
    const sp = speciate(population, representatives, threshold, o.compatibility);
    const speciesCount = new Set(sp.species).size;
    // NEAT's dynamic threshold: random sparse starts are all far apart, and one species per genome selects nothing.
    threshold *= speciesCount > o.targetSpecies ? 1.2 : speciesCount < o.targetSpecies ? 1 / 1.2 : 1;
    const report: GenerationReport = {
      generation: gen, bestMean: best.mean, bestMax: Math.max(...scores.map((s) => s.max)),
      ...(best.ensemble !== undefined && { bestEnsemble: Math.max(...scores.map((s) => s.ensemble!)) }),
      meanOfMeans: scores.reduce((s, x) => s + x.mean, 0) / scores.length,
      championConnections: best.connections, medianConnections: median(scores.map((s) => s.connections)), species: speciesCount,
    };
    history.push(report);
    await hooks.onGeneration?.(report, best);
    if (gen === o.generations - 1 || (hooks.deadline !== undefined && Date.now() > hooks.deadline)) break;
    // Offspring per species in proportion to its members' rank scores (N − rank), as NEAT shares fitness.
    const members = new Map<number, number[]>();
    sp.species.forEach((s, i) => members.set(s, [...(members.get(s) ?? []), i]));
    const share = new Map([...members].map(([s, idx]) => [s, idx.reduce((t, i) => t + (o.population - rank[i]), 0)]));
    const totalShare = [...share.values()].reduce((a, b) => a + b, 0);
    const next: Genome[] = byRank.slice(0, o.elite).map((i) => scores[i].genome);
    const slots = o.population - next.length;
    const quotas = [...members.keys()].map((s) => ({ s, n: Math.floor((slots * share.get(s)!) / totalShare) }));
    let leftover = slots - quotas.reduce((t, q) => t + q.n, 0);
    quotas.sort((a, b) => share.get(b.s)! - share.get(a.s)!);
    for (const q of quotas) if (leftover-- > 0) q.n++;
    for (const q of quotas) {
      const idx = members.get(q.s)!;
      for (let k = 0; k < q.n; k++) {
        let parent = idx[Math.floor(rng() * idx.length)];
        for (let t = 1; t < o.tournament; t++) {
          const other = idx[Math.floor(rng() * idx.length)];
          if (rank[other] < rank[parent]) parent = other;
        }
        next.push(mutate(scores[parent].genome, rng, innovations, o.rates));
      }
    }
    // Keep one representative per living species (the first member), as NEAT does between generations.
    representatives = [...members.entries()].map(([, idx]) => population[idx[0]]);
    population = next;
  }
  return { champion: champion!, finalists: [...new Set(recent)], history };
}
