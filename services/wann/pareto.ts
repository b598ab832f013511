// Multi-objective ranking (WANN paper §3: mean performance, max performance, number of connections) by
// non-dominated sorting (NSGA-II, Deb et al. 2002). Every objective here is to be MAXIMIZED; pass
// −connections for "fewer is better".

/** a dominates b: no worse in every objective and better in at least one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/** Fronts of indices: front 0 is non-dominated, front 1 is non-dominated once front 0 is removed, … */
export function paretoFronts(points: readonly (readonly number[])[]): number[][] {
  const dominatedBy = points.map(() => 0);
  const dominating = points.map(() => [] as number[]);
  for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < points.length; j++) {
      if (i !== j && dominates(points[i], points[j])) dominating[i].push(j);
      else if (i !== j && dominates(points[j], points[i])) dominatedBy[i]++;
    }
  }
  const fronts: number[][] = [];
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) for (const j of dominating[i]) if (--dominatedBy[j] === 0) next.push(j);
    current = next;
  }
  return fronts;
}

/**
 * Rank of every point (0 = best). Ties within a front are broken by `tieBreak` (higher first), the paper's
 * choice being mean performance.
 */
export function paretoRank(points: readonly (readonly number[])[], tieBreak: readonly number[]): number[] {
  const order = paretoFronts(points).flatMap((front) => [...front].sort((a, b) => tieBreak[b] - tieBreak[a]));
  const rank = new Array<number>(points.length);
  order.forEach((i, r) => (rank[i] = r));
  return rank;
}
