// The paper's read-out of a found network (Table / Fig. 5): performance at each shared weight, of the
// ensemble over the weights, and after tuning the single shared weight (chosen on training data only).
import { rollout, startStates } from './cartpole.js';
import { compile, enabledConnections, forward, type Genome, type Plan } from './genome.js';
import { accuracy, mnistAccuracies, type Digits } from './mnist16.js';

/** Fine grid the single shared weight is tuned over (0 excluded: it zeroes every connection). */
export const TUNING_GRID = Array.from({ length: 60 }, (_, i) => -3 + i * 0.1).filter((w) => Math.abs(w) > 1e-9).concat([3]).map((w) => Math.round(w * 10) / 10);

export interface FinalEvaluation {
  perWeight: { weight: number; value: number }[];
  mean: number;
  ensemble?: number;
  tunedWeight: number;
  tuned: number;
  connections: number;
  hiddenNodes: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The finalist reported: the one with the best mean performance over the weight series on the tuning data
 * (training images / the search's episodes), not on the single minibatch that made it a generation's best.
 */
export function pickFinalist(finalists: Genome[], score: (plan: Plan) => number): Genome {
  const scores = finalists.map((g) => score(compile(g)));
  return finalists[scores.indexOf(Math.max(...scores))];
}

/** Mean training accuracy over the weights (MNIST) or mean return on the search's episodes (swing-up). */
export const mnistScore = (tuneOn: Digits, weights: number[]) => (plan: Plan): number => mean(mnistAccuracies(plan, tuneOn, weights).perWeight);
export const swingUpScore = (weights: number[], steps: number, trials: number, searchSeed: number) => {
  const tune = startStates(trials, searchSeed);
  return (plan: Plan): number => mean(weights.map((w) => rollout(plan, w, tune, steps)));
};

const structure = (g: Genome) => ({ connections: enabledConnections(g), hiddenNodes: g.nodes.filter((n) => n.kind === 'hidden').length });

export function evaluateMnist(g: Genome, weights: number[], tuneOn: Digits, test: Digits): FinalEvaluation {
  const plan = compile(g);
  const onTest = mnistAccuracies(plan, test, weights);
  const perWeight = weights.map((w, i) => ({ weight: w, value: onTest.perWeight[i] }));
  const accuracyAt = (d: Digits, w: number) => accuracy(forward(plan, d.pixels, d.n, w), d.labels);
  const tunedWeight = TUNING_GRID.reduce((best, w) => {
    const a = accuracyAt(tuneOn, w);
    return a > best.acc ? { w, acc: a } : best;
  }, { w: weights[0], acc: -1 }).w;
  return {
    perWeight, mean: mean(perWeight.map((p) => p.value)), ensemble: onTest.ensemble,
    tunedWeight, tuned: accuracyAt(test, tunedWeight), ...structure(g),
  };
}

/** Returns on fresh start states (seed different from the search's), tuned on the search's episodes. */
export function evaluateSwingUp(g: Genome, weights: number[], steps: number, trials: number, searchSeed: number): FinalEvaluation {
  const plan = compile(g);
  const test = startStates(trials, searchSeed + 1000), tune = startStates(trials, searchSeed);
  const perWeight = weights.map((w) => ({ weight: w, value: rollout(plan, w, test, steps) }));
  const tunedWeight = TUNING_GRID.reduce((best, w) => {
    const r = rollout(plan, w, tune, steps);
    return r > best.r ? { w, r } : best;
  }, { w: weights[0], r: -Infinity }).w;
  return {
    perWeight, mean: mean(perWeight.map((p) => p.value)),
    tunedWeight, tuned: rollout(plan, tunedWeight, test, steps), ...structure(g),
  };
}
