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

/** Node ids in an order where every enabled connection goes from an earlier to a later node; throws on a cycle. */
export function topologicalOrder(g: Genome): number[] {
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const enabled = g.connections.filter((c) => c.enabled);
  // Outgoing edges in CSR form over node positions: targets of node i are at [start[i], start[i + 1]).
  const start = new Int32Array(g.nodes.length + 1), indegree = new Int32Array(g.nodes.length);
  for (const c of enabled) {
    start[index.get(c.from)! + 1]++;
    indegree[index.get(c.to)!]++;
  }
  for (let i = 0; i < g.nodes.length; i++) start[i + 1] += start[i];
  const fill = start.slice(0, -1), targets = new Int32Array(enabled.length);
  for (const c of enabled) targets[fill[index.get(c.from)!]++] = index.get(c.to)!;
  const ready: number[] = [];
  for (let i = 0; i < g.nodes.length; i++) if (indegree[i] === 0) ready.push(i);
  for (let head = 0; head < ready.length; head++) {
    const i = ready[head];
    for (let j = start[i]; j < start[i + 1]; j++) if (--indegree[targets[j]] === 0) ready.push(targets[j]);
  }
  if (ready.length !== g.nodes.length) throw new Error('genome has a cycle');
  return ready.map((i) => g.nodes[i].id);
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

/** The genome back, with the same nodes (in order) and enabled connections; innovation numbers are not kept. */
export const unpack = (p: PackedGenome): Genome => ({
  nodes: Array.from(p.ids, (id, i) => ({ id, kind: KINDS[p.kinds[i]], activation: ACTIVATIONS[p.activations[i]] })),
  connections: Array.from(p.from, (from, i) => ({ from, to: p.to[i], enabled: true, innovation: -1 })),
});

export const enabledConnections = (g: Genome): number => g.connections.filter((c) => c.enabled).length;

/**
 * A genome compiled for evaluation, in typed arrays. Node slots are in topological order; each computed
 * (hidden/output) node k has its incoming slots split into sources (inputs, bias) and computed nodes, in CSR
 * form: `sources[sourceStart[k] .. sourceStart[k+1])`. The sources' sum does not depend on the shared weight,
 * so `forwardWeights` forms it once and reuses it for every weight (most MNIST connections start at a pixel).
 */
export interface Plan {
  inputSlots: number[];
  outputSlots: number[];
  stepSlot: Int32Array;
  stepActivation: Uint8Array;
  sourceStart: Int32Array;
  sources: Int32Array;
  nodeStart: Int32Array;
  nodes: Int32Array;
  size: number;
}

export function compile(g: Genome): Plan {
  const order = topologicalOrder(g);
  const slot = new Map(order.map((id, i) => [id, i]));
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const incoming = new Map<number, number[]>(order.map((id) => [id, []]));
  for (const c of g.connections) if (c.enabled) incoming.get(c.to)!.push(c.from);
  const slotsOf = (kind: NodeKind) => g.nodes.filter((n) => n.kind === kind).map((n) => slot.get(n.id)!);
  const isSource = (id: number) => byId.get(id)!.kind === 'input' || byId.get(id)!.kind === 'bias';
  const steps = order.filter((id) => !isSource(id));
  const sourceStart = new Int32Array(steps.length + 1), nodeStart = new Int32Array(steps.length + 1);
  const sources: number[] = [], nodes: number[] = [];
  steps.forEach((id, k) => {
    for (const from of incoming.get(id)!) (isSource(from) ? sources : nodes).push(slot.get(from)!);
    sourceStart[k + 1] = sources.length;
    nodeStart[k + 1] = nodes.length;
  });
  return {
    inputSlots: slotsOf('input'), outputSlots: slotsOf('output'),
    stepSlot: Int32Array.from(steps, (id) => slot.get(id)!),
    stepActivation: Uint8Array.from(steps, (id) => ACTIVATIONS.indexOf(byId.get(id)!.activation)),
    sourceStart, sources: Int32Array.from(sources), nodeStart, nodes: Int32Array.from(nodes), size: order.length,
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

/** Working memory reused across calls (one search evaluates many networks in a row): sums, then node values. */
let scratch = new Float64Array(0);

/**
 * Feed-forward passes over a batch, one per shared weight: node = act(w · Σ incoming activations).
 * `inputs[i]` holds input node i's values for the whole batch; returns, per weight, one array per output node.
 * Computed node k's values live at [k·batch, (k+1)·batch) of one flat buffer, so no per-node arrays are made.
 */
export function forwardWeights(plan: Plan, inputs: Float64Array[], batch: number, weights: readonly number[]): Float64Array[][] {
  if (inputs.length !== plan.inputSlots.length) throw new Error(`expected ${plan.inputSlots.length} inputs, got ${inputs.length}`);
  const steps = plan.stepSlot.length, cells = steps * batch;
  const inputOf = new Int32Array(plan.size).fill(-1), stepOf = new Int32Array(plan.size).fill(-1);
  plan.inputSlots.forEach((s, i) => (inputOf[s] = i));
  plan.stepSlot.forEach((s, k) => (stepOf[s] = k));
  if (scratch.length < 2 * cells) scratch = new Float64Array(2 * cells);
  const sums = scratch.subarray(0, cells), values = scratch.subarray(cells, 2 * cells);
  sums.fill(0);
  for (let k = 0; k < steps; k++) {
    const o = k * batch;
    for (let j = plan.sourceStart[k]; j < plan.sourceStart[k + 1]; j++) {
      const i = inputOf[plan.sources[j]];
      if (i < 0) for (let b = 0; b < batch; b++) sums[o + b] += 1; // bias
      else { const row = inputs[i]; for (let b = 0; b < batch; b++) sums[o + b] += row[b]; }
    }
  }
  const from = Int32Array.from(plan.nodes, (s) => stepOf[s] * batch);
  return weights.map((w) => {
    values.set(sums);
    for (let k = 0; k < steps; k++) {
      const o = k * batch;
      for (let j = plan.nodeStart[k]; j < plan.nodeStart[k + 1]; j++) {
        const r = from[j];
        for (let b = 0; b < batch; b++) values[o + b] += values[r + b];
      }
      activate(plan.stepActivation[k], values, o, o + batch, w);
    }
    return plan.outputSlots.map((s) => values.slice(stepOf[s] * batch, (stepOf[s] + 1) * batch));
  });
}

export const forward = (plan: Plan, inputs: Float64Array[], batch: number, weight: number): Float64Array[] =>
  forwardWeights(plan, inputs, batch, [weight])[0];
