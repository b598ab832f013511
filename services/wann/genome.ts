// A WANN genome (Gaier & Ha 2019, "Weight Agnostic Neural Networks"): nodes with one activation each and
// enabled/disabled connections that carry NO weight of their own — every connection uses the one shared
// weight passed at evaluation. Innovation numbers are the NEAT bookkeeping used by speciation.

export const ACTIVATIONS = ['linear', 'step', 'sin', 'cos', 'gaussian', 'tanh', 'sigmoid', 'inverse', 'abs', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const ACTIVATION_FNS: Record<Activation, (x: number) => number> = {
  linear: (x) => x,
  step: (x) => (x > 0 ? 1 : 0),
  sin: (x) => Math.sin(Math.PI * x),
  cos: (x) => Math.cos(Math.PI * x),
  gaussian: (x) => Math.exp(-(x * x) / 2),
  tanh: Math.tanh,
  sigmoid: (x) => (Math.tanh(x / 2) + 1) / 2,
  inverse: (x) => -x,
  abs: Math.abs,
  relu: (x) => (x > 0 ? x : 0),
};

export type NodeKind = 'input' | 'bias' | 'output' | 'hidden';

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
  const indegree = new Map<number, number>(g.nodes.map((n) => [n.id, 0]));
  const out = new Map<number, number[]>(g.nodes.map((n) => [n.id, []]));
  for (const c of g.connections) {
    if (!c.enabled) continue;
    indegree.set(c.to, (indegree.get(c.to) ?? 0) + 1);
    out.get(c.from)?.push(c.to);
  }
  const ready = g.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: number[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const to of out.get(id)!) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) ready.push(to);
    }
  }
  if (order.length !== g.nodes.length) throw new Error('genome has a cycle');
  return order;
}

/** Structural checks: unique node ids, connections between existing nodes, none into inputs/bias, acyclic. */
export function checkGenome(g: Genome): void {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  if (byId.size !== g.nodes.length) throw new Error('duplicate node id');
  const seen = new Set<string>();
  for (const c of g.connections) {
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

export const enabledConnections = (g: Genome): number => g.connections.filter((c) => c.enabled).length;

/** A genome compiled for evaluation: node slots in topological order with their incoming slots. */
export interface Plan {
  inputSlots: number[];
  biasSlots: number[];
  outputSlots: number[];
  /** Non-source slots in evaluation order. */
  steps: { slot: number; incoming: number[]; fn: (x: number) => number }[];
  size: number;
}

export function compile(g: Genome): Plan {
  const order = topologicalOrder(g);
  const slot = new Map(order.map((id, i) => [id, i]));
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const incoming = new Map<number, number[]>(order.map((id) => [id, []]));
  for (const c of g.connections) if (c.enabled) incoming.get(c.to)!.push(slot.get(c.from)!);
  const slotsOf = (kind: NodeKind) => g.nodes.filter((n) => n.kind === kind).map((n) => slot.get(n.id)!);
  return {
    inputSlots: slotsOf('input'),
    biasSlots: slotsOf('bias'),
    outputSlots: slotsOf('output'),
    steps: order.filter((id) => byId.get(id)!.kind === 'hidden' || byId.get(id)!.kind === 'output')
      .map((id) => ({ slot: slot.get(id)!, incoming: incoming.get(id)!, fn: ACTIVATION_FNS[byId.get(id)!.activation] })),
    size: order.length,
  };
}

/**
 * Feed-forward pass over a batch with one shared weight: node = act(w · Σ incoming activations).
 * `inputs[i]` holds input node i's values for the whole batch; returns one array per output node.
 */
export function forward(plan: Plan, inputs: Float64Array[], batch: number, weight: number): Float64Array[] {
  if (inputs.length !== plan.inputSlots.length) throw new Error(`expected ${plan.inputSlots.length} inputs, got ${inputs.length}`);
  const values: (Float64Array | undefined)[] = new Array(plan.size);
  plan.inputSlots.forEach((s, i) => (values[s] = inputs[i]));
  for (const s of plan.biasSlots) values[s] = new Float64Array(batch).fill(1);
  for (const step of plan.steps) {
    const sum = new Float64Array(batch);
    for (const from of step.incoming) {
      const v = values[from]!;
      for (let b = 0; b < batch; b++) sum[b] += v[b];
    }
    for (let b = 0; b < batch; b++) sum[b] = step.fn(weight * sum[b]);
    values[step.slot] = sum;
  }
  return plan.outputSlots.map((s) => values[s]!);
}
