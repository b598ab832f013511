// A WANN genome (Gaier & Ha 2019, "Weight Agnostic Neural Networks"): nodes with one activation each and
// enabled/disabled connections that carry NO weight of their own — every connection uses the one shared
// weight passed at evaluation. Innovation numbers are the NEAT bookkeeping used by speciation.

export const ACTIVATIONS = ['linear', 'step', 'sin', 'cos', 'gaussian', 'tanh', 'sigmoid', 'inverse', 'abs', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
// Definitions (applied to w·Σ inputs): `activate` below; sin/cos take π·x, sigmoid is (tanh(x/2)+1)/2, inverse is −x.

const KINDS = ['input', 'bias', 'output', 'hidden'] as const;
export type NodeKind = (typeof KINDS)[number];

export interface WannNode {
  id: number;
  kind: NodeKind;
  activation: Activation;
}

export interface Connection {
  from: number;
  to: number;
  enabled: boolean;
  /** NEAT innovation number: the same structural change gets the same number within a search. */
  innovation: number;
}

export interface Genome {
  nodes: WannNode[];
  connections: Connection[];
}

/** Positions 0…n−1 sorted so that every edge from[e] → to[e] goes forward (Kahn); throws on a cycle. */
function sortTopologically(n: number, from: Int32Array, to: Int32Array): Int32Array {
  // Outgoing edges in CSR form: targets of position i are at [start[i], start[i + 1]).
  const start = new Int32Array(n + 1), indegree = new Int32Array(n);
  for (let e = 0; e < from.length; e++) {
    start[from[e] + 1]++;
    indegree[to[e]]++;
  }
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, -1), targets = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) targets[fill[from[e]]++] = to[e];
  const ready = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (indegree[i] === 0) ready[count++] = i;
  for (let head = 0; head < count; head++) {
    const i = ready[head];
    for (let j = start[i]; j < start[i + 1]; j++) if (--indegree[targets[j]] === 0) ready[count++] = targets[j];
  }
  if (count !== n) throw new Error('genome has a cycle');
  return ready;
}

/** Node ids in an order where every enabled connection goes from an earlier to a later node; throws on a cycle. */
export function topologicalOrder(g: Genome): number[] {
  const { from, to } = positions(pack(g));
  return Array.from(sortTopologically(g.nodes.length, from, to), (i) => g.nodes[i].id);
}

/** Connections of a packed genome as node positions (its `ids` order). */
function positions(p: PackedGenome): { from: Int32Array; to: Int32Array } {
  // Node ids are small non-negative integers in practice (a search's node counter): then a dense table, else a Map.
  const max = p.ids.reduce((m, id) => Math.max(m, id), 0), min = p.ids.reduce((m, id) => Math.min(m, id), 0);
  const dense = min >= 0 && max < 2 ** 24 ? new Int32Array(max + 1).fill(-1) : undefined;
  const sparse = dense ? undefined : new Map<number, number>();
  p.ids.forEach((id, i) => (dense ? (dense[id] = i) : sparse!.set(id, i)));
  const at = (c: number, id: number) => {
    const i = dense ? (id >= 0 && id <= max ? dense[id] : -1) : sparse!.get(id) ?? -1;
    if (i < 0) throw new Error(`connection ${p.from[c]}->${p.to[c]} names a missing node`);
    return i;
  };
  const from = new Int32Array(p.from.length), to = new Int32Array(p.to.length);
  for (let c = 0; c < from.length; c++) {
    from[c] = at(c, p.from[c]);
    to[c] = at(c, p.to[c]);
  }
  return { from, to };
}

/**
 * Structural checks: unique integer node ids with a known kind and activation, connections between existing
 * nodes with integer innovation numbers, none into inputs/bias, acyclic.
 */
