// NEAT speciation (Stanley & Miikkulainen 2002, eq. 1) adapted to WANN: with no weights the distance is
// the share of disjoint/excess connection genes plus the share of matching nodes whose activation differs.
import { ACTIVATIONS, type Genome } from './genome.js';

export interface Compatibility {
  /** c1 (connection genes not shared). */
  connectionCoefficient: number;
  /** c3 in NEAT weighs weight differences; here it weighs activation differences of shared nodes. */
  activationCoefficient: number;
}

/** What the distance compares, computed once per genome (speciation compares each genome with many representatives). */
interface Features {
  /** Innovation numbers of all connection genes, ascending. */
  innovations: Int32Array;
  /** Ids of the hidden and output nodes, ascending, and each one's activation (index in ACTIVATIONS). */
  nodeIds: Int32Array;
  activations: Uint8Array;
}
const featureCache = new WeakMap<Genome, Features>();
function features(g: Genome): Features {
  let f = featureCache.get(g);
  if (!f) {
    const innovations = new Int32Array(g.connections.length);
    g.connections.forEach((c, i) => (innovations[i] = c.innovation));
    const computed = g.nodes.filter((x) => x.kind !== 'input' && x.kind !== 'bias').sort((a, b) => a.id - b.id);
    const nodeIds = new Int32Array(computed.length), activations = new Uint8Array(computed.length);
    computed.forEach((x, i) => {
      nodeIds[i] = x.id;
      activations[i] = ACTIVATIONS.indexOf(x.activation);
    });
    f = { innovations: innovations.sort(), nodeIds, activations };
    featureCache.set(g, f);
  }
  return f;
}

export function compatibilityDistance(a: Genome, b: Genome, k: Compatibility): number {
  const fa = features(a), fb = features(b);
  let shared = 0;
  for (let i = 0, j = 0; i < fa.innovations.length && j < fb.innovations.length;) {
    if (fa.innovations[i] < fb.innovations[j]) i++;
    else if (fa.innovations[i] > fb.innovations[j]) j++;
    else (shared++, i++, j++);
  }
  const disjoint = fa.innovations.length + fb.innovations.length - 2 * shared;
  const n = Math.max(fa.innovations.length, fb.innovations.length, 1);
  let sharedNodes = 0, differ = 0;
  for (let i = 0, j = 0; i < fa.nodeIds.length && j < fb.nodeIds.length;) {
    if (fa.nodeIds[i] < fb.nodeIds[j]) i++;
    else if (fa.nodeIds[i] > fb.nodeIds[j]) j++;
    else {
      sharedNodes++;
      if (fa.activations[i++] !== fb.activations[j++]) differ++;
    }
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
