// The MorphNet cycle (Gordon et al. 2018, Algorithm 1): train the seed network with the resource-weighted
// regularizer → shrink it to the neurons that stayed alive → expand the learned structure by a uniform width
// multiplier to the budget → retrain that network from scratch.
import { channelGroups } from './channel-groups.js';
import { coefficients, layerCosts, totalCost, type Coefficients, type LayerCostRow, type Target } from './cost-model.js';
import { costOfSpec, solveWidthMultiplier } from './expand.js';
import type { Dataset } from '../ml/idx-datasets.js';
import { measureLatency } from './latency.js';
import { checkNetwork, type Graph, type NetworkSpec } from './network.js';
import { createModel } from './network-model.js';
import { groupGates } from './regularizer.js';
import { shrink } from './shrink.js';
import { evaluate, train } from './train.js';

export interface CycleOptions {
  network: NetworkSpec;
  target: Target;
  /** Regularizer strength relative to the seed's initial cost. */
  strength: number;
  aliveThreshold: number;
  /** Budget in target units for the expansion; 0 means the seed network's cost. */
  budget: number;
  trainSteps: number;
  /** 0 skips retraining the expanded network. */
  retrainSteps: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export interface CycleHooks {
  signal?: AbortSignal;
  report?: (values: Record<string, number>, step: number) => Promise<void> | void;
  progress?: (fraction: number) => Promise<void> | void;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface StructureReport {
  network: NetworkSpec;
  /** Cost in target units. */
  cost: number;
  flops: number;
  params: number;
  layers: LayerCostRow[];
}

export interface CycleResult {
  target: Target;
  budget: number;
  seed: StructureReport;
  shrunk: StructureReport;
  expanded: StructureReport;
  widthMultiplier: number;
  removedLayers: string[];
  regularizedAccuracy: number;
  /** Test accuracy of the retrained expanded network; null when retraining was skipped. */
  expandedAccuracy: number | null;
}

/** Coefficients of the seed network for a target (latency is measured on the serving backend). */
export async function targetCoefficients(seed: Graph, target: Target): Promise<Coefficients> {
  return coefficients(seed, target, target === 'latency' ? (await measureLatency(seed)).latencyUs : undefined);
}

/** Prices any width variant of the seed network with the seed's coefficients. */
export function costFunction(coef: Coefficients): (net: NetworkSpec) => number {
  return costOfSpec((g) => totalCost(g, channelGroups(g), coef));
}

export function structureReport(net: NetworkSpec, coef: Coefficients): StructureReport {
  const graph = checkNetwork(net);
  const layers = layerCosts(graph, channelGroups(graph));
  return {
    network: net,
    cost: totalCost(graph, channelGroups(graph), coef),
    flops: layers.reduce((s, l) => s + l.flops, 0),
    params: layers.reduce((s, l) => s + l.params, 0),
    layers,
  };
}

/** Prunable channels after the regularized phase: dead (|gate| ≤ threshold), barely alive (≤ 10× the threshold), alive. */
export interface GateCensus { dead: number; nearThreshold: number; alive: number }

export interface LearnedStructure { net: NetworkSpec; removed: string[]; regularizedAccuracy: number; gates: GateCensus }

function gateCensus(gates: number[][], threshold: number): GateCensus {
  const finite = gates.flat().filter(Number.isFinite);
  const dead = finite.filter((g) => g <= threshold).length;
  const nearThreshold = finite.filter((g) => g > threshold && g <= 10 * threshold).length;
  return { dead, nearThreshold, alive: finite.length - dead };
}

/** Train with the MorphNet regularizer and shrink to the alive neurons. */
export async function learnStructure(seed: Graph, coef: Coefficients, data: Dataset, opts: CycleOptions, hooks: CycleHooks = {}): Promise<LearnedStructure> {
  const model = createModel(seed, opts.seed);
  try {
    await train(model, data.train, {
      steps: opts.trainSteps,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      seed: opts.seed,
      signal: hooks.signal,
      regularizer: { coef, strength: opts.strength, threshold: opts.aliveThreshold },
      onReport: async (step, values) => {
        await hooks.report?.(values, step);
        await hooks.progress?.((0.5 * step) / opts.trainSteps);
      },
    });
    const regularizedAccuracy = await evaluate(model, data.test);
    const gates = groupGates(model, channelGroups(seed));
    const { net, removed } = shrink(seed, channelGroups(seed), gates, opts.aliveThreshold);
    return { net, removed, regularizedAccuracy, gates: gateCensus(gates, opts.aliveThreshold) };
  } finally {
    model.dispose();
  }
}

/** Train a network from scratch (fresh initialization) and return its test accuracy. */
export async function trainFromScratch(net: NetworkSpec, data: Dataset, opts: Pick<CycleOptions, 'batchSize' | 'learningRate' | 'seed'> & { steps: number }, hooks: CycleHooks = {}, progressFrom = 0): Promise<number> {
  const model = createModel(checkNetwork(net), opts.seed + 1);
  try {
    await train(model, data.train, {
      steps: opts.steps,
      batchSize: opts.batchSize,
      learningRate: opts.learningRate,
      seed: opts.seed + 1,
      signal: hooks.signal,
      onReport: async (step, values) => {
        await hooks.report?.({ retrain_loss: values.loss }, step);
        await hooks.progress?.(progressFrom + ((1 - progressFrom) * step) / opts.steps);
      },
    });
    return await evaluate(model, data.test);
  } finally {
    model.dispose();
  }
}

export async function runCycle(opts: CycleOptions, data: Dataset, hooks: CycleHooks = {}): Promise<CycleResult> {
  const seed = checkNetwork(opts.network);
  const coef = await targetCoefficients(seed, opts.target);
  const cost = costFunction(coef);
  const budget = opts.budget > 0 ? opts.budget : cost(opts.network);
  solveWidthMultiplier(seed, budget, cost); // an impossible budget fails now (BudgetError), not after training
  hooks.log?.('morphnet: regularized training', { target: opts.target, strength: opts.strength, budget });
  const learned = await learnStructure(seed, coef, data, opts, hooks);
  const expansion = solveWidthMultiplier(checkNetwork(learned.net), budget, cost);
  hooks.log?.('morphnet: expanded', { multiplier: expansion.multiplier, cost: expansion.cost, removed: learned.removed });
  const expandedAccuracy = opts.retrainSteps > 0
    ? await trainFromScratch(expansion.net, data, { ...opts, steps: opts.retrainSteps }, hooks, 0.5)
    : null;
  await hooks.progress?.(1);
  return {
    target: opts.target,
    budget,
    seed: structureReport(opts.network, coef),
    shrunk: structureReport(learned.net, coef),
    expanded: structureReport(expansion.net, coef),
    widthMultiplier: expansion.multiplier,
    removedLayers: learned.removed,
    regularizedAccuracy: learned.regularizedAccuracy,
    expandedAccuracy,
  };
}
