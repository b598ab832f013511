// The three regimes of Shallue et al. 2018 (§5.1, Fig. 1): steps-to-target S(B) against batch size B on log-log
// axes falls with slope ≈ −1 (perfect scaling), then flattens (diminishing returns), then is flat (maximal data
// parallelism). We fit a continuous piecewise-linear function of x = log2 B with two break points by least
// squares, searching the break points on a fine grid and solving the slopes in closed form for each pair.
import { mat, solveSpd } from '../ml/linalg64.js';

export interface RegimeFit {
  /** log2 B of the two break points. */
  breaks: [number, number];
  /** Slopes of log2 S vs log2 B in the three segments: perfect scaling, diminishing returns, maximal parallelism. */
  slopes: [number, number, number];
  intercept: number;
  /** Batch size where the maximal-data-parallelism plateau starts (2^breaks[1], rounded to a measured batch size). */
  maxUsefulBatch: number;
  /** Root mean squared residual in log2 steps. */
  rmse: number;
}

const hinge = (x: number, b: number): number => Math.max(0, x - b);

function leastSquares(xs: number[], ys: number[], b1: number, b2: number): { coef: number[]; sse: number } | null {
  const rows = xs.map((x) => [1, x, hinge(x, b1), hinge(x, b2)]);
  const ata = mat(4, 4), aty = mat(4, 1);
  rows.forEach((r, i) => {
    for (let j = 0; j < 4; j++) {
      aty.data[j] += r[j] * ys[i];
      for (let k = 0; k < 4; k++) ata.data[j * 4 + k] += r[j] * r[k];
    }
  });
  for (let j = 0; j < 4; j++) ata.data[j * 4 + j] += 1e-9; // ridge: a segment with one point stays solvable
  let coef: number[];
  try {
    coef = Array.from(solveSpd(ata, aty).data);
  } catch {
    return null;
  }
  const sse = rows.reduce((s, r, i) => s + (r.reduce((a, v, j) => a + v * coef[j], 0) - ys[i]) ** 2, 0);
  return { coef, sse };
}

/** Fit the three regimes to (batch size, steps-to-target) points; needs ≥ 4 points with distinct batch sizes. */
export function fitRegimes(points: readonly { batch: number; steps: number }[], gridPerOctave = 8): RegimeFit {
  if (points.length < 4) throw new Error(`fitRegimes: need at least 4 points, got ${points.length}`);
  const xs = points.map((p) => Math.log2(p.batch)), ys = points.map((p) => Math.log2(p.steps));
  const sorted = [...xs].sort((a, b) => a - b), n = sorted.length;
  const grid: number[] = [];
  for (let x = sorted[0]; x <= sorted[n - 1] + 1e-9; x += 1 / gridPerOctave) grid.push(x);
  let best: { coef: number[]; sse: number; b1: number; b2: number } | null = null;
  for (const b1 of grid) {
    for (const b2 of grid) {
      // The outer segments span at least two measured points: a slope through one point and a break is arbitrary.
      if (b2 <= b1 || b1 < sorted[1] - 1e-9 || b2 > sorted[n - 2] + 1e-9) continue;
      const fit = leastSquares(xs, ys, b1, b2);
      if (fit && (!best || fit.sse < best.sse - 1e-12)) best = { ...fit, b1, b2 };
    }
  }
  if (!best) throw new Error('fitRegimes: no fit');
  const [intercept, s1, d2, d3] = best.coef;
  const measured = [...points.map((p) => p.batch)].sort((a, b) => a - b);
  const maxUsefulBatch = measured.reduce((acc, b) => (Math.abs(Math.log2(b) - best!.b2) < Math.abs(Math.log2(acc) - best!.b2) ? b : acc));
  return { breaks: [best.b1, best.b2], slopes: [s1, s1 + d2, s1 + d2 + d3], intercept, maxUsefulBatch, rmse: Math.sqrt(best.sse / xs.length) };
}
