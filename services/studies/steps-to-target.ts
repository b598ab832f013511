// Steps to reach a target metric (Shallue et al. 2018, §3: "steps to result"): the first evaluated step at which
// a validation curve reaches the target, or null when the trial never got there within its budget.

export interface CurvePoint {
  step: number;
  value: number;
}

/** First step whose value is ≥ target (or ≤ target when `higherIsBetter` is false); null if none. */
export function stepsToTarget(curve: readonly CurvePoint[], target: number, higherIsBetter = true): number | null {
  for (const p of [...curve].sort((a, b) => a.step - b.step)) {
    if (higherIsBetter ? p.value >= target : p.value <= target) return p.step;
  }
  return null;
}

/** The smallest steps-to-target over a set of trials (the best hyperparameters of a batch size), or null. */
export function bestSteps(trials: readonly (number | null)[]): number | null {
  const reached = trials.filter((s): s is number => s !== null);
  return reached.length === 0 ? null : Math.min(...reached);
}
