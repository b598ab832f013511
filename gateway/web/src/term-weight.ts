// The term ↔ neural weight k of the hybrid score k·bm25 + neural (Ma et al. 2021). BM25 scores run to ~10–20
// while the neural part is a cosine in [-1, 1], so the useful k span several orders of magnitude: the slider
// walks a log-like ladder rather than a linear range.
export const K_STEPS = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 100] as const;

/** Ladder index of the step closest to k (for showing a k the service chose). */
export function nearestStep(k: number): number {
  let best = 0;
  K_STEPS.forEach((step, i) => {
    if (Math.abs(step - k) < Math.abs(K_STEPS[best]! - k)) best = i;
  });
  return best;
}

export function describeWeight(k: number): string {
  if (k === 0) return `k = 0 (neural only)`;
  if (k >= 100) return `k = ${formatK(k)} (terms dominate)`;
  return `k = ${formatK(k)}`;
}

export function formatK(k: number): string {
  return Number(k.toPrecision(3)).toString();
}
