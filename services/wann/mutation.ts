// WANN's three topology operators (paper §3, Fig. 2): insert node, add connection, change activation.
// Every operator returns a new genome and leaves its argument untouched.
import { ACTIVATIONS, topologicalOrder, type Genome } from './genome.js';
import { pick, type Rng } from './random.js';

/** NEAT innovation bookkeeping: the same structural change in one generation gets the same number. */
export class Innovations {
  private readonly known = new Map<string, number>();
  constructor(public next = 0, public nextNode = 0) {}
  /** Numbering that continues after an existing genome's innovations and node ids (a search resumed from it). */
  static after(g: Genome): Innovations {
    const innovations = new Innovations(g.connections.reduce((m, c) => Math.max(m, c.innovation + 1), 0), g.nodes.reduce((m, n) => Math.max(m, n.id + 1), 0));
    for (const c of g.connections) innovations.known.set(`${c.from}>${c.to}`, c.innovation);
    return innovations;
  }
  connection(from: number, to: number): number {
    const key = `${from}>${to}`;
    let n = this.known.get(key);
    if (n === undefined) this.known.set(key, (n = this.next++));
    return n;
  }
  node(): number {
    return this.nextNode++;
  }
}

// Genes are never changed in place: a child shares its parent's unchanged node and connection objects and
// gets new objects for the ones it changes, so making a child costs two array copies, not a deep copy.
const clone = (g: Genome): Genome => ({ nodes: [...g.nodes], connections: [...g.connections] });

/** Split an enabled connection a→b into a→new→b; the old one is disabled (NEAT). */
export function insertNode(g: Genome, rng: Rng, innovations: Innovations): Genome {
  const enabled = g.connections.filter((c) => c.enabled);
  if (!enabled.length) return g;
  const out = clone(g);
  const split = pick(rng, enabled);
  out.connections[out.connections.indexOf(split)] = { ...split, enabled: false };
  const id = innovations.node();
  out.nodes.push({ id, kind: 'hidden', activation: pick(rng, ACTIVATIONS) });
  out.connections.push({ from: split.from, to: id, enabled: true, innovation: innovations.connection(split.from, id) });
  out.connections.push({ from: id, to: split.to, enabled: true, innovation: innovations.connection(id, split.to) });
  return out;
}

/**
 * Connect two unconnected nodes so the network stays feed-forward: the source comes earlier in a
 * topological order than the target, so no cycle can form. Returns the genome unchanged when none is free.
 */
export function addConnection(g: Genome, rng: Rng, innovations: Innovations, tries = 20): Genome {
  const rank = new Map(topologicalOrder(g).map((id, i) => [id, i]));
  const sources = g.nodes.filter((n) => n.kind !== 'output');
  const targets = g.nodes.filter((n) => n.kind === 'output' || n.kind === 'hidden');
  for (let t = 0; t < tries; t++) {
    let from = pick(rng, sources), to = pick(rng, targets);
    if (from.id === to.id) continue;
    // Orient by topological rank; an input/bias can only be a source.
    if (rank.get(from.id)! > rank.get(to.id)!) {
      if (to.kind !== 'hidden' || from.kind === 'input' || from.kind === 'bias') continue;
      [from, to] = [to, from];
    }
    const a = from.id, b = to.id;
    if (g.connections.some((c) => c.from === a && c.to === b)) continue;
    const out = clone(g);
    out.connections.push({ from: from.id, to: to.id, enabled: true, innovation: innovations.connection(from.id, to.id) });
    return out;
  }
  return g;
}

/** Give a hidden (or output, when allowed) node a different activation. */
export function changeActivation(g: Genome, rng: Rng, outputsToo = false): Genome {
  const candidates = g.nodes.filter((n) => n.kind === 'hidden' || (outputsToo && n.kind === 'output'));
  if (!candidates.length) return g;
  const out = clone(g);
  const node = pick(rng, candidates);
  out.nodes[out.nodes.indexOf(node)] = { ...node, activation: pick(rng, ACTIVATIONS.filter((a) => a !== node.activation)) };
  return out;
}

export interface MutationRates {
  insertNode: number;
  addConnection: number;
  changeActivation: number;
}

/** One operator chosen with the given relative probabilities (the paper applies one per child). */
export function mutate(g: Genome, rng: Rng, innovations: Innovations, rates: MutationRates): Genome {
  const total = rates.insertNode + rates.addConnection + rates.changeActivation;
  let r = rng() * total;
  if ((r -= rates.insertNode) < 0) return insertNode(g, rng, innovations);
  if ((r -= rates.addConnection) < 0) return addConnection(g, rng, innovations);
  return changeActivation(g, rng);
}
