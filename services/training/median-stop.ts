// Median stopping rule (Golovin et al. 2017, "Google Vizier: A Service for Black-Box Optimization", §3.2.2,
// as in Katib's medianstop): stop a pending trial at step s when its best objective value up to s is strictly
// worse than the median of the running averages, up to s, of the objective of the completed trials.
import type { MedianStopRule } from './study-config.js';

export interface SeriesPoint {
  step: number;
  value: number;
}

export interface MedianStopDecision {
  stop: boolean;
  /** Why, when stopping: the two numbers compared. */
  reason: string;
}

export function medianStop(trial: readonly SeriesPoint[], completed: readonly (readonly SeriesPoint[])[], goal: 'minimize' | 'maximize', rule: MedianStopRule): MedianStopDecision {
  const keep = { stop: false, reason: '' };
  if (trial.length === 0) return keep;
  const step = Math.max(...trial.map((p) => p.step));
  if (step < rule.startStep) return keep;
  const better = (a: number, b: number) => (goal === 'minimize' ? a < b : a > b);
  const best = trial.filter((p) => p.step <= step).reduce((b, p) => (better(p.value, b) ? p.value : b), trial[0].value);
  const averages = completed
    .map((series) => series.filter((p) => p.step <= step))
    .filter((upTo) => upTo.length > 0)
    .map((upTo) => upTo.reduce((sum, p) => sum + p.value, 0) / upTo.length);
  if (averages.length < rule.minTrialsRequired || averages.length === 0) return keep;
  const m = median(averages);
  if (!better(m, best)) return keep;
  return { stop: true, reason: `best value ${best.toPrecision(4)} by step ${step} is worse than the median ${m.toPrecision(4)} of ${averages.length} completed trials' running averages` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