export function checkGenome(g: Genome): void {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  if (byId.size !== g.nodes.length) throw new Error('duplicate node id');
  for (const n of g.nodes) {
    if (!Number.isInteger(n.id)) throw new Error(`node id ${n.id} is not an integer`);
    if (!KINDS.includes(n.kind)) throw new Error(`node ${n.id}: unknown kind ${n.kind}`);
    if (!ACTIVATIONS.includes(n.activation)) throw new Error(`node ${n.id}: unknown activation ${n.activation}`);
  }
  const seen = new Set<string>();
  for (const c of g.connections) {
    if (!Number.isInteger(c.innovation)) throw new Error(`connection ${c.from}->${c.to}: innovation ${c.innovation} is not an integer`);
    const from = byId.get(c.from), to = byId.get(c.to);
    if (!from || !to) throw new Error(`connection ${c.from}->${c.to} names a missing node`);
    if (to.kind === 'input' || to.kind === 'bias') throw new Error(`connection into ${to.kind} node ${c.to}`);
    if (from.kind === 'output') throw new Error(`connection out of output node ${c.from}`);
    const key = `${c.from}>${c.to}`;
    if (seen.has(key)) throw new Error(`duplicate connection ${key}`);
    seen.add(key);
  }
  topologicalOrder(g);
}

/**
 * What evaluation needs of a genome, in typed arrays (cheap to post to a worker thread, unlike thousands of
 * small objects): nodes with kinds and activations as indices, and the enabled connections.
 */
export interface PackedGenome {
  ids: Int32Array;
  kinds: Uint8Array;
  activations: Uint8Array;
  from: Int32Array;
  to: Int32Array;
}

export function pack(g: Genome): PackedGenome {
  const n = g.nodes.length, ids = new Int32Array(n), kinds = new Uint8Array(n), activations = new Uint8Array(n);
  g.nodes.forEach((node, i) => {
    ids[i] = node.id;
    kinds[i] = KINDS.indexOf(node.kind);
    activations[i] = ACTIVATIONS.indexOf(node.activation);
  });
  const enabled = g.connections.filter((c) => c.enabled), from = new Int32Array(enabled.length), to = new Int32Array(enabled.length);
  enabled.forEach((c, i) => {
    from[i] = c.from;
    to[i] = c.to;
  });
  return { ids, kinds, activations, from, to };
}

export const enabledConnections = (g: Genome): number => g.connections.filter((c) => c.enabled).length;

/**
 * A genome compiled for evaluation, in typed arrays. Computed (hidden and output) nodes are numbered in
 * topological order ("steps"); step k's incoming connections are split into sources (input index, or −1 for the
 * bias) at `sources[sourceStart[k] .. sourceStart[k+1])` and earlier steps at `nodes[nodeStart[k] .. nodeStart[k+1])`.
 *
 * `key[k]` names what step k computes: a hash of its activation and of its inputs' keys, so two nodes with the same
 * structure below them — in one network or in two — share a key (53 bits: two unrelated structures among the
 * ~10⁴ nodes of one population's evaluation collide with odds of about 10⁻⁸). Incoming lists are in a canonical
 * order (sources by input index, then nodes by key), so a node's value does not depend on the order in which its
 * genome lists connections — which is what lets `NodeMemo` hand one network's node values to another.
 */
export interface Plan {
  inputs: number;
  activation: Uint8Array;
  sourceStart: Int32Array;
  sources: Int32Array;
  nodeStart: Int32Array;
  nodes: Int32Array;
  key: Float64Array;
  /** Step of each output node, in the genome's node order. */
  outputs: Int32Array;
}

/** murmur3's 32-bit finaliser. */
const fmix = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
};

