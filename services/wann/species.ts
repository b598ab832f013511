// NEAT speciation (Stanley & Miikkulainen 2002, eq. 1) adapted to WANN: with no weights the distance is
// the share of disjoint/excess connection genes plus the share of matching nodes whose activation differs.
import type { Genome } from './genome.js';

export interface Compatibility {
  /** c1 (connection genes not shared). */
  connectionCoefficient: number;
  /** c3 in NEAT weighs weight differences; here it weighs activation differences of shared nodes. */
  activationCoefficient: number;
}

/** What the distance compares, computed once per genome (speciation compares each genome with many representatives). */
interface Features {
  innovations: Set<number>;
  activations: Map<number, string>;
}
const featureCache = new WeakMap<Genome, Features>();
function features(g: Genome): Features {
  let f = featureCache.get(g);
  if (!f) {
    f = {
      innovations: new Set(g.connections.map((c) => c.innovation)),
      activations: new Map(g.nodes.filter((x) => x.kind !== 'input' && x.kind !== 'bias').map((x) => [x.id, x.activation])),
    };
    featureCache.set(g, f);
  }
  return f;
}

export function compatibilityDistance(a: Genome, b: Genome, k: Compatibility): number {
  const fa = features(a), fb = features(b);
  let shared = 0;
  for (const i of fa.innovations) if (fb.innovations.has(i)) shared++;
  const disjoint = fa.innovations.size + fb.innovations.size - 2 * shared;
  const n = Math.max(fa.innovations.size, fb.innovations.size, 1);
  let sharedNodes = 0, differ = 0;
  for (const [id, activation] of fa.activations) {
    const other = fb.activations.get(id);
    if (other === undefined) continue;
    sharedNodes++;
    if (other !== activation) differ++;
  }
  return (k.connectionCoefficient * disjoint) / n + (k.activationCoefficient * differ) / Math.max(sharedNodes, 1);
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
