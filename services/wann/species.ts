// NEAT speciation (Stanley & Miikkulainen 2002, eq. 1) adapted to WANN: with no weights the distance is
// the share of disjoint/excess connection genes plus the share of matching nodes whose activation differs.
import type { Genome } from './genome.js';

export interface Compatibility {
  /** c1 (connection genes not shared). */
  connectionCoefficient: number;
  /** c3 in NEAT weighs weight differences; here it weighs activation differences of shared nodes. */
  activationCoefficient: number;
}

export function compatibilityDistance(a: Genome, b: Genome, k: Compatibility): number {
  const ia = new Set(a.connections.map((c) => c.innovation)), ib = new Set(b.connections.map((c) => c.innovation));
  let disjoint = 0;
  for (const i of ia) if (!ib.has(i)) disjoint++;
  for (const i of ib) if (!ia.has(i)) disjoint++;
  const n = Math.max(ia.size, ib.size, 1);
  const actB = new Map(b.nodes.map((x) => [x.id, x.activation]));
  let shared = 0, differ = 0;
  for (const x of a.nodes) {
    const other = actB.get(x.id);
    if (other === undefined || x.kind === 'input' || x.kind === 'bias') continue;
    shared++;
    if (other !== x.activation) differ++;
  }
  return (k.connectionCoefficient * disjoint) / n + (k.activationCoefficient * differ) / Math.max(shared, 1);
}

/** Assign each genome to the first species whose representative is within `threshold`; else found a new one. */
export function speciate(genomes: Genome[], representatives: Genome[], threshold: number, k: Compatibility): { species: number[]; representatives: Genome[] } {
  const reps = [...representatives];
  const species = genomes.map((g) => {
    const s = reps.findIndex((r) => compatibilityDistance(g, r, k) < threshold);
    if (s >= 0) return s;
    reps.push(g);
    return reps.length - 1;
  });
  return { species, representatives: reps };
}