export function compile(genome: Genome | PackedGenome): Plan {
  const p = 'ids' in genome ? genome : pack(genome);
  const n = p.ids.length;
  const { from, to } = positions(p);
  const order = sortTopologically(n, from, to);
  // Incoming connections by target position (CSR).
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < to.length; e++) inStart[to[e] + 1]++;
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i];
  const fill = inStart.slice(0, -1), incoming = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) incoming[fill[to[e]]++] = from[e];
  // Input index of each position (−1 bias, −2 computed); two hash lanes per position, then step numbers.
  const input = new Int32Array(n).fill(-2), keyA = new Int32Array(n), keyB = new Int32Array(n), step = new Int32Array(n).fill(-1);
  const key = new Float64Array(n), setKey = (i: number) => (key[i] = (keyA[i] >>> 0) * 2 ** 21 + (keyB[i] >>> 11));
  const inputAt: number[] = [];
  let bias = -1;
  for (let i = 0; i < n; i++) {
    const kind = KINDS[p.kinds[i]];
    if (kind !== 'input' && kind !== 'bias') continue;
    if (kind === 'bias') {
      bias = i;
      input[i] = -1;
    } else {
      input[i] = inputAt.length;
      inputAt.push(i);
    }
    keyA[i] = fmix(input[i] + 0x3c6ef372);
    keyB[i] = fmix(Math.imul(input[i], 0x27d4eb2f) + 0x165667b1);
    setKey(i);
  }
  const steps = input.filter((x) => x === -2).length, activation = new Uint8Array(steps), stepKey = new Float64Array(steps);
  const sourceStart = new Int32Array(steps + 1), nodeStart = new Int32Array(steps + 1);
  const sources = new Int32Array(from.length), nodes = new Int32Array(from.length);
  let k = 0, ns = 0, nn = 0;
  for (const i of order) {
    if (input[i] !== -2) continue;
    const s0 = ns, n0 = nn;
    for (let e = inStart[i]; e < inStart[i + 1]; e++) {
      const j = incoming[e];
      if (input[j] !== -2) sources[ns++] = input[j];
      else nodes[nn++] = j;
    }
    sources.subarray(s0, ns).sort();
    for (let e = n0 + 1; e < nn; e++) { // insertion sort by key: incoming lists of computed nodes are short
      const j = nodes[e];
      let f = e;
      for (; f > n0 && key[nodes[f - 1]] > key[j]; f--) nodes[f] = nodes[f - 1];
      nodes[f] = j;
    }
    let a = fmix(p.activations[i] + 0x9e3779b9), b = fmix(p.activations[i] + 0x85ebca77);
    for (let e = s0; e < nn - n0 + ns; e++) {
      const j = e < ns ? (sources[e] < 0 ? bias : inputAt[sources[e]]) : nodes[n0 + e - ns];
      a = fmix(a + Math.imul(keyA[j], 0x9e3779b1));
      b = fmix((b ^ Math.imul(keyB[j], 0x7feb352d)) + 0x165667b1);
    }
    for (let e = n0; e < nn; e++) nodes[e] = step[nodes[e]];
    keyA[i] = a;
    keyB[i] = b;
    stepKey[k] = setKey(i);
    activation[k] = p.activations[i];
    step[i] = k++;
    sourceStart[k] = ns;
    nodeStart[k] = nn;
  }
  const outputs: number[] = [];
  for (let i = 0; i < n; i++) if (KINDS[p.kinds[i]] === 'output') outputs.push(step[i]);
  return {
    inputs: inputAt.length, activation, key: stepKey, sourceStart, sources: sources.slice(0, ns), nodeStart, nodes: nodes.slice(0, nn),
    outputs: Int32Array.from(outputs),
  };
}

/** v[b] = act(w · v[b]) for b in [lo, hi), the activation with index `code` in ACTIVATIONS; one tight loop per case. */
function activate(code: number, v: Float64Array, lo: number, hi: number, w: number): void {
  switch (ACTIVATIONS[code]) {
    case 'linear': for (let b = lo; b < hi; b++) v[b] = w * v[b]; break;
    case 'step': for (let b = lo; b < hi; b++) v[b] = w * v[b] > 0 ? 1 : 0; break;
    case 'sin': for (let b = lo; b < hi; b++) v[b] = Math.sin(Math.PI * w * v[b]); break;
    case 'cos': for (let b = lo; b < hi; b++) v[b] = Math.cos(Math.PI * w * v[b]); break;
    case 'gaussian': for (let b = lo; b < hi; b++) { const x = w * v[b]; v[b] = Math.exp(-(x * x) / 2); } break;
    case 'tanh': for (let b = lo; b < hi; b++) v[b] = Math.tanh(w * v[b]); break;
    case 'sigmoid': for (let b = lo; b < hi; b++) v[b] = (Math.tanh((w * v[b]) / 2) + 1) / 2; break;
    case 'inverse': for (let b = lo; b < hi; b++) v[b] = -w * v[b]; break;
    case 'abs': for (let b = lo; b < hi; b++) v[b] = Math.abs(w * v[b]); break;
    case 'relu': for (let b = lo; b < hi; b++) { const x = w * v[b]; v[b] = x > 0 ? x : 0; } break;
  }
}

/**
 * Node values already computed on one batch at one weight series, by structural key (`Plan.key`). The networks of
 * one generation share most of their nodes — a child differs from its parent by one mutation — so with a memo each
 * distinct node is computed once per generation instead of once per network. Values are bit-identical either way
 * (a node's value depends only on its key). Holds at most `capacity` numbers; past that it stops remembering.
 */
export class NodeMemo {
  private readonly rows = new Map<number, Float64Array>();
  private held = 0;
  constructor(private readonly capacity = 2 ** 25) {}
  /** Rows remembered. */
  get size(): number {
    return this.rows.size;
  }
  get(key: number): Float64Array | undefined {
    return this.rows.get(key);
  }
  remember(key: number, row: Float64Array): void {
    if (this.held + row.length > this.capacity) return;
    this.rows.set(key, row);
    this.held += row.length;
  }
}

/** Working memory reused across calls without a memo (one search evaluates many networks in a row). */
let scratch = new Float64Array(0);
/** Examples per pass without a memo: large batches (10,000 test images) go through in pieces of this size. */
const PIECE = 1000;

/**
 * Feed-forward passes over a batch, one per shared weight: node = act(w · Σ incoming activations).
 * `inputs[i]` holds input node i's values for the whole batch; returns, per weight, one array per output node.
 * Step k's values for all the weights sit in one row, weight-major ([w₀: batch values][w₁: …]…); the sources' sum does
 * not depend on the weight, so it is formed once per node. With a `memo` (made for this batch and these weights),
 * rows of nodes already computed in another network are reused.
 */
export function forwardWeights(plan: Plan, inputs: Float64Array[], batch: number, weights: readonly number[], memo?: NodeMemo): Float64Array[][] {
  if (inputs.length !== plan.inputs) throw new Error(`expected ${plan.inputs} inputs, got ${inputs.length}`);
  if (!memo && batch > PIECE) return forwardInPieces(plan, inputs, batch, weights);
  const steps = plan.activation.length, size = weights.length * batch, rows = new Array<Float64Array>(steps);
  if (!memo && scratch.length < (steps + 1) * size) scratch = new Float64Array((steps + 1) * size);
  const sums = memo ? new Float64Array(batch) : scratch.subarray(steps * size, steps * size + batch);
  for (let k = 0; k < steps; k++) {
    const known = memo?.get(plan.key[k]);
    if (known) {
      rows[k] = known;
      continue;
    }
    const row = (rows[k] = memo ? new Float64Array(size) : scratch.subarray(k * size, (k + 1) * size));
    sums.fill(0);
    for (let j = plan.sourceStart[k]; j < plan.sourceStart[k + 1]; j++) {
      const i = plan.sources[j];
      if (i < 0) for (let b = 0; b < batch; b++) sums[b] += 1; // bias
      else { const x = inputs[i]; for (let b = 0; b < batch; b++) sums[b] += x[b]; }
    }
    for (let wi = 0, o = 0; wi < weights.length; wi++, o += batch) {
      row.set(sums, o);
      for (let j = plan.nodeStart[k]; j < plan.nodeStart[k + 1]; j++) {
        const r = rows[plan.nodes[j]];
        for (let b = o; b < o + batch; b++) row[b] += r[b];
      }
      activate(plan.activation[k], row, o, o + batch, weights[wi]);
    }
    memo?.remember(plan.key[k], row);
  }
  return weights.map((_, wi) => Array.from(plan.outputs, (k) => rows[k].slice(wi * batch, (wi + 1) * batch)));
}

/** `forwardWeights` over a large batch, PIECE examples at a time (each example's values depend on it alone). */
function forwardInPieces(plan: Plan, inputs: Float64Array[], batch: number, weights: readonly number[]): Float64Array[][] {
  const out = weights.map(() => Array.from(plan.outputs, () => new Float64Array(batch)));
  for (let lo = 0; lo < batch; lo += PIECE) {
    const hi = Math.min(batch, lo + PIECE);
    forwardWeights(plan, inputs.map((x) => x.subarray(lo, hi)), hi - lo, weights)
      .forEach((outputs, wi) => outputs.forEach((o, c) => out[wi][c].set(o, lo)));
  }
  return out;
}

export const forward = (plan: Plan, inputs: Float64Array[], batch: number, weight: number): Float64Array[] =>
  forwardWeights(plan, inputs, batch, [weight])[0];
